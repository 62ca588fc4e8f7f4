/**
 * The lobby signalling protocol of Godot's WebRTC signalling demo, on the wire.
 *
 * Source: godotengine/godot-demo-projects, networking/webrtc_signaling/server_node/server.js
 * (the Godot 4 JSON protocol: CMD, ProtoMessage, ProtoError and the STR_* reasons) and
 * client/ws_webrtc_client.gd (join_lobby, send_candidate, _parse_msg). Every message is one
 * WebSocket text frame holding `{"type": number, "id": number, "data": string}`.
 *
 * Both parsers here never throw: they return a value or a reason.
 */
import { utf8Length } from '../signalling/topics';

// #region message-types
/** The message types, as server.js's CMD table numbers them. */
export const MessageType = {
  JOIN: 0,
  ID: 1,
  PEER_CONNECT: 2,
  PEER_DISCONNECT: 3,
  OFFER: 4,
  ANSWER: 5,
  CANDIDATE: 6,
  SEAL: 7,
} as const;
export type MessageTypeName = keyof typeof MessageType;
export type MessageTypeCode = (typeof MessageType)[MessageTypeName];

export interface MessageTypeInfo {
  code: MessageTypeCode;
  name: MessageTypeName;
  /** Who sends it: a client to the server, the server to a client, or a client to a peer via the server. */
  sender: 'client' | 'server' | 'both' | 'relayed';
  /** What `id` holds. */
  id: string;
  /** What `data` holds. */
  data: string;
  meaning: string;
}

export const MESSAGE_TYPES: readonly MessageTypeInfo[] = [
  { code: 0, name: 'JOIN', sender: 'both', id: 'client: 0 = mesh, anything else = client/server; server: 0',
    data: 'lobby name; empty from a client creates a lobby', meaning: 'join a lobby; the server echoes it with the lobby name' },
  { code: 1, name: 'ID', sender: 'server', id: 'your id (the host is 1)', data: '"true" in a mesh lobby, else empty',
    meaning: 'assigns the client its id' },
  { code: 2, name: 'PEER_CONNECT', sender: 'server', id: 'the other peer', data: 'empty', meaning: 'a peer joined the lobby' },
  { code: 3, name: 'PEER_DISCONNECT', sender: 'server', id: 'the peer that left', data: 'empty', meaning: 'a peer left the lobby' },
  { code: 4, name: 'OFFER', sender: 'relayed', id: 'destination out, sender in', data: 'SDP offer', meaning: 'relayed between peers' },
  { code: 5, name: 'ANSWER', sender: 'relayed', id: 'destination out, sender in', data: 'SDP answer', meaning: 'relayed between peers' },
  { code: 6, name: 'CANDIDATE', sender: 'relayed', id: 'destination out, sender in', data: '"\\n" mid "\\n" index "\\n" candidate',
    meaning: 'relayed between peers' },
  { code: 7, name: 'SEAL', sender: 'both', id: '0', data: 'empty',
    meaning: 'the host seals the lobby; no one can join, and it is closed 10 s later' },
];
// #endregion message-types

const NAMES = new Map<number, MessageTypeName>(MESSAGE_TYPES.map((t) => [t.code, t.name]));

/** The type's name, or null for a number the protocol does not define. */
export function typeName(code: number): MessageTypeName | null {
  return NAMES.get(code) ?? null;
}

/** OFFER, ANSWER and CANDIDATE: the server passes these on, rewriting `id` to the sender. */
export const RELAYED_TYPES: ReadonlySet<number> = new Set([MessageType.OFFER, MessageType.ANSWER, MessageType.CANDIDATE]);

/** The id a lobby's host always has (server.js Lobby.getPeerId), like Godot's TARGET_PEER_SERVER. */
export const HOST_ID = 1;

