/**
 * What a Step did in the lobby lab, in one or two plain sentences: the frame the server sent,
 * what the client does with it, and what comes next. A pure function of a lobby trace prefix,
 * so the live lab and /replay/ say the same at the same step. The sentences come from
 * LOBBY_NARRATION, a table keyed by the frame's type and what the client did (the events
 * from the delivery to the end of the trace), in the shape of the MQTT labs' narration.
 */
import { lastDelivery, type Narration } from '../trace/narration';
import { heldLabel, nameOfId, parseFrame, wireIds } from './diagram-rows';
import { closeWhy } from './explain';
import { LOBBY_LIMITS, typeName, type MessageTypeName } from './protocol';
import type { LobbyEventOf, LobbyTraceEvent } from './trace';

/** The frame's type, or what stands in for one. */
export type LobbyFrameKind = MessageTypeName | 'close' | 'unreadable';

/** Everything a row reads. */
export interface LobbySituation {
  kind: LobbyFrameKind;
  /** The client the frame went to. */
  to: string;
  /** The frame's id field (0 for a close or an unreadable frame). */
  id: number;
  /** The peer behind `id` as `to` knows it: "p2 (id 3000)", or the bare id. */
  who: string;
  /** Its short name: "p2", or the bare id. */
  name: string;
  data: string;
  close?: { code: number; reason: string };
  /** Events from the delivery to the end of the step (the delivery first). */
  after: readonly LobbyTraceEvent[];
}

export interface LobbyNarrationRow {
  /** "<kind>/<case>": the table's key, and what the tests name. */
  key: string;
  when: (s: LobbySituation) => boolean;
  text: (s: LobbySituation) => string;
}

const did = (s: LobbySituation, type: LobbyTraceEvent['type'], test: (e: LobbyTraceEvent) => boolean = () => true) =>
  s.after.some((e) => e.type === type && 'peer' in e && e.peer === s.to && test(e));
const ignoredWhy = (s: LobbySituation) =>
  (s.after.find((e) => e.type === 'ignored' && e.peer === s.to) as LobbyEventOf<'ignored'> | undefined)?.reason;
const failed = (s: LobbySituation, call: string) => did(s, 'api', (e) => e.type === 'api' && e.call === call && !e.ok);

/** A frame the client let drop says so first, whatever its type. */
const IGNORED: LobbyNarrationRow = {
  key: 'any/ignored',
  when: (s) => ignoredWhy(s) !== undefined,
  text: (s) => `${s.to} does nothing with it: ${ignoredWhy(s)}.`,
};

/**
 * Per kind, the rows in order; the first whose `when` holds speaks. Every kind ends with a row
 * that always holds. Order of a join (server.js Lobby.join): ID, a PEER_CONNECT per member, JOIN.
 */
