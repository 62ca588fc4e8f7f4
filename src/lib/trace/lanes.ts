/**
 * The diagram's two peer lanes for a whole trace. A two-peer session names both. A
 * one-peer-per-device trace holds one side only (its session names this device twice), so
 * the other lane is the peer this device talked to: the first one it held an offer, answer
 * or candidate from, else the first one it heard from at all.
 */
import type { TraceEvent } from './types';
import { BROKER_LANE } from './selectors';

/** The watch mode's own lane (../lab/watch-session.ts): where what it cannot read is drawn. */
export const WATCHER = 'watcher';

/**
 * A watch trace's lanes, or null for any other trace: every peer in the order it was first
 * seen, the broker after the first, and the watcher's own lane last once it refused something.
 */
export function watchedLanes(events: readonly TraceEvent[]): string[] | null {
  const session = events.find((e) => e.type === 'session');
  if (session?.type !== 'session' || !session.watch) return null;
  const peers = new Set<string>();
  let refused = false;
  for (const e of events) {
    if (e.type === 'published') peers.add(e.peer);
    else if (e.type === 'held') peers.add(e.from).add(e.to);
    else if (e.type === 'rejected') refused = true;
  }
  const [first, ...rest] = [...peers];
  return [...(first ? [first] : []), BROKER_LANE, ...rest, ...(refused ? [WATCHER] : [])];
}

/** Lanes of a trace with no session event. */
export const DEFAULT_LANES: readonly [string, string] = ['alice', 'bob'];

export function traceLanes(events: readonly TraceEvent[]): [string, string] {
  const session = events.find((e) => e.type === 'session');
  if (session?.type !== 'session') return [...DEFAULT_LANES];
  const [self, other] = session.peers;
  if (self !== other) return [self, other];
  let heard: string | null = null;
  for (const e of events) {
    if (e.type !== 'held' || e.from === self) continue;
    if (e.kind !== 'status' && e.kind !== 'chat') return [self, e.from];
    heard ??= e.from;
  }
  return [self, heard ?? 'peer'];
}

/**
 * The part `peer` plays in the negotiation so far: the offerer once its createOffer()
 * succeeded, the answerer once its createAnswer() did, else null.
 */
export function negotiationRole(events: readonly TraceEvent[], peer: string): 'offerer' | 'answerer' | null {
  for (const e of events) {
    if (e.type !== 'api' || e.peer !== peer || !e.ok) continue;
    if (e.call === 'createOffer') return 'offerer';
    if (e.call === 'createAnswer') return 'answerer';
  }
  return null;
}