// #region limits
/** server.js's constants. maxMessageBytes is ours (server.js relies on ws's 100 MiB default). */
export const LOBBY_LIMITS = {
  maxPeers: 4096,
  maxLobbies: 1024,
  /** A connection that has not joined a lobby by then is closed (Peer.timeout). */
  noLobbyTimeoutMs: 1000,
  /** A sealed lobby's peers are closed this long after SEAL (Lobby.seal). */
  sealCloseTimeoutMs: 10_000,
  /** The Node server pings every client this often. */
  pingIntervalMs: 10_000,
  /** UTF-8 bytes in one message; an SDP is a few KB. */
  maxMessageBytes: 64 * 1024,
  /**
   * Ours: bytes waiting to go out to one client (ws bufferedAmount). A client that stops
   * reading is closed past this (CLOSE.SLOW_READER), or every frame relayed to it would pile
   * up in the server's memory: server.js has no bound.
   */
  maxBufferedBytes: 4 * 1024 * 1024,
} as const;
export type LobbyLimits = { -readonly [K in keyof typeof LOBBY_LIMITS]: number };

/** server.js's PORT. */
export const DEFAULT_PORT = 9080;
// #endregion limits

// #region close-reasons
export interface CloseReason {
  /** WebSocket close code (RFC 6455 §7.4): 1000 normal, 4000–4999 private use. */
  code: number;
  reason: string;
}

/** Every way the server closes a connection: server.js's STR_* strings, with its codes. */
export const CLOSE = {
  NO_LOBBY: { code: 4000, reason: 'Have not joined lobby yet' },
  HOST_DISCONNECTED: { code: 4000, reason: 'Room host has disconnected' },
  ONLY_HOST_CAN_SEAL: { code: 4000, reason: 'Only host can seal the lobby' },
  SEAL_COMPLETE: { code: 1000, reason: 'Seal complete' },
  TOO_MANY_LOBBIES: { code: 4000, reason: 'Too many lobbies open, disconnecting' },
  ALREADY_IN_LOBBY: { code: 4000, reason: 'Already in a lobby' },
  LOBBY_DOES_NOT_EXISTS: { code: 4000, reason: 'Lobby does not exists' },
  LOBBY_IS_SEALED: { code: 4000, reason: 'Lobby is sealed' },
  INVALID_FORMAT: { code: 4000, reason: 'Invalid message format' },
  NEED_LOBBY: { code: 4000, reason: 'Invalid message when not in a lobby' },
  SERVER_ERROR: { code: 4000, reason: 'Server error, lobby not found' },
  INVALID_DEST: { code: 4000, reason: 'Invalid destination' },
  INVALID_CMD: { code: 4000, reason: 'Invalid command' },
  TOO_MANY_PEERS: { code: 4000, reason: 'Too many peers connected' },
  INVALID_TRANSFER_MODE: { code: 4000, reason: 'Invalid transfer mode, must be text' },
  // Ours, not server.js's: 1009 is RFC 6455 §7.4.1 "message too big".
  MESSAGE_TOO_BIG: { code: 1009, reason: 'Message too big' },
  // Ours: the Node server going away (RFC 6455 §7.4.1 1001) on SIGINT/SIGTERM.
  SHUTTING_DOWN: { code: 1001, reason: 'Server shutting down' },
  // Ours: a client that stops reading breaks the server's policy of a bounded send buffer
  // (RFC 6455 §7.4.1 1008 "policy violation"); see LOBBY_LIMITS.maxBufferedBytes.
  SLOW_READER: { code: 1008, reason: 'Not reading: send buffer full' },
} as const satisfies Record<string, CloseReason>;
export type CloseName = keyof typeof CLOSE;
// #endregion close-reasons

export interface LobbyMessage {
  type: number;
  id: number;
  data: string;
}

/** server.js ProtoMessage: keys in the order type, id, data; data defaults to ''. */
export function encodeMessage(type: number, id: number, data = ''): string {
  return JSON.stringify({ type, id, data });
}

export type ClientParse = { ok: true; message: LobbyMessage } | { ok: false; close: CloseReason };

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// #region parse-client
/**
 * What the server makes of one frame from a client, as server.js's message handler and
 * parseMsg do: binary frames are refused; JSON numbers are floored; a missing or non-numeric
 * type or id counts as -1 and a non-string data as ''; a negative type or id is a format error.
 * Two differences: a frame over maxMessageBytes is refused before parsing, and JSON that is
 * not an object (e.g. `null`, which makes server.js throw a TypeError and close with its
 * message) is a format error.
 */
