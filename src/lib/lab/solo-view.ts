/**
 * The two-device lab's lobby as views of its trace: where the join is (its phase, and why it
 * stopped) and who is online, folded from 'phase' and 'presence' events. The session keeps the
 * same fold for its own decisions; the page and a replay read these.
 */
import { LIMITS } from '../signalling/limits';
import { applyPresence, type PresenceEntry, type PresenceUpdate } from '../signalling/presence';
import type { EventOf, TraceEvent } from '../trace/types';

export type SoloPhase = 'idle' | EventOf<'phase'>['phase'];

/** A presence event as the roster's update. */
export function presenceUpdate(e: EventOf<'presence'> | Omit<EventOf<'presence'>, 'i' | 'at'>): PresenceUpdate {
  return e.status === 'cleared' ? { peer: e.of, cleared: true } : { peer: e.of, status: e.status, will: e.will, retained: e.retained, ts: e.ts, ...(e.detail ? { detail: e.detail } : {}) };
}

/** Everyone this device has heard of, by id, as of the end of `events`. */
export function rosterOf(events: readonly TraceEvent[]): Map<string, PresenceEntry> {
  let roster = new Map<string, PresenceEntry>();
  for (const e of events) if (e.type === 'presence') roster = applyPresence(roster, presenceUpdate(e));
  return roster;
}

/** The most peers the roster lists (../signalling/limits). */
export const ROSTER_LIMIT = LIMITS.roster;

/** How many peers heard of, and not cleared since, the roster's bound left out of `roster`. */
export function rosterLeftOut(events: readonly TraceEvent[], roster: ReadonlyMap<string, PresenceEntry>): number {
  const cleared = new Map<string, boolean>();
  for (const e of events) if (e.type === 'presence') cleared.set(e.of, e.status === 'cleared');
  let n = 0;
  for (const [id, gone] of cleared) if (!gone && !roster.has(id)) n++;
  return n;
}

/** The latest phase, and the reason given with it (a refusal or an error), if any. */
export function phaseOf(events: readonly TraceEvent[]): { phase: SoloPhase; detail: string | null } {
  for (let k = events.length - 1; k >= 0; k--) {
    const e = events[k]!;
    if (e.type === 'phase') return { phase: e.phase, detail: e.detail ?? null };
  }
  return { phase: 'idle', detail: null };
}
