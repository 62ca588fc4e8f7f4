/**
 * MQTT packets in the trace: every control packet a client sends or receives is a 'packet'
 * event, so the packet log is a view of trace[0..n] like every other, and a replay shows
 * it too.
 */
import type { WirePacket } from '../broker/types';
import { bytesToHex, hexToBytes } from '../bytes/hex';
import { readPublish } from '../mqtt/handshake';
import { KEEP } from '../signalling/keep-limits';
import { MAX_PAYLOAD_BYTES } from '../signalling/types';
import type { EventOf, TraceEvent, TraceEventBody } from './types';
import { count } from '../text/count';

/**
 * How many bytes of a packet the packet log keeps: a PUBLISH keeps its header and its payload
 * when that could be a signal, else the payload's first KEEP.oversizePayloadBytes; any packet
 * at most KEEP.packetBytes.
 */
export function packetKeeps(bytes: Uint8Array): number {
  const publish = readPublish(bytes);
  const payload = publish?.payload.length ?? 0;
  const keep = payload > MAX_PAYLOAD_BYTES ? KEEP.oversizePayloadBytes : KEEP.signalPayloadBytes;
  return Math.min(bytes.length, bytes.length - payload + keep, KEEP.packetBytes);
}

/** The trace event for one packet as the transport reported it, keeping at most `budget` bytes of it. */
export function packetEvent(peer: string, packet: WirePacket, budget: number = KEEP.packetBytes): Extract<TraceEventBody, { type: 'packet' }> {
  const limit = Math.min(budget, packetKeeps(packet.bytes));
  const kept = packet.bytes.length > limit ? packet.bytes.subarray(0, limit) : packet.bytes;
  return { type: 'packet', peer, direction: packet.direction, name: packet.type, size: packet.bytes.length, hex: bytesToHex(kept, '') };
}

/** What a packet row says of a packet the log keeps only the start of. */
export function keptNote(kept: number, size: number): string {
  return `kept the first ${count(kept)} of ${count(size)} bytes`;
}

/** A packet read back from the trace; `at` is the event's time, `truncated` when bytes were cut. */
export interface TracedPacket extends WirePacket {
  size: number;
  truncated: boolean;
  /** Index of the 'packet' event. */
  i: number;
}

// Events are frozen, so a decoded packet can be kept for as long as its event lives.
const decoded = new WeakMap<EventOf<'packet'>, TracedPacket>();

function toPacket(e: EventOf<'packet'>): TracedPacket {
  let p = decoded.get(e);
  if (!p) {
    const bytes = hexToBytes(e.hex);
    p = { direction: e.direction, type: e.name, bytes, at: e.at, size: e.size, truncated: bytes.length < e.size, i: e.i };
    decoded.set(e, p);
  }
  return p;
}

/** One client's packets, oldest first. */
export function packetsOf(events: readonly TraceEvent[], peer: string): TracedPacket[] {
  const out: TracedPacket[] = [];
  for (const e of events) if (e.type === 'packet' && e.peer === peer) out.push(toPacket(e));
  return out;
}

/** The peers that have packets in the trace, in order of their first packet. */
export function packetPeers(events: readonly TraceEvent[]): string[] {
  const peers = new Set<string>();
  for (const e of events) if (e.type === 'packet') peers.add(e.peer);
  return [...peers];
}

/** stablePacketsOf for any client, one per client on first use. */
export function stablePackets(): (events: readonly TraceEvent[], peer: string) => TracedPacket[] {
  const views = new Map<string, (events: readonly TraceEvent[]) => TracedPacket[]>();
  return (events, peer) => {
    let view = views.get(peer);
    if (!view) views.set(peer, (view = stablePacketsOf(peer)));
    return view(events);
  };
}

/**
 * A packetsOf for a growing trace: it reads only the events added since its last call (the
 * events before them are the same objects), and returns the same array while no packet of
 * `peer` was added, so a packet list does not re-render on every Step.
 */
export function stablePacketsOf(peer: string): (events: readonly TraceEvent[]) => TracedPacket[] {
  let seen = 0;
  let last: TraceEvent | undefined;
  let packets: TracedPacket[] = [];
  return (events) => {
    // Grown means the same events with more after them; anything else (a reset, a step back) starts over.
    const grown = events.length >= seen && events[seen - 1] === last;
    let added: TracedPacket[] | null = grown ? null : (packets = []);
    for (let k = grown ? seen : 0; k < events.length; k++) {
      const e = events[k]!;
      if (e.type === 'packet' && e.peer === peer) (added ??= []).push(toPacket(e));
    }
    seen = events.length;
    last = events[seen - 1];
    if (added) packets = grown ? [...packets, ...added] : added;
    return packets;
  };
}

const utf8 = new TextEncoder();

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * The PUBLISH packet a 'published' event went out in, as its sender wrote it: the client's
 * outgoing PUBLISH with the same topic and payload. The payload carries the sender's mid, so
 * it names the message; should the same text go out twice, the n-th publish of it is the n-th
 * packet. A retransmission (DUP set, MQTT 3.1.1 §3.3.1.1) is not what the sender first wrote.
 * Null for any other event, or when the transport showed no bytes (a remote broker's labs
 * re-encode theirs; a packet cut short by the byte budget has lost its payload).
 */
export function publishPacketOf(events: readonly TraceEvent[], index: number): TracedPacket | null {
  const published = events[index];
  if (published?.type !== 'published') return null;
  const { peer, topic } = published;
  // In another app's dialect, the wire carried the original, not the lab's reading of it.
  const payload = published.wire?.payload ?? published.payload;
  let earlier = 0;
  for (let k = 0; k < index; k++) {
    const e = events[k]!;
    if (e.type === 'published' && e.peer === peer && e.topic === topic && (e.wire?.payload ?? e.payload) === payload) earlier++;
  }
  const want = utf8.encode(payload);
  // From the start: an earlier publish of the same text may still be written after this event.
  for (const e of events) {
    if (e.type !== 'packet' || e.peer !== peer || e.direction !== 'out' || e.name !== 'PUBLISH') continue;
    const p = toPacket(e);
    const h = readPublish(p.bytes);
    if (!h || h.dup || h.topic !== topic || !sameBytes(h.payload, want)) continue;
    if (earlier-- === 0) return p;
  }
  return null;
}
