/**
 * Pure views of a trace prefix events[0..n]: the diagram rows, the held list, each
 * peer's state machines. Same input, same output; nothing here mutates or throws.
 */
import type { BrokerState, EventOf, MessageInfo, PeerMachine, TraceEvent } from './types';

/** The diagram's middle lane. A literal string: rows name it in from/to. */
export const BROKER_LANE = 'broker';

export type RowStatus = 'sent' | 'pending' | 'delivered' | 'rejected' | 'note';

/** One arrow (or note) of the sequence diagram, and one row of its accessible table. */
export interface DiagramRow {
  /** 1-based row number, as shown on the diagram. */
  n: number;
  /** Index (`i`) of the trace event this row was drawn from. */
  eventIndex: number;
  /** Queue id, for held / delivered rows. */
  qid?: string;
  /** Sender's message id, for sent and held rows: links a publish to its delivery. */
  mid?: string;
  from: string;
  to: string;
  /** Short text, e.g. "offer", "candidate host udp", "rejected: not JSON: …". Untrusted: escape before rendering as markup. */
  label: string;
  kind?: MessageInfo['kind'];
  status: RowStatus;
  /** The peer a note is drawn over (status 'note' only). */
  over?: string;
  retained: boolean;
  will: boolean;
}

type Published = EventOf<'published'>;
type Held = EventOf<'held'>;

/** Anything describeMessage can label. */
export type Describable = MessageInfo | Published | Held;

/**
 * A short label: `status: alice online`, `status: alice online (retained)`,
 * `will: bob offline`, `offer`, `answer`, `candidate host udp`, `end-of-candidates`.
 */
export function describeMessage(m: Describable): string {
  const published = 'type' in m && m.type === 'published';
  const sender = published ? (m as Published).peer : (m as MessageInfo).from;
  const retained = m.retain ? ' (retained)' : '';
  const body = parseObject(m.payload);
  switch (m.kind) {
    case 'status': {
      const will = (!published && (m as MessageInfo).will) || body?.reason === 'will';
      const status = body?.status === 'online' || body?.status === 'offline' ? ` ${body.status}` : '';
      return `${will ? 'will' : 'status'}: ${sender}${status}${retained}`;
    }
    case 'candidate':
      return describeCandidate(body?.candidate);
    default:
      return m.kind;
  }
}

/**
 * `candidate:<foundation> <component> <transport> <priority> <address> <port> typ <type> …`
 * (RFC 8839 §5.1) → `candidate host udp`. Accepts the attribute with or without `a=`,
 * or an RTCIceCandidateInit serialised as JSON. An empty candidate string is how
 * WebRTC says end-of-candidates (W3C webrtc-pc, addIceCandidate).
 */
export function describeCandidate(candidate: unknown): string {
  let line = candidate;
  if (typeof line === 'string' && line.trimStart().startsWith('{')) line = parseObject(line)?.candidate;
  if (typeof line !== 'string') return 'candidate';
  if (line.trim() === '') return 'candidate (end)';
  const fields = line.trim().replace(/^a=/, '').split(/\s+/);
  if (!/^candidate:/i.test(fields[0] ?? '')) return 'candidate';
  const transport = fields[2]?.toLowerCase();
  const typIndex = fields.indexOf('typ', 6);
  const type = typIndex === -1 ? undefined : fields[typIndex + 1]?.toLowerCase();
  // Only plain tokens make it into the label; the rest of the line is untrusted.
  const parts = [type, transport].filter((p): p is string => p !== undefined && /^[a-z]{1,10}$/.test(p));
  return ['candidate', ...parts].join(' ');
}

function parseObject(text: string | undefined): Record<string, unknown> | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** Queue ids that have been delivered within these events. */
function deliveredQids(events: readonly TraceEvent[]): Set<string> {
  const qids = new Set<string>();
  for (const e of events) if (e.type === 'delivered') qids.add(e.qid);
  return qids;
}

type RowDraft = Omit<DiagramRow, 'n'>;