export function parseClientMessage(frame: string | Uint8Array, maxBytes: number = LOBBY_LIMITS.maxMessageBytes): ClientParse {
  if (typeof frame !== 'string') return { ok: false, close: CLOSE.INVALID_TRANSFER_MODE };
  // UTF-8 never has fewer bytes than UTF-16 code units, so a long string fails without counting.
  if (frame.length > maxBytes || utf8Length(frame) > maxBytes) return { ok: false, close: CLOSE.MESSAGE_TOO_BIG };
  let json: unknown;
  try {
    json = JSON.parse(frame);
  } catch {
    return { ok: false, close: CLOSE.INVALID_FORMAT };
  }
  if (!isRecord(json)) return { ok: false, close: CLOSE.INVALID_FORMAT };
  const type = typeof json.type === 'number' ? Math.floor(json.type) : -1;
  const id = typeof json.id === 'number' ? Math.floor(json.id) : -1;
  const data = typeof json.data === 'string' ? json.data : '';
  if (type < 0 || id < 0) return { ok: false, close: CLOSE.INVALID_FORMAT };
  return { ok: true, message: { type, id, data } };
}
// #endregion parse-client

export type ServerParse = { ok: true; message: LobbyMessage & { type: MessageTypeCode } } | { ok: false; reason: string };

/**
 * What a client makes of one frame from the server, as ws_webrtc_client.gd's _parse_msg
 * does: an object with integer type and id, a string data, and a type it knows. Godot drops
 * anything else ("Error parsing message from server"); we return the reason.
 */
export function parseServerMessage(frame: unknown, maxBytes: number = LOBBY_LIMITS.maxMessageBytes): ServerParse {
  if (typeof frame !== 'string') return { ok: false, reason: 'not a text frame' };
  if (frame.length > maxBytes || utf8Length(frame) > maxBytes) return { ok: false, reason: `over ${maxBytes} bytes` };
  let json: unknown;
  try {
    json = JSON.parse(frame);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!isRecord(json)) return { ok: false, reason: 'not a JSON object' };
  if (!Number.isSafeInteger(json.type)) return { ok: false, reason: 'type is not an integer' };
  if (!Number.isSafeInteger(json.id)) return { ok: false, reason: 'id is not an integer' };
  if (typeof json.data !== 'string') return { ok: false, reason: 'data is not a string' };
  const type = json.type as number;
  if (typeName(type) === null) return { ok: false, reason: `unknown type ${type}` };
  return { ok: true, message: { type: type as MessageTypeCode, id: json.id as number, data: json.data } };
}

// #region candidate
/** A candidate as Godot's WebRTCPeerConnection hands it over: media id, m-line index, a=candidate value. */
export interface LobbyCandidate {
  mid: string;
  index: number;
  sdp: string;
}

/** ws_webrtc_client.gd send_candidate: "\n%s\n%d\n%s" % [mid, index, sdp]. */
export function encodeCandidate(c: LobbyCandidate): string {
  return `\n${c.mid}\n${c.index}\n${c.sdp}`;
}

/**
 * ws_webrtc_client.gd _parse_msg: split on "\n" dropping empty parts; exactly three parts and
 * an integer index, else the message is dropped (so an empty mid cannot travel).
 */
export function decodeCandidate(data: string): LobbyCandidate | null {
  const parts = data.split('\n').filter((p) => p !== '');
  if (parts.length !== 3 || !/^[+-]?\d+$/.test(parts[1])) return null;
  const index = Number(parts[1]);
  if (!Number.isSafeInteger(index)) return null;
  return { mid: parts[0], index, sdp: parts[2] };
}
// #endregion candidate

/** One line for logs and tests: `ID id=1 data="true"`. */
export function describeMessage(m: LobbyMessage): string {
  return `${typeName(m.type) ?? `type ${m.type}`} id=${m.id} data=${JSON.stringify(m.data)}`;
}
