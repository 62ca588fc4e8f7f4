/**
 * Which rows the sequence diagram draws. Mermaid lays out and draws every row on each render
 * (≈ 0.5 ms a row on a 2-core machine: 1,000 rows take over half a second), so a long
 * session draws only its most recent rows; the table under the drawing keeps every row.
 */
import type { DiagramRow } from '../trace/selectors';

/** Rows drawn at most: a render of this many stays well under 200 ms (npm run bench, 9b). */
export const DIAGRAM_WINDOW = 150;

export interface DiagramWindow<R> {
  /** The rows to draw, in order: all of them, or the last `max`. */
  readonly drawn: readonly R[];
  /** Index in `rows` of the first drawn row (0 when nothing is left out). */
  readonly start: number;
  /** `n` of the first and last row left out, or null when every row is drawn. */
  readonly omitted: { readonly first: number; readonly last: number; readonly count: number } | null;
}

export function diagramWindow<R extends Pick<DiagramRow, 'n'>>(rows: readonly R[], max: number = DIAGRAM_WINDOW): DiagramWindow<R> {
  const size = Math.max(1, Math.floor(max));
  if (rows.length <= size) return { drawn: rows, start: 0, omitted: null };
  const start = rows.length - size;
  return { drawn: rows.slice(start), start, omitted: { first: rows[0]!.n, last: rows[start - 1]!.n, count: start } };
}
