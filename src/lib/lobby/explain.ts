/**
 * The lobby inspector's text: one frame (or close) from the trace, field by field, with what
 * each field means in that direction, who rewrote what, and what the server makes of a frame
 * a client wrote. Pure; the Svelte inspector renders the result as text.
 */
import { sdpLines } from '../sdp/parse';
import { CLOSE, HOST_ID, LOBBY_LIMITS, MESSAGE_TYPES, MessageType, RELAYED_TYPES, decodeCandidate, parseClientMessage } from './protocol';
import { nameOfId, parseFrame, wireIds } from './diagram-rows';
import { SERVER_LANE, type LobbyTraceEvent } from './trace';

export interface FieldNote {
  field: string;
  /** The value as shown (long data is cut). */
  value: string;
  meaning: string;
}

export interface FrameExplanation {
  from: string;
  to: string;
  /** 'sent' (on its way at once), 'held' or 'delivered'. */
  state: 'sent' | 'held' | 'delivered';
  /** The frame exactly as it crossed the socket; empty for a close. */
  raw: string;
  fields: FieldNote[];
  /** For frames a client wrote: what the server does with it. */
  verdict: string | null;
}

/** Why the server closes with each reason (server.js's STR_* constants). */
const CLOSE_WHY: Readonly<Record<string, string>> = {
  [CLOSE.NO_LOBBY.reason]: `the connection did not join a lobby within ${LOBBY_LIMITS.noLobbyTimeoutMs / 1000} s.`,
  [CLOSE.HOST_DISCONNECTED.reason]: 'the host left, and a lobby ends with its host.',
  [CLOSE.ONLY_HOST_CAN_SEAL.reason]: 'a peer that is not the host sent SEAL.',
  [CLOSE.SEAL_COMPLETE.reason]: `the lobby was sealed ${LOBBY_LIMITS.sealCloseTimeoutMs / 1000} s ago: signalling is over, the peers keep their WebRTC connections.`,
  [CLOSE.TOO_MANY_LOBBIES.reason]: `the server already has ${LOBBY_LIMITS.maxLobbies} lobbies.`,
  [CLOSE.ALREADY_IN_LOBBY.reason]: 'the connection is already in a lobby.',
  [CLOSE.LOBBY_DOES_NOT_EXISTS.reason]: 'no lobby has that name (or it ended).',
  [CLOSE.LOBBY_IS_SEALED.reason]: 'the lobby was sealed by its host: nobody may join any more.',
  [CLOSE.INVALID_FORMAT.reason]: 'the frame was not a JSON object with a numeric type and id.',
  [CLOSE.NEED_LOBBY.reason]: 'only JOIN is allowed before the connection is in a lobby.',
  [CLOSE.INVALID_DEST.reason]: 'the id names no peer in the sender’s lobby.',
  [CLOSE.INVALID_CMD.reason]: 'the type is not one a client may send.',
  [CLOSE.INVALID_TRANSFER_MODE.reason]: 'the frame was binary; the protocol is text only.',
  [CLOSE.MESSAGE_TOO_BIG.reason]: `the frame was over ${LOBBY_LIMITS.maxMessageBytes / 1024} KiB.`,
  [CLOSE.SHUTTING_DOWN.reason]: 'the server is shutting down.',
  [CLOSE.SLOW_READER.reason]: `the client stopped reading: over ${LOBBY_LIMITS.maxBufferedBytes / 1024 / 1024} MiB waited to be sent to it, so the server gave up on it rather than fill its memory.`,
};

/** Why the server closed with this code and reason: the protocol's own reason, else the code's meaning. */
export function closeWhy(code: number, reason: string): string {
  return CLOSE_WHY[reason] ?? closeCodeMeaning(code);
}

/** RFC 6455 §7.4: what a close code says. */
export function closeCodeMeaning(code: number): string {
  if (code === 1000) return 'normal closure (RFC 6455 §7.4.1): the purpose of the connection is fulfilled.';
  if (code === 1001) return 'going away (RFC 6455 §7.4.1).';
  if (code === 1005) return 'no status code was given (RFC 6455 §7.4.1); browsers report this when a client closes without one.';
  if (code === 1006) return 'closed abnormally, without a close frame (RFC 6455 §7.4.1).';
  if (code === 1008) return 'policy violation (RFC 6455 §7.4.1).';
  if (code === 1009) return 'message too big (RFC 6455 §7.4.1).';
  if (code >= 4000 && code <= 4999) return 'a private-use code (RFC 6455 §7.4.2): this protocol uses 4000 for every error.';
  return 'see RFC 6455 §7.4.';
}

