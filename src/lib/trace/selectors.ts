/**
 * Pure views of a trace prefix events[0..n]: the diagram rows, the held list, each
 * peer's state machines. Same input, same output; nothing here mutates or throws.
 */
import { candidateTokens } from '../ice/candidate';
import type { BrokerState, EventOf, MessageInfo, PeerMachine, TamperAction, TraceEvent } from './types';

/** The diagram's middle lane. A literal string: rows name it in from/to. */
export const BROKER_LANE = 'broker';

/** `p2p`: straight from one peer to the other, past the broker (ICE checks, DTLS, the data channel). */
/** `foreign`: a message held apart, never delivered (a 'foreign' event, foreign or suspicious). */
export type RowStatus = 'sent' | 'pending' | 'delivered' | 'dropped' | 'rejected' | 'foreign' | 'note' | 'p2p';

/**
 * How much of the exchange the diagram shows, each level adding to the one before: the MQTT
 * hops only; plus each peer's API calls and state changes (notes over its lane); plus the
 * peer-to-peer path (arrows from peer to peer).
 */
export type DiagramDetail = 'signalling' | 'api' | 'p2p';

/** The levels in order, with the words the detail control shows. */
export const DIAGRAM_DETAILS: ReadonlyArray<{ value: DiagramDetail; label: string }> = [
  { value: 'signalling', label: 'Signalling only' },
  { value: 'api', label: '+ API calls' },
  { value: 'p2p', label: '+ peer to peer' },
];
const LEVEL: Readonly<Record<DiagramDetail, number>> = { signalling: 0, api: 1, p2p: 2 };

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
  /** How the reader tampered with this held message, in order (held rows only). */
  marks?: TamperAction[];
}

/** The words the diagram and its table add for each tampering: "offer (edited)". */
export const TAMPER_MARK: Readonly<Record<TamperAction, string>> = {
  delay: '(delayed)',
  duplicate: '(duplicate)',
  move: '(moved)',
  edit: '(edited)',
};

/** A row's tamper marks as text, e.g. "(edited) (moved)"; '' when untouched. */
export function marksText(row: Pick<DiagramRow, 'marks'>): string {
  return (row.marks ?? []).map((m) => TAMPER_MARK[m]).join(' ');
}

type Published = EventOf<'published'>;
type Held = EventOf<'held'>;
type Foreign = EventOf<'foreign'>;

/** Anything describeMessage can label. */
export type Describable = MessageInfo | Published | Held | Foreign;

/**
 * A short label: `status: alice online`, `status: alice online (retained)`,
 * `will: bob offline`, `offer`, `answer`, `candidate host udp`, `end-of-candidates`, `chat: hi`.
 */
export function describeMessage(m: Describable): string {
  // Rows are rebuilt from every event on each new event; parse each payload once.
  let label = labelCache.get(m);
  if (label === undefined) labelCache.set(m, (label = describe(m)));
  return label;
}

/** Trace events are never changed once recorded, so a label per message object holds. */
const labelCache = new WeakMap<Describable, string>();

