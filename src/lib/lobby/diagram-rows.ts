/**
 * Pure views of a lobby trace prefix: the diagram rows (the same DiagramRow shape the MQTT
 * lab draws, with a 'server' lane and one lane per client), the held list, each client's
 * wire id and state, the pair table and the bad-input outcomes; lobbyView bundles them for
 * the live lab and the replay alike. Same input, same output; no throws.
 *
 * Labels hold text from the server (a real server is untrusted): toMermaid escapes them,
 * and Svelte renders them as text.
 */
import type { DiagramRow, RowStatus } from '../trace/selectors';
import { describeCandidate } from '../trace/selectors';
import { newestDelivered } from '../trace/messages';
import type { LobbyClientState } from './client';
import { HOST_ID, MessageType, decodeCandidate, parseServerMessage, typeName, type LobbyMessage } from './protocol';
import { MESH_PEERS, SERVER_LANE, VISITOR, type LobbyEventOf, type LobbyTraceEvent } from './trace';

type Held = LobbyEventOf<'held'>;

/** A frame as JSON with the protocol's three fields, or null (the sender may write anything). */
export function parseFrame(text: string): LobbyMessage | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const { type, id, data } = json as Record<string, unknown>;
  if (typeof type !== 'number' || typeof id !== 'number') return null;
  return { type, id, data: typeof data === 'string' ? data : '' };
}

function clip(text: string, max = 24): string {
  const chars = Array.from(text.replace(/\s+/g, ' ').trim());
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : chars.join('');
}

/**
 * The lab name behind a wire id, as seen by `viewer`: 1 is the host of the viewer's lobby.
 * Only mesh peers are named; p4 lives in lobbies of its own.
 */
export function nameOfId(id: number, ids: ReadonlyMap<string, number>, viewer: string): string | null {
  if (!ids.has(viewer) || viewer === 'p4') return null;
  for (const [name, wire] of ids) if (wire === id && name !== 'p4') return name;
  return null;
}

// #region labels
/** `OFFER to 1 (p1)`, `OFFER from 8357 (p2)`, `ID 1 (mesh)`, `close 4000 Invalid command`, `not JSON: hello…`. */
export function frameLabel(
  text: string,
  direction: 'sent' | 'received',
  peer: string,
  ids: ReadonlyMap<string, number>,
): string {
  const m = parseFrame(text);
  if (!m) return `not a lobby message: ${clip(text)}`;
  const name = typeName(m.type);
  if (!name) return `type ${m.type} (unknown)`;
  const who = (id: number) => {
    const n = nameOfId(id, ids, peer);
    return n ? `${id} (${n})` : String(id);
  };
  switch (m.type) {
    case MessageType.JOIN:
      if (direction === 'received') return `JOIN ${clip(m.data, 20)}`;
      return m.data === '' ? `JOIN new ${m.id === 0 ? 'mesh' : 'client/server'} lobby` : `JOIN ${clip(m.data, 20)}`;
    case MessageType.ID:
      return `ID ${m.id}${m.data === 'true' ? ' (mesh)' : ''}`;
    case MessageType.PEER_CONNECT:
    case MessageType.PEER_DISCONNECT:
      return `${name} ${who(m.id)}`;
    case MessageType.OFFER:
    case MessageType.ANSWER:
    case MessageType.CANDIDATE: {
      const what = m.type === MessageType.CANDIDATE ? candidateWord(m.data) : name;
      return `${what} ${direction === 'sent' ? 'to' : 'from'} ${who(m.id)}`;
    }
    default:
      return name;
  }
}

function candidateWord(data: string): string {
  const c = decodeCandidate(data);
  return c ? describeCandidate(c.sdp).replace(/^candidate/, 'CANDIDATE') : 'CANDIDATE';
}
// #endregion labels

/** Each client's wire id, from the ID frames delivered to it (the latest wins). */
export function wireIds(events: readonly LobbyTraceEvent[]): Map<string, number> {
  const held = new Map<string, Held>();
  const ids = new Map<string, number>();
  for (const e of events) {
    if (e.type === 'held') held.set(e.qid, e);
    if (e.type !== 'delivered') continue;
    const h = held.get(e.qid);
    const m = h && !h.close ? parseFrame(h.text) : null;
    if (m?.type === MessageType.ID) ids.set(e.peer, m.id);
  }
  return ids;
}

/** The qids of the items the queue delivered, or that the reader dropped. */
function qidsOf(events: readonly LobbyTraceEvent[], type: 'delivered' | 'dropped'): Set<string> {
  const out = new Set<string>();
  for (const e of events) if (e.type === type) out.add(e.qid);
  return out;
}