export const LOBBY_NARRATION: Readonly<Record<LobbyFrameKind, readonly LobbyNarrationRow[]>> = {
  ID: [
    {
      key: 'ID/host',
      when: (s) => s.id === 1,
      text: (s) =>
        `The server gives ${s.to} its id, 1: the client that creates a lobby is always its host. Next: a PEER_CONNECT for each peer already in the lobby (none yet), then JOIN with the lobby's name.`,
    },
    {
      key: 'ID/member',
      when: () => true,
      text: (s) =>
        `The server gives ${s.to} its id, ${s.id}${s.data === 'true' ? ', in a mesh lobby: every peer will connect to every other' : ''}. Next: a PEER_CONNECT for each peer already in the lobby, then JOIN with the lobby's name.`,
    },
  ],
  JOIN: [
    {
      key: 'JOIN/in',
      when: () => true,
      text: (s) =>
        `${s.to} is in lobby “${s.data}”. Others join with that name, which the host shares outside the protocol (Godot's demo shows it on screen).`,
    },
  ],
  PEER_CONNECT: [
    IGNORED,
    {
      key: 'PEER_CONNECT/offerer',
      when: (s) => did(s, 'pc', (e) => e.type === 'pc' && e.offerer),
      text: (s) =>
        `${s.to} learns that ${s.who} is in the lobby. It makes an RTCPeerConnection for it and, having the higher id, makes the offer: createOffer(), setLocalDescription(), and an OFFER to ${s.name} through the server. Next: the OFFER waits for ${s.name}.`,
    },
    {
      key: 'PEER_CONNECT/answerer',
      when: () => true,
      text: (s) =>
        `${s.to} learns that ${s.who} is in the lobby. It makes an RTCPeerConnection for it and waits: the peer with the higher id makes the offer, so the lobby's host never does.`,
    },
  ],
  PEER_DISCONNECT: [
    {
      key: 'PEER_DISCONNECT/left',
      when: () => true,
      text: (s) => `${s.to} learns that ${s.who} has left the lobby, and closes its connection to ${s.name}.`,
    },
  ],
  OFFER: [
    IGNORED,
    {
      key: 'OFFER/failed',
      when: (s) => failed(s, 'setRemoteDescription'),
      text: (s) => `${s.to} could not take ${s.name}'s offer: setRemoteDescription(offer) failed (see the note on the diagram). No answer will come.`,
    },
    {
      key: 'OFFER/answered',
      when: () => true,
      text: (s) =>
        `${s.to} gets ${s.name}'s offer; the server wrote the sender's id in place of ${s.to}'s, so ${s.to} knows whom to answer. It sets the offer, creates an answer and sends ANSWER back through the server.`,
    },
  ],
  ANSWER: [
    IGNORED,
    {
      key: 'ANSWER/failed',
      when: (s) => failed(s, 'setRemoteDescription'),
      text: (s) => `${s.to} could not take ${s.name}'s answer: setRemoteDescription(answer) failed (see the note on the diagram).`,
    },
    {
      key: 'ANSWER/set',
      when: () => true,
      text: (s) =>
        `${s.to} sets ${s.name}'s answer: this pair's offer/answer exchange is done. The two now check candidate pairs directly, and the server sees none of it.`,
    },
  ],
  CANDIDATE: [
    IGNORED,
    {
      key: 'CANDIDATE/buffered',
      when: (s) => did(s, 'candidate-buffered'),
      text: (s) => `${s.to} has no description from ${s.who} yet, so it keeps ${s.name}'s candidate and adds it once the description arrives.`,
    },
    {
      key: 'CANDIDATE/added',
      when: () => true,
      text: (s) =>
        `${s.to} adds ${s.name}'s candidate with addIceCandidate(). Godot packs it as mid, index and candidate on three lines of the data field.`,
    },
  ],
  SEAL: [
    {
      key: 'SEAL/sealed',
      when: () => true,
      text: (s) =>
        `${s.to} learns that the host sealed the lobby: the server lets nobody else join and closes every connection in ${LOBBY_LIMITS.sealCloseTimeoutMs / 1000} s. The WebRTC connections stay; signalling is over.`,
    },
  ],
  close: [
    {
      key: 'close/server',
      when: () => true,
      text: (s) => `The server closes ${s.to}'s connection with ${s.close?.code ?? '?'} “${s.close?.reason ?? ''}”: ${closeWhy(s.close?.code ?? 0, s.close?.reason ?? '')}`,
    },
  ],
  unreadable: [
    IGNORED,
    {
      key: 'unreadable/dropped',
      when: () => true,
      text: (s) => `${s.to} cannot read this frame as a lobby message, so it drops it, as Godot's client does.`,
    },
  ],
};

/**
 * The narration of the step that ends at the end of `events` (a lobby trace prefix): about
 * its latest delivery and everything after it. Null before the first delivery.
 */
export function narrateLobby(events: readonly LobbyTraceEvent[]): Narration | null {
  const last = lastDelivery(events);
  if (!last) return null;
  const { at, step } = last;
  const delivery = events[at] as LobbyEventOf<'delivered'>;
  const held = events.find((e): e is LobbyEventOf<'held'> => e.type === 'held' && e.qid === delivery.qid);
  if (!held) return null;
  const ids = wireIds(events.slice(0, at + 1));
  const frame = held.close ? null : parseFrame(held.text);
  const kind: LobbyFrameKind = held.close ? 'close' : frame ? (typeName(frame.type) ?? 'unreadable') : 'unreadable';
  const id = frame?.id ?? 0;
  const name = nameOfId(id, ids, delivery.peer);
  const situation: LobbySituation = {
    kind,
    to: delivery.peer,
    id,
    who: name ? `${name} (id ${id})` : String(id),
    name: name ?? String(id),
    data: frame?.data ?? '',
    ...(held.close ? { close: held.close } : {}),
    after: events.slice(at),
  };
  const row = LOBBY_NARRATION[kind].find((r) => r.when(situation))!;
  return {
    step,
    qid: delivery.qid,
    delivered: `server to ${delivery.peer}: ${heldLabel(held, ids)}`,
    key: row.key,
    text: row.text(situation),
    surprises: [],
  };
}
