/**
 * An honest clock for "Connected in": how much of the time to connect was the peers' own
 * work, and how much was messages waiting in the queue for the reader (Step, or Play's pace).
 * Pure functions of trace[0..n].
 */
import { heldMessages, peerStates, timeToConnected } from './selectors';
import type { EventOf, TraceEvent } from './types';

/** The states in which ICE or DTLS is at work (webrtc-pc RTCIceConnectionState, RTCPeerConnectionState). */
const AT_WORK: Readonly<Record<'iceConnection' | 'connection', readonly string[]>> = {
  iceConnection: ['checking'],
  connection: ['connecting'],
};

/**
 * True while one of `peers` is connecting: its ICE agent is checking pairs or its connection is
 * `connecting` (DTLS under way). Views that cost the main thread much (a full diagram redraw)
 * wait for it to end, so they do not delay the checks and the handshake they would draw.
 */
export function connecting(events: readonly TraceEvent[], peers: readonly string[]): boolean {
  return peers.some((peer) => {
    const states = peerStates(events, peer);
    return AT_WORK.iceConnection.includes(states.iceConnection) || AT_WORK.connection.includes(states.connection);
  });
}

export interface ConnectClock {
  /** From the first createOffer() until both peers were connected (timeToConnected). */
  totalMs: number;
  /** The part of it when at least one message was held, waiting to be delivered. */
  heldMs: number;
  /** totalMs - heldMs: the peers working (and the broker carrying) with nothing waiting. */
  ownMs: number;
  signals: number;
}

/** Total length of the union of [start, end] intervals, each clipped to [from, to]. */
function unionLength(intervals: readonly (readonly [number, number])[], from: number, to: number): number {
  const clipped = intervals
    .map(([a, b]) => [Math.max(a, from), Math.min(b, to)] as const)
    .filter(([a, b]) => b > a)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = -Infinity;
  for (const [a, b] of clipped) {
    if (a >= end) {
      total += b - a;
      end = b;
    } else if (b > end) {
      total += b - end;
      end = b;
    }
  }
  return total;
}

/**
 * The intervals during which each message waited in the queue: from 'held' until it was
 * delivered or dropped, or until `now` if it still waits.
 */
export function heldIntervals(events: readonly TraceEvent[], now: number): [number, number][] {
  const since = new Map<string, number>();
  const out: [number, number][] = [];
  for (const e of events) {
    if (e.type === 'held') since.set(e.qid, e.at);
    else if (e.type === 'delivered' || e.type === 'dropped') {
      const start = since.get(e.qid);
      if (start === undefined) continue;
      out.push([start, e.at]);
      since.delete(e.qid);
    }
  }
  for (const start of since.values()) out.push([start, now]);
  return out;
}

/** "Connected in" split into the peers' own time and the time spent waiting; null until connected. */
export function connectClock(events: readonly TraceEvent[]): ConnectClock | null {
  const timing = timeToConnected(events);
  if (!timing) return null;
  const start = events.find((e): e is EventOf<'api'> => e.type === 'api' && e.call === 'createOffer' && e.ok)!.at;
  const end = start + timing.ms;
  const heldMs = Math.min(timing.ms, Math.round(unionLength(heldIntervals(events, end), start, end)));
  return { totalMs: timing.ms, heldMs, ownMs: timing.ms - heldMs, signals: timing.signals };
}

/** 406 → "406 ms", 10_612 → "10.6 s". */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** "0.4 s of it the peers' own work, 10.6 s waiting in the queue for Step or Play". */
export function clockSplit(clock: ConnectClock): string {
  return `${formatDuration(clock.ownMs)} of it the peers' own work, ${formatDuration(clock.heldMs)} waiting in the queue for Step or Play`;
}

/**
 * Play has nothing left to do: both peers are connected and have gathered every candidate
 * (and, trickling, published end-of-candidates), every signal published has reached the
 * queue and none is held. So no signal the connection needs is still to come; a later
 * message (a last will, a chat over MQTT) waits for Step. The peers are the session's two.
 */
export function playDone(events: readonly TraceEvent[]): boolean {
  const session = events.find((e): e is EventOf<'session'> => e.type === 'session');
  if (!session || session.peers[0] === session.peers[1]) return false;
  const heldMids = new Set<string>();
  for (const e of events) if (e.type === 'held') heldMids.add(e.mid);
  const published = events.filter((e): e is EventOf<'published'> => e.type === 'published');
  if (published.some((p) => !heldMids.has(p.mid)) || heldMessages(events).length > 0) return false;
  return session.peers.every((peer) => {
    const s = peerStates(events, peer);
    const gathered = events.some((e) => e.type === 'candidate-gathered' && e.peer === peer && e.candidate === null);
    const own = published.filter((p) => p.peer === peer);
    const trickled = !own.some((p) => p.kind === 'candidate') || own.some((p) => p.kind === 'end-of-candidates');
    return s.connection === 'connected' && s.iceGathering === 'complete' && gathered && trickled;
  });
}