/** Held and neither delivered nor dropped yet, oldest first. */
export function heldFrames(events: readonly LobbyTraceEvent[]): Held[] {
  const delivered = qidsOf(events, 'delivered');
  const dropped = qidsOf(events, 'dropped');
  return events.filter((e): e is Held => e.type === 'held' && !delivered.has(e.qid) && !dropped.has(e.qid));
}

/** The label of a held item: the frame, or the close with its code and reason. */
export function heldLabel(e: Held, ids: ReadonlyMap<string, number>): string {
  if (e.close) return `close ${e.close.code}${e.close.reason ? ` ${e.close.reason}` : ''}`;
  return frameLabel(e.text, 'received', e.peer, ids);
}

/**
 * One row per arrow, in trace order: client → server for each frame written, server →
 * client for each held item (pending until delivered), and a note for a frame a client
 * ignored or an RTCPeerConnection call that failed. Rows on lanes not listed are left out.
 */
export function lobbyDiagramRows(events: readonly LobbyTraceEvent[], lanes: readonly string[]): DiagramRow[] {
  const delivered = qidsOf(events, 'delivered');
  const dropped = qidsOf(events, 'dropped');
  const ids = wireIds(events);
  const known = new Set(lanes);
  const rows: DiagramRow[] = [];
  const push = (e: LobbyTraceEvent, draft: Pick<DiagramRow, 'from' | 'to' | 'label' | 'status'> & { qid?: string; over?: string }) => {
    if (!known.has(draft.from) || !known.has(draft.to)) return;
    rows.push({ n: rows.length + 1, eventIndex: e.i, retained: false, will: false, ...draft });
  };
  for (const e of events) {
    if (e.type === 'sent') {
      const label = frameLabel(e.text, 'sent', e.peer, ids);
      push(e, { from: e.peer, to: SERVER_LANE, label: e.bad ? `${label} [bad input]` : label, status: 'sent' });
    } else if (e.type === 'held') {
      const status: RowStatus = delivered.has(e.qid) ? 'delivered' : dropped.has(e.qid) ? 'dropped' : 'pending';
      push(e, { from: SERVER_LANE, to: e.peer, label: heldLabel(e, ids), status, qid: e.qid });
    } else if (e.type === 'ignored') {
      push(e, { from: e.peer, to: e.peer, over: e.peer, label: `ignored: ${e.reason}`, status: 'note' });
    } else if (e.type === 'api' && !e.ok) {
      push(e, { from: e.peer, to: e.peer, over: e.peer, label: `${e.call} failed${e.detail ? `: ${e.detail}` : ''}`.slice(0, 140), status: 'note' });
    }
  }
  return rows;
}

export type PairStatus = 'not yet' | 'connecting' | 'open' | 'failed' | 'closed';

export interface PairView {
  a: string;
  b: string;
  /** Who makes the offer (the higher id), once both ids are known. */
  offerer: string | null;
  /** connectionState of each end ('none' before its RTCPeerConnection exists). */
  ends: Record<string, string>;
  /** Each end's data channel is open. */
  channel: Record<string, boolean>;
  status: PairStatus;
}

/** Every pair of `peers`, in order (p1–p2, p1–p3, p2–p3), with each end's state. */
export function pairViews(events: readonly LobbyTraceEvent[], peers: readonly string[]): PairView[] {
  const ids = wireIds(events);
  const byId = new Map<number, string>();
  for (const [name, id] of ids) if (peers.includes(name)) byId.set(id, name);
  const key = (peer: string, remote: string) => `${peer}>${remote}`;
  const conn = new Map<string, string>();
  const open = new Map<string, boolean>();
  for (const e of events) {
    if (e.type !== 'pc' && e.type !== 'state' && e.type !== 'channel') continue;
    // 1 on the wire is the host of the peer's lobby.
    const remote = byId.get(e.remote) ?? (e.remote === HOST_ID ? peers[0] : undefined);
    if (!remote) continue;
    const k = key(e.peer, remote);
    if (e.type === 'pc') conn.set(k, 'new');
    if (e.type === 'state' && e.machine === 'connection') conn.set(k, e.value);
    if (e.type === 'channel') open.set(k, e.state === 'open');
  }
  const out: PairView[] = [];
  for (let x = 0; x < peers.length; x++) {
    for (let y = x + 1; y < peers.length; y++) {
      const a = peers[x]!;
      const b = peers[y]!;
      const ia = ids.get(a);
      const ib = ids.get(b);
      const ends = { [a]: conn.get(key(a, b)) ?? 'none', [b]: conn.get(key(b, a)) ?? 'none' };
      const channel = { [a]: open.get(key(a, b)) === true, [b]: open.get(key(b, a)) === true };
      const states = Object.values(ends);
      let status: PairStatus = 'not yet';
      if (channel[a] && channel[b]) status = 'open';
      else if (states.includes('failed')) status = 'failed';
      else if (states.includes('closed')) status = 'closed';
      else if (states.some((s) => s !== 'none')) status = 'connecting';
      out.push({ a, b, offerer: ia !== undefined && ib !== undefined ? (ia > ib ? a : b) : null, ends, channel, status });
    }
  }
  return out;
}