function describe(m: Describable): string {
  const published = 'type' in m && m.type === 'published';
  const sender = published ? (m as Published).peer : (m as Held | Foreign).from;
  const retained = m.retain ? ' (retained)' : '';
  const body = parseObject(m.payload);
  switch (m.kind) {
    case 'status': {
      const will = (!published && (m as Held | Foreign).will) || body?.reason === 'will';
      const status = body?.status === 'online' || body?.status === 'offline' ? ` ${body.status}` : '';
      return `${will ? 'will' : 'status'}: ${sender}${status}${retained}`;
    }
    case 'candidate':
      return describeCandidate(body?.candidate);
    case 'chat': {
      return `chat: ${typeof body?.text === 'string' ? clipText(body.text) : ''}${retained}`;
    }
    case 'handshake':
      return `handshake: ${typeof body?.subject === 'string' ? clipText(body.subject) : ''}`;
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
  const { named, tokens } = candidateTokens(line);
  if (!named) return 'candidate';
  const transport = tokens[2]?.toLowerCase();
  const typIndex = tokens.indexOf('typ', 6);
  const type = typIndex === -1 ? undefined : tokens[typIndex + 1]?.toLowerCase();
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

/** "foreign: offer — why", "suspicious: will: bob offline — why": the verdict first, as a reader scans for it. */
export function foreignLabel(e: Foreign): string {
  return `${e.verdict}: ${describeMessage(e)} — ${e.reason}`;
}

/** Messages held apart (never queued, never delivered), oldest first. */
export function heldApart(events: readonly TraceEvent[]): Foreign[] {
  return events.filter((e): e is Foreign => e.type === 'foreign');
}

/** Queue ids that have left the queue, and how: delivered, or dropped by the reader. */
function queueFates(events: readonly TraceEvent[]): Map<string, 'delivered' | 'dropped'> {
  const fates = new Map<string, 'delivered' | 'dropped'>();
  for (const e of events) if ((e.type === 'delivered' || e.type === 'dropped') && !fates.has(e.qid)) fates.set(e.qid, e.type);
  return fates;
}

/** The reader's drop of this queue id, if it was dropped. */
export function droppedEvent(events: readonly TraceEvent[], qid: string): EventOf<'dropped'> | undefined {
  return events.find((e): e is EventOf<'dropped'> => e.type === 'dropped' && e.qid === qid);
}

/** What the reader did to one queue id: its marks, and its latest edit. */
export interface Tampering {
  marks: TamperAction[];
  edit?: EventOf<'tampered'>;
}

/**
 * Per queue id, how the reader tampered with it. A duplicate marks the copy (the original
 * is untouched); a move marks the item the reader moved, not the neighbour it swapped with.
 */
export function tamperings(events: readonly TraceEvent[]): Map<string, Tampering> {
  const out = new Map<string, Tampering>();
  for (const e of events) {
    if (e.type !== 'tampered') continue;
    const qid = e.action === 'duplicate' ? e.copy : e.qid;
    if (qid === undefined) continue;
    const t = out.get(qid) ?? { marks: [] };
    if (!t.marks.includes(e.action)) t.marks.push(e.action);
    if (e.action === 'edit' && e.payload !== undefined) t.edit = e;
    out.set(qid, t);
  }
  return out;
}

/** A held message as it will be delivered: with the reader's latest edit, if any. */
function withEdit(held: Held, edit: EventOf<'tampered'> | undefined): Held {
  if (edit?.payload === undefined) return held;
  const from = parseObject(edit.payload)?.from;
  return {
    ...held,
    payload: edit.payload,
    bytes: edit.bytes ?? held.bytes,
    // A reader may claim another sender; the peer decides what to make of it.
    ...(typeof from === 'string' && /^[A-Za-z0-9_-]{1,32}$/.test(from) ? { from } : {}),
  };
}

type RowDraft = Omit<DiagramRow, 'n'>;
type Fates = ReadonlyMap<string, 'delivered' | 'dropped'>;

/** What a row rule may know besides its event: where queued messages went, the two peers. */
interface RowContext {
  fates: Fates;
  peers: readonly [string, string];
  /** `${peer} ${machine}` of every state machine whose first (initial) value has been seen. */
  seenMachines: Set<string>;
}

/** An event's row at each detail level where it has one; the highest level at or below the chosen one wins. */
type RowsByLevel = Partial<Record<DiagramDetail, RowDraft>>;

/** The offer/answer calls (RFC 8829 §4.1): when one fails, the diagram shows why. */
const DESCRIPTION_CALLS: ReadonlySet<string> = new Set(['createOffer', 'createAnswer', 'setLocalDescription', 'setRemoteDescription']);
/** Chromium prefixes every error with where it came from; the note keeps what went wrong. */
const ERROR_PREFIX = /Failed to execute '\w+' on '\w+': /;
const MAX_NOTE_CHARS = 140;

const note = (e: TraceEvent, peer: string, label: string): RowDraft => ({
  eventIndex: e.i,
  from: peer,
  to: peer,
  over: peer,
  label: label.slice(0, MAX_NOTE_CHARS),
  status: 'note',
  retained: false,
  will: false,
});

const p2p = (e: TraceEvent, from: string, to: string, label: string): RowDraft => ({
  eventIndex: e.i,
  from,
  to,
  label: label.slice(0, MAX_NOTE_CHARS),
  status: 'p2p',
  retained: false,
  will: false,
});

/** The peer on the other end of `peer`'s connection. */
const otherPeer = (ctx: RowContext, peer: string): string => (ctx.peers[0] === peer ? ctx.peers[1] : ctx.peers[0]);

/**
 * The API calls drawn at '+ API calls', as the W3C API names them, with their argument as
 * LabPeer traced it (the description's type, the candidate line, the channel's label).
 */
const API_CALL_LABEL: Readonly<Record<string, (detail: string) => string>> = {
  createOffer: (d) => (d ? `createOffer(): ${d}` : 'createOffer()'),
  // LabPeer's detail names the ufrag the restart replaces (RFC 8445 §9).
  restartIce: (d) => (d ? `restartIce(): ${d}` : 'restartIce()'),
  createAnswer: () => 'createAnswer()',
  setLocalDescription: (d) => `setLocalDescription(${d})`,
  setRemoteDescription: (d) => `setRemoteDescription(${d})`,
  addIceCandidate: (d) => `addIceCandidate(${d === 'end-of-candidates' ? d : describeCandidate(d)})`,
  createDataChannel: (d) => `createDataChannel(${d})`,
};

/**
 * Signalling level: a note over the peer for a failed offer/answer call, for the impolite
 * peer's 'ignoreOffer' in perfect negotiation, for the end of vanilla ICE's wait for
 * gathering (LabPeer's 'waitForIceGathering' "gathering complete after …"), and for an ICE
 * restart's offer ("ICE restart: new ufrag … (was …)"). '+ API calls':
 * also the calls of API_CALL_LABEL, and their failures.
 */
function apiRows(e: EventOf<'api'>): RowsByLevel | null {
  const detail = (e.detail ?? '').replace(ERROR_PREFIX, '');
  const call = API_CALL_LABEL[e.call];
  if (!e.ok && DESCRIPTION_CALLS.has(e.call)) return { signalling: note(e, e.peer, `${e.call} failed${detail ? `: ${detail}` : ''}`) };
  if (e.call === 'ignoreOffer') return { signalling: note(e, e.peer, `ignored the offer${detail ? `: ${detail}` : ''}`) };
  if (e.call === 'waitForIceGathering' && e.ok && detail.startsWith('gathering complete')) return { signalling: note(e, e.peer, `vanilla ICE: ${detail}`) };
  // An ICE restart's offer shows its new credentials at every level: the new ufrag is the lesson.
  if (e.call === 'createOffer' && e.ok && detail.startsWith('ICE restart')) return { signalling: note(e, e.peer, detail), api: note(e, e.peer, call!(detail)) };
  if (!call) return null;
  return { api: note(e, e.peer, e.ok ? call(detail) : `${e.call} failed${detail ? `: ${detail}` : ''}`) };
}

/** The state machines the diagram notes, as webrtc-pc names their attributes; iceGathering is the ICE panel's. */
const MACHINE_NAME: Readonly<Partial<Record<PeerMachine, string>>> = {
  signaling: 'signalingState',
  iceConnection: 'iceConnectionState',
  connection: 'connectionState',
};

/** What each step of a pair's checks says on its arrow (RFC 8445 §7.2.4, §7.2.5, §8.1.1). */
const CHECK_LABEL: Readonly<Record<EventOf<'ice-check'>['step'], string>> = {
  sent: 'ICE check',
  succeeded: 'ICE check succeeded',
  nominated: 'ICE nominated',
  failed: 'ICE check failed',
};

/** Chat text in one line, at most 24 characters: untrusted, escaped by whoever renders it. */
function clipText(text: string): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length > 24 ? `${chars.slice(0, 23).join('')}…` : chars.join('');
}

/** How each event type becomes rows; types not listed (or a null result) draw nothing. */
const ROW_OF: {
  readonly [K in TraceEvent['type']]?: (e: EventOf<K>, ctx: RowContext) => RowsByLevel | null;
} = {
  published: (e) => ({
    signalling: {
      eventIndex: e.i,
      mid: e.mid,
      from: e.peer,
      to: BROKER_LANE,
      label: e.fromOutbox ? `${describeMessage(e)} (sent from the outbox)` : describeMessage(e),
      kind: e.kind,
      status: 'sent',
      retained: e.retain,
      will: false,
    },
  }),
  held: (e, { fates }) => ({
    signalling: {
      eventIndex: e.i,
      qid: e.qid,
      mid: e.mid,
      from: BROKER_LANE,
      to: e.to,
      label: describeMessage(e),
      kind: e.kind,
      status: fates.get(e.qid) ?? 'pending',
      retained: e.retain,
      will: e.will,
    },
  }),
  rejected: (e) => ({
    signalling: { eventIndex: e.i, from: BROKER_LANE, to: e.to, label: `rejected: ${e.reason}`, status: 'rejected', retained: false, will: false },
  }),
  foreign: (e) => ({
    signalling: {
      eventIndex: e.i,
      mid: e.mid,
      from: BROKER_LANE,
      to: e.to,
      label: foreignLabel(e),
      kind: e.kind,
      status: 'foreign',
      retained: e.retain,
      will: e.will,
    },
  }),
  'plug-pulled': (e) => ({ signalling: note(e, e.peer, 'plug pulled') }),
  'queued-offline': (e) => ({ signalling: note(e, e.peer, `${e.kind}${e.to ? ` for ${e.to}` : ''} queued while offline`) }),
  api: apiRows,
  'candidate-buffered': (e) => ({ api: note(e, e.peer, `buffered ${describeCandidate(e.candidate)}: ${e.reason}`) }),
  'candidates-flushed': (e) => ({ api: note(e, e.peer, `flushed ${e.count} buffered candidate${e.count === 1 ? '' : 's'} to addIceCandidate`) }),
  state: (e, ctx) => {
    // LabPeer traces each machine's initial value at start: not a change, nothing to draw.
    const key = `${e.peer} ${e.machine}`;
    if (!ctx.seenMachines.has(key)) {
      ctx.seenMachines.add(key);
      return null;
    }
    const name = MACHINE_NAME[e.machine];
    return name ? { api: note(e, e.peer, `${name}: ${e.value}`) } : null;
  },
  dtls: (e, ctx) =>
    e.state === 'new'
      ? null
      : e.state === 'connected'
        ? { api: note(e, e.peer, 'DTLS connected'), p2p: p2p(e, e.peer, otherPeer(ctx, e.peer), 'DTLS connected') }
        : { api: note(e, e.peer, `DTLS ${e.state}`) },
  // Not "data channel open": the lab's status line says that, and readers (and tests) look for it.
  channel: (e, ctx) =>
    e.state === 'open'
      ? { api: note(e, e.peer, 'data channel is open'), p2p: p2p(e, e.peer, otherPeer(ctx, e.peer), 'data channel is open') }
      : { api: note(e, e.peer, 'data channel is closed') },
  chat: (e) => ({ p2p: p2p(e, e.from, e.to, `data channel: ${clipText(e.text)}`) }),
  'ice-check': (e, ctx) => ({ p2p: p2p(e, e.peer, otherPeer(ctx, e.peer), `${CHECK_LABEL[e.step]} ${e.local} → ${e.remote}`) }),
};

/** The row drawn at `detail`: the entry of the highest level at or below it. */
function atDetail(rows: RowsByLevel, detail: DiagramDetail): RowDraft | undefined {
  for (let level = LEVEL[detail]; level >= 0; level--) {
    const row = rows[DIAGRAM_DETAILS[level]!.value];
    if (row) return row;
  }
  return undefined;
}

/**
 * One row per arrow or note, in trace order, at the chosen detail (default: signalling only).
 * Rows that involve a lane other than the two peers and the broker (a stranger publishing
 * under our root) are left out: the diagram declares only those three lanes. `drawn` names
 * other lanes instead (a watch trace's, lanes.ts watchedLanes).
 */
export function diagramRows(events: readonly TraceEvent[], peers: readonly [string, string], detail: DiagramDetail = 'signalling', drawn?: readonly string[]): DiagramRow[] {
  const ctx: RowContext = { fates: queueFates(events), peers, seenMachines: new Set() };
  const tampered = tamperings(events);
  const lanes = new Set<string>(drawn ?? [...peers, BROKER_LANE]);
  const rows: DiagramRow[] = [];
  for (const e of events) {
    const make = ROW_OF[e.type] as ((e: TraceEvent, ctx: RowContext) => RowsByLevel | null) | undefined;
    if (!make) continue;
    const byLevel = make(e, ctx);
    let draft = byLevel && atDetail(byLevel, detail);
    if (!draft || !lanes.has(draft.from) || !lanes.has(draft.to)) continue;
    const t = e.type === 'held' ? tampered.get(e.qid) : undefined;
    // A tampered message is drawn as it is (or was) delivered, marked with what the reader did.
    if (t && e.type === 'held') draft = { ...draft, label: describeMessage(withEdit(e, t.edit)), marks: [...t.marks] };
    rows.push({ n: rows.length + 1, ...draft });
  }
  return rows;
}

export function deliveredCount(events: readonly TraceEvent[]): number {
  return events.reduce((n, e) => (e.type === 'delivered' ? n + 1 : n), 0);
}

/**
 * Messages held and not yet delivered or dropped, in queue order (head first), each as it
 * will be delivered: the queue as of events[0..n]. Replays SignalQueue's own rules: 'held'
 * appends, 'delivered' and 'dropped' remove, 'tampered' delays (to the tail), moves (swaps
 * with a neighbour), places a duplicate right after its original, or edits the payload.
 */
export function heldMessages(events: readonly TraceEvent[]): Held[] {
  const queue: Held[] = [];
  const at = (qid: string | undefined) => queue.findIndex((h) => h.qid === qid);
  for (const e of events) {
    if (e.type === 'held') queue.push(e);
    else if (e.type === 'delivered' || e.type === 'dropped') {
      const k = at(e.qid);
      if (k !== -1) queue.splice(k, 1);
    } else if (e.type === 'tampered') {
      const k = at(e.qid);
      if (k === -1) continue;
      if (e.action === 'delay') queue.push(...queue.splice(k, 1));
      else if (e.action === 'move') {
        const j = k + (e.by ?? 0);
        if (j >= 0 && j < queue.length) [queue[k], queue[j]] = [queue[j]!, queue[k]!];
      } else if (e.action === 'duplicate') {
        const c = at(e.copy);
        if (c !== -1) queue.splice(k + (c > k ? 1 : 0), 0, ...queue.splice(c, 1));
      } else if (e.action === 'edit') queue[k] = withEdit(queue[k]!, e);
    }
  }
  return queue;
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

/** The ICE connection states an ICE restart is for: it got somewhere, or it lost its path. */
const RESTARTABLE_ICE: ReadonlySet<string> = new Set(['connected', 'completed', 'disconnected', 'failed']);

/**
 * `peer` may restart ICE now (the lab's New ICE credentials button): its last offer/answer round is over
 * (signalingState stable) and ICE has connected or lost its path since (RFC 8445 §9; webrtc-pc
 * restartIce()). While a restart's offer waits for its answer, it may not start another.
 */
export function canRestartIce(events: readonly TraceEvent[], peer: string): boolean {
  const states = peerStates(events, peer);
  return states.signaling === 'stable' && RESTARTABLE_ICE.has(states.iceConnection);
}

/**
 * `peer`'s ICE has connected at least once: from then on a lab offers the ICE restart (its
 * button appears then, so an idle lab's toolbar stays as short as before).
 */
export function iceConnectedOnce(events: readonly TraceEvent[], peer: string): boolean {
  return events.some((e) => e.type === 'state' && e.peer === peer && e.machine === 'iceConnection' && (e.value === 'connected' || e.value === 'completed'));
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

/** How long negotiation took, and how many signals it needed (the trickle-vs-vanilla experiment). */
export interface ConnectTiming {
  /** ms from the first successful createOffer() until both peers' connectionState was 'connected'. */
  ms: number;
  /** Offers, answers, candidates and end-of-candidates published up to that moment. */
  signals: number;
}

const NEGOTIATION_KINDS: ReadonlySet<string> = new Set(['offer', 'answer', 'candidate', 'end-of-candidates']);

/**
 * When both peers first reached connectionState 'connected', measured from the first
 * createOffer(): it leaves out broker connect time, which is the same for every mode, and
 * keeps vanilla ICE's wait for gathering, which comes after createOffer(). Null until then.
 * The peers are those of the latest 'session' event, else the first two with a state.
 */
export function timeToConnected(events: readonly TraceEvent[]): ConnectTiming | null {
  const session = latest(events, (e) => (e.type === 'session' ? e : undefined));
  const connection = new Map<string, string>();
  let start: number | null = null;
  let signals = 0;
  for (const e of events) {
    if (start === null && e.type === 'api' && e.call === 'createOffer' && e.ok) start = e.at;
    if (e.type === 'published' && NEGOTIATION_KINDS.has(e.kind)) signals += 1;
    if (e.type !== 'state' || e.machine !== 'connection') continue;
    connection.set(e.peer, e.value);
    const peers = session ? session.peers : [...connection.keys()].slice(0, 2);
    if (start !== null && peers.length === 2 && peers.every((p) => connection.get(p) === 'connected')) {
      return { ms: Math.max(0, Math.round(e.at - start)), signals };
    }
  }
  return null;
}