function cut(text: string, max = 160): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The explanation of a 'sent' or 'held' event, or null for any other event. */
export function explainEvent(events: readonly LobbyTraceEvent[], index: number): FrameExplanation | null {
  const e = events[index];
  if (!e || (e.type !== 'sent' && e.type !== 'held')) return null;
  const ids = wireIds(events);
  const name = (id: number, viewer: string) => {
    const n = nameOfId(id, ids, viewer);
    return n ? `${n} (${id})` : String(id);
  };

  if (e.type === 'held' && e.close) {
    const delivered = events.some((x) => x.type === 'delivered' && x.qid === e.qid);
    return {
      from: SERVER_LANE,
      to: e.peer,
      state: delivered ? 'delivered' : 'held',
      raw: '',
      fields: [
        { field: 'code', value: String(e.close.code), meaning: closeCodeMeaning(e.close.code) },
        { field: 'reason', value: e.close.reason, meaning: CLOSE_WHY[e.close.reason] ?? 'the text the closing side gave (RFC 6455 §5.5.1).' },
      ],
      verdict: null,
    };
  }

  const sent = e.type === 'sent';
  const viewer = e.peer;
  const from = sent ? e.peer : SERVER_LANE;
  const to = sent ? SERVER_LANE : e.peer;
  const state = sent ? 'sent' : events.some((x) => x.type === 'delivered' && x.qid === (e as { qid: string }).qid) ? 'delivered' : 'held';
  const m = parseFrame(e.text);
  const fields: FieldNote[] = [];
  if (m) {
    const info = MESSAGE_TYPES.find((t) => t.code === m.type);
    fields.push({
      field: 'type',
      value: String(m.type),
      meaning: info ? `${info.name}: ${info.meaning}.` : 'not a type the protocol defines.',
    });
    fields.push({ field: 'id', value: String(m.id), meaning: idMeaning(m.type, m.id, sent, viewer, name, ids) });
    fields.push({ field: 'data', value: cut(JSON.stringify(m.data)), meaning: dataMeaning(m.type, m.data, info?.data) });
  }
  let verdict: string | null = null;
  if (sent) {
    const parsed = parseClientMessage(e.text);
    verdict = parsed.ok
      ? 'A well-formed frame. Whether the server accepts it depends on the type and on the lobby (see the diagram for its answer).'
      : `The server refuses it: it closes the connection with ${parsed.close.code} “${parsed.close.reason}” (${CLOSE_WHY[parsed.close.reason] ?? ''})`;
  }
  return { from, to, state, raw: e.text, fields, verdict };
}

function idMeaning(
  type: number,
  id: number,
  sent: boolean,
  viewer: string,
  name: (id: number, viewer: string) => string,
  ids: ReadonlyMap<string, number>,
): string {
  if (RELAYED_TYPES.has(type)) {
    if (sent) return `the destination, ${name(id, viewer)}${id === HOST_ID ? ', the host' : ''}. The server replaces it with the sender’s id before passing the frame on.`;
    const mine = ids.get(viewer);
    const wrote = mine === undefined ? 'the destination’s id' : `${mine}${mine === HOST_ID ? ' (the host)' : ''}, ${viewer}’s id`;
    return `the sender, ${name(id, viewer)}, rewritten by the server: the sender wrote ${wrote} here.`;
  }
  switch (type) {
    case MessageType.JOIN:
      return sent ? `${id === 0 ? '0: a mesh lobby' : `${id}: a client/server lobby`} (ws_webrtc_client.gd sends 0 for mesh, 1 otherwise).` : 'always 0.';
    case MessageType.ID:
      return id === HOST_ID ? 'your id in the lobby: 1, because you created it (the host is always 1).' : 'your id in the lobby, chosen at random by the server.';
    case MessageType.PEER_CONNECT:
      return `${name(id, viewer)} is in the lobby: make an RTCPeerConnection for it.`;
    case MessageType.PEER_DISCONNECT:
      return `${name(id, viewer)} left the lobby.`;
    case MessageType.SEAL:
      return 'always 0.';
    default:
      return 'unused: the server refuses this type.';
  }
}

function dataMeaning(type: number, data: string, generic: string | undefined): string {
  if (type === MessageType.OFFER || type === MessageType.ANSWER) {
    return `the SDP ${type === MessageType.OFFER ? 'offer' : 'answer'} as text, ${sdpLines(data).filter(Boolean).length} lines.`;
  }
  if (type === MessageType.CANDIDATE) {
    const c = decodeCandidate(data);
    return c
      ? `"\\n" mid "\\n" index "\\n" candidate: mid ${c.mid}, m-line index ${c.index}, ${cut(c.sdp, 60)}.`
      : 'should be "\\n" mid "\\n" index "\\n" candidate; Godot’s client drops this one.';
  }
  if (type === MessageType.ID) return data === 'true' ? '"true": the lobby is a mesh (every peer connects to every other).' : 'empty: a client/server lobby (everyone connects to the host only).';
  return generic ? `${generic}.` : 'unused.';
}