export interface BadInputOutcome {
  /** Trace index of the bad frame. */
  sentAt: number;
  label: string;
  /** The close the server sent, once it was delivered; null while it is held or on its way. */
  close: { code: number; reason: string } | null;
}

/** Each bad input p4 sent, and the close that answered it (the next close delivered to p4). */
export function badInputOutcomes(events: readonly LobbyTraceEvent[]): BadInputOutcome[] {
  const delivered = qidsOf(events, 'delivered');
  const out: (BadInputOutcome & { peer: string })[] = [];
  for (const e of events) {
    if (e.type === 'sent' && e.bad) out.push({ sentAt: e.i, label: e.bad, close: null, peer: e.peer });
    const last = out[out.length - 1];
    if (e.type === 'held' && e.close && last && last.close === null && e.peer === last.peer && delivered.has(e.qid)) last.close = e.close;
  }
  return out.map(({ peer: _peer, ...o }) => o);
}

/** The diagram's lanes: the server and the mesh, then p4 once it has done something. */
export function lobbyLanes(events: readonly LobbyTraceEvent[]): string[] {
  const visitor = events.some((e) => 'peer' in e && e.peer === VISITOR);
  return [SERVER_LANE, ...MESH_PEERS, ...(visitor ? [VISITOR] : [])];
}

/**
 * Each client's state as its LobbyClient (./client.ts) holds it, from the trace alone: a client
 * starts with each socket 'connecting', opens on 'open', and takes in each delivered frame or
 * close as LobbyClient.receive does (a frame parseServerMessage refuses changes nothing; a
 * socket that failed before opening stays 'connecting', as the client never hears of it).
 */
export function clientStates(events: readonly LobbyTraceEvent[]): Record<string, LobbyClientState> {
  const held = new Map<string, Held>();
  const out: Record<string, LobbyClientState> = {};
  const set = (peer: string, patch: Partial<LobbyClientState>) => {
    const now = out[peer];
    if (now) out[peer] = { ...now, ...patch };
  };
  for (const e of events) {
    if (e.type === 'socket') {
      // 'connecting' is a new connection, so a new client (p4 reconnects for each bad input).
      if (e.state === 'connecting') out[e.peer] = { status: 'connecting', id: null, mesh: null, lobby: null, peers: [], sealed: false, close: null };
      if (e.state === 'open') set(e.peer, { status: 'open' });
    } else if (e.type === 'held') {
      held.set(e.qid, e);
    } else if (e.type === 'delivered') {
      const h = held.get(e.qid);
      const client = out[e.peer];
      if (!h || !client) continue;
      if (h.close) {
        set(e.peer, { status: 'closed', close: { ...h.close } });
        continue;
      }
      const parsed = parseServerMessage(h.text);
      if (!parsed.ok) continue;
      const m = parsed.message;
      if (m.type === MessageType.ID) set(e.peer, { id: m.id, mesh: m.data === 'true' });
      else if (m.type === MessageType.JOIN) set(e.peer, { lobby: m.data });
      else if (m.type === MessageType.PEER_CONNECT && !client.peers.includes(m.id)) set(e.peer, { peers: [...client.peers, m.id] });
      else if (m.type === MessageType.PEER_DISCONNECT) set(e.peer, { peers: client.peers.filter((p) => p !== m.id) });
      else if (m.type === MessageType.SEAL) set(e.peer, { sealed: true });
    }
  }
  return out;
}

/** Everything the lobby lab shows of a trace prefix: the live lab and the replay draw this. */
export interface LobbyView {
  lanes: string[];
  rows: DiagramRow[];
  held: Held[];
  ids: Map<string, number>;
  clients: Record<string, LobbyClientState>;
  pairs: PairView[];
  /** All three pairs have their data channel open: the mesh is complete. */
  allOpen: boolean;
  outcomes: BadInputOutcome[];
  delivered: number;
  /** The last frame delivered, to mark its arrow. */
  newestQid: string | null;
}

export function lobbyView(events: readonly LobbyTraceEvent[]): LobbyView {
  const lanes = lobbyLanes(events);
  const pairs = pairViews(events, MESH_PEERS);
  return {
    lanes,
    rows: lobbyDiagramRows(events, lanes),
    held: heldFrames(events),
    ids: wireIds(events),
    clients: clientStates(events),
    pairs,
    allOpen: pairs.every((p) => p.status === 'open'),
    outcomes: badInputOutcomes(events),
    delivered: events.filter((e) => e.type === 'delivered').length,
    newestQid: newestDelivered(events),
  };
}
