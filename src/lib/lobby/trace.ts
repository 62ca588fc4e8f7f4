/**
 * The lobby lab's trace: an append-only log of everything in a mesh session (frames each
 * way, what the queue holds and delivers, each RTCPeerConnection's calls and states). Every
 * view (diagram rows, pair table, inspector) is a pure function of it. It is a
 * Trace<LobbyTraceBody> (../trace/trace.ts), so events are frozen.
 *
 * Lanes are lab names ('p1', 'p2', 'p3', 'p4'), never wire ids: the server lane is 'server'.
 * `remote` is the other end's wire id, as the local client learnt it from the server.
 */
import type { Stamped } from '../trace/trace';
import type { TraceEventBody } from '../trace/types';

/** The diagram lane of the signalling server. */
export const SERVER_LANE = 'server';

/** The mesh: p1 creates the lobby (the host, id 1), p2 and p3 join it. */
export const MESH_PEERS = ['p1', 'p2', 'p3'] as const;
/** The client that sends bad input, outside the mesh. */
export const VISITOR = 'p4';

/**
 * What each link's LabPeer traces (../peer/lab-peer.ts), kept as the lobby's own events with
 * `remote` added. Its 'remote-status' is left out: it reports the status the mesh hands the
 * offerer on PEER_CONNECT, and that frame is in the trace already. It sends no 'chat'.
 */
export const LINK_EVENT_TYPES = ['api', 'state', 'channel', 'candidate-gathered', 'candidate-buffered', 'candidates-flushed'] as const;
export type LinkTraceBody = Extract<TraceEventBody, { type: (typeof LINK_EVENT_TYPES)[number] }> & { remote: number };

export type LobbyTraceBody =
  | { type: 'session'; transport: string; peers: string[] }
  /** A client's WebSocket: connecting, open, or it never opened. */
  | { type: 'socket'; peer: string; state: 'connecting' | 'open' | 'failed'; detail?: string }
  /** A frame a client wrote to the server, exactly as written (maybe not JSON at all). */
  | { type: 'sent'; peer: string; text: string; bad?: string }
  /**
   * Something from the server to a client, held until Step: a text frame, or the close of
   * the connection (RFC 6455 §5.5.1 close frame: code and reason).
   */
  | { type: 'held'; qid: string; peer: string; text: string; close?: { code: number; reason: string } }
  | { type: 'delivered'; qid: string; peer: string }
  /** Fault injection, as in the MQTT labs (../trace/types): the reader took a held item out; it never reaches `peer`. */
  | { type: 'dropped'; qid: string; peer: string; by: 'reader'; reason?: string }
  /** Fault injection: `delay` to the tail, `move` by one (`by`), `duplicate` (`copy` is the new item's qid). */
  | { type: 'tampered'; qid: string; peer: string; action: 'delay' | 'move' | 'duplicate'; by?: -1 | 1; copy?: string }
  /** A delivered frame the client did not act on, and why (Godot's client drops it too). */
  | { type: 'ignored'; peer: string; reason: string }
  /** One RTCPeerConnection per remote peer; `offerer` by the higher-id rule. */
  | { type: 'pc'; peer: string; remote: number; offerer: boolean }
  | LinkTraceBody;

export type LobbyTraceType = LobbyTraceBody['type'];
export type LobbyTraceEvent = Stamped<LobbyTraceBody>;
export type LobbyEventOf<T extends LobbyTraceType> = Extract<LobbyTraceEvent, { type: T }>;
