/**
 * Selectors with stable identities across calls on a growing trace: what did not change is the
 * same object as last time. A Step changes one row of a thousand; the views' keyed {#each}
 * blocks then update only that row instead of every row (issue 7: 500 signals).
 */
import { diagramRows, tamperings, type DiagramDetail, type DiagramRow, type Tampering } from './selectors';
import type { TraceEvent } from './types';

const KEYS: readonly (keyof DiagramRow)[] = ['n', 'eventIndex', 'qid', 'mid', 'from', 'to', 'label', 'kind', 'status', 'over', 'retained', 'will'];

function sameRow(a: DiagramRow, b: DiagramRow): boolean {
  if (KEYS.some((k) => a[k] !== b[k]) || 'marks' in a !== 'marks' in b) return false;
  const [x, y] = [a.marks ?? [], b.marks ?? []];
  return x.length === y.length && x.every((m, k) => m === y[k]);
}

/** A diagramRows whose output deep-equals diagramRows' and reuses the previous call's equal rows. */
export function stableDiagramRows(): (events: readonly TraceEvent[], peers: readonly [string, string], detail?: DiagramDetail) => DiagramRow[] {
  let previous = new Map<number, DiagramRow>();
  return (events, peers, detail) => {
    const rows = diagramRows(events, peers, detail).map((row) => {
      const old = previous.get(row.eventIndex);
      return old && sameRow(old, row) ? old : row;
    });
    previous = new Map(rows.map((r) => [r.eventIndex, r]));
    return rows;
  };
}

/** A tamperings whose output equals tamperings' and is the previous call's map while no 'tampered' event was added. */
export function stableTamperings(): (events: readonly TraceEvent[]) => Map<string, Tampering> {
  let seen: TraceEvent[] = [];
  let previous: Map<string, Tampering> | null = null;
  return (events) => {
    const now = events.filter((e) => e.type === 'tampered');
    if (previous && now.length === seen.length && now.every((e, k) => e === seen[k])) return previous;
    seen = now;
    return (previous = tamperings(events));
  };
}