/** How each event type becomes a row; types not listed draw nothing. */
const ROW_OF: {
  readonly [K in TraceEvent['type']]?: (e: EventOf<K>, delivered: ReadonlySet<string>) => RowDraft;
} = {
  published: (e) => ({
    eventIndex: e.i,
    mid: e.mid,
    from: e.peer,
    to: BROKER_LANE,
    label: describeMessage(e),
    kind: e.kind,
    status: 'sent',
    retained: e.retain,
    will: false,
  }),
  held: (e, delivered) => ({
    eventIndex: e.i,
    qid: e.qid,
    mid: e.mid,
    from: BROKER_LANE,
    to: e.to,
    label: describeMessage(e),
    kind: e.kind,
    status: delivered.has(e.qid) ? 'delivered' : 'pending',
    retained: e.retain,
    will: e.will,
  }),
  rejected: (e) => ({
    eventIndex: e.i,
    from: BROKER_LANE,
    to: e.to,
    label: `rejected: ${e.reason}`,
    status: 'rejected',
    retained: false,
    will: false,
  }),
  'plug-pulled': (e) => ({
    eventIndex: e.i,
    from: e.peer,
    to: e.peer,
    over: e.peer,
    label: 'plug pulled',
    status: 'note',
    retained: false,
    will: false,
  }),
};

/**
 * One row per arrow, in trace order. Rows that involve a lane other than the two
 * peers and the broker (a stranger publishing under our root) are left out: the
 * diagram declares only those three lanes.
 */
export function diagramRows(events: readonly TraceEvent[], peers: readonly [string, string]): DiagramRow[] {
  const delivered = deliveredQids(events);
  const lanes = new Set<string>([...peers, BROKER_LANE]);
  const rows: DiagramRow[] = [];
  for (const e of events) {
    const make = ROW_OF[e.type] as ((e: TraceEvent, d: ReadonlySet<string>) => RowDraft) | undefined;
    if (!make) continue;
    const draft = make(e, delivered);
    if (!lanes.has(draft.from) || !lanes.has(draft.to)) continue;
    rows.push({ n: rows.length + 1, ...draft });
  }
  return rows;
}

export function deliveredCount(events: readonly TraceEvent[]): number {
  return events.reduce((n, e) => (e.type === 'delivered' ? n + 1 : n), 0);
}

/** Messages held and not yet delivered, oldest first: the queue as of events[0..n]. */
export function heldMessages(events: readonly TraceEvent[]): Held[] {
  const delivered = deliveredQids(events);
  return events.filter((e): e is Held => e.type === 'held' && !delivered.has(e.qid));
}

/** The held event for a queue id, if any. */
export function messageByQid(events: readonly TraceEvent[], qid: string): Held | undefined {
  return events.find((e): e is Held => e.type === 'held' && e.qid === qid);
}

export type PeerStates = Record<PeerMachine, string>;

/** Initial values of RTCPeerConnection's four state machines (W3C webrtc-pc §4.3). */
export const INITIAL_PEER_STATES: Readonly<PeerStates> = Object.freeze({
  connection: 'new',
  signaling: 'stable',
  iceGathering: 'new',
  iceConnection: 'new',
});

/** Latest value of each of a peer's four state machines. */
export function peerStates(events: readonly TraceEvent[], peer: string): PeerStates {
  const states: PeerStates = { ...INITIAL_PEER_STATES };
  for (const e of events) if (e.type === 'state' && e.peer === peer) states[e.machine] = e.value;
  return states;
}

/** A peer's MQTT connection as of events[0..n]: 'idle' before its first broker event. */
export function brokerState(events: readonly TraceEvent[], peer: string): BrokerState | 'idle' {
  return latest(events, (e) => (e.type === 'broker' && e.peer === peer ? e.state : undefined)) ?? 'idle';
}

/**
 * True when both peers' data channels are open. The peers are those of the latest
 * 'session' event; without one, any two peers whose channels are open.
 */
export function channelOpen(events: readonly TraceEvent[]): boolean {
  const session = latest(events, (e) => (e.type === 'session' ? e : undefined));
  const open = new Map<string, boolean>();
  for (const e of events) if (e.type === 'channel') open.set(e.peer, e.state === 'open');
  if (session) return session.peers.every((p) => open.get(p) === true);
  return [...open.values()].filter(Boolean).length >= 2;
}

function latest<T>(events: readonly TraceEvent[], pick: (e: TraceEvent) => T | undefined): T | undefined {
  for (let k = events.length - 1; k >= 0; k--) {
    const value = pick(events[k]!);
    if (value !== undefined) return value;
  }
  return undefined;
}
