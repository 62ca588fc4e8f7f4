/**
 * A signalling dialect: how one app family puts WebRTC signalling on MQTT topics and payloads.
 * The lab's own format is ../signalling (JSON signals on <root>/<peer>/status|signal); the
 * Godot dialects are ./godot-demo.ts and ./godot-workbench.ts. A dialect only translates:
 * what the lab does with a message (hold, step, apply) is the session's.
 */

import type { EchoFormat } from '../latency/echo';

/** One message as a dialect puts it on the wire. */
export interface WireMessage {
  topic: string;
  payload: string;
  qos: 0 | 1 | 2;
  retain: boolean;
}

/**
 * What a dialect message means to the lab. `from` is null when the wire does not say who
 * sent it (the Godot 3 demo's topics name only the recipient): the session decides then.
 */
export type DialectMessage =
  /** `detail`: the app's own word for it ("serveropen"); `server`: the server a client joined ("connectto"). */
  | { kind: 'status'; from: string; status: 'online' | 'offline'; will: boolean; detail: string; server?: string }
  /** An empty retained payload on a status topic: that status is gone (MQTT 3.1.1 §3.3.1.3). */
  | { kind: 'cleared'; from: string }
  | { kind: 'offer' | 'answer'; from: string | null; to: string; sdp: string }
  | { kind: 'candidate'; from: string | null; to: string; candidate: string; sdpMid: string | null; sdpMLineIndex: number | null }
  | { kind: 'chat'; from: string | null; to: string; text: string }
  /** The Godot demo's latency test: a probe of `bytes` bytes, and its echo naming that length. */
  | { kind: 'latency-probe'; from: string | null; to: string; bytes: number }
  | { kind: 'latency-echo'; from: string | null; to: string; bytes: number }
  /** The workbench's handshake before an offer (request_connection, connection_accepted, request_offer). */
  | { kind: 'handshake'; from: string; to: string; subject: string };

/** What reading one message gave: the message and how the lab read it, or why not. */
export type ReadResult = { ok: true; message: DialectMessage; reading: string } | { ok: false; reason: string };

/** One topic of a dialect's scheme, with <root>, <id>, <from>, <to> as placeholders. */
export interface TopicUse {
  topic: string;
  carries: string;
}

/** A data channel both ends create themselves (negotiated, so no DCEP announces it: RFC 8832 §6.1). */
export interface DialectChannel {
  label: string;
  init: RTCDataChannelInit & { negotiated: true; id: number };
}

/**
 * The steps an app takes before anyone offers (the workbench's, MQTTsignalling.gd:254-418): a
 * server announces itself with `serverStatus`; a client opens with `opening`; each subject
 * received is answered as `on` says (a reply, a status, or the server's offer).
 */
export interface Handshake {
  serverStatus: string;
  opening: string;
  on: Readonly<Record<string, { reply?: string; status?: string; offer?: true }>>;
}

export interface Dialect {
  readonly id: string;
  /** For the setting, e.g. "Godot 3 demo (godot_webrtc_mqtt)". */
  readonly label: string;
  /** The app's own default root (room), e.g. the demo's "crumble77". */
  readonly defaultRoot: string;
  /** Largest payload `read` parses; a larger one is refused before any parsing. */
  readonly maxPayloadBytes: number;
  /** The app's data channels; the first carries chat. */
  readonly channels: readonly DialectChannel[];
  /** The app sends its channel messages as binary (UTF-8 bytes), not as text. */
  readonly binary: boolean;
  /** The app reads chat on its first channel; if not, chat always goes over MQTT. */
  readonly channelChat: boolean;
  /** Set when the app takes steps before anyone offers; without it, whoever connects offers. */
  readonly handshake?: Handshake;
  /** The app's own latency test over its chat topic and channel, if it has one. */
  readonly latency?: EchoFormat;
  /** The topics a peer uses, for the reader: `<root>/<id>/status` and what each carries. */
  readonly scheme: readonly TopicUse[];
  /** Why this root cannot be used with this dialect, or null. */
  rootProblem(root: string): string | null;
  /** A fresh id as the app makes one (the demo's picks, the workbench's "x" and a number). */
  randomId(): string;
  /** Why this peer id cannot be used with this dialect, or null. */
  idProblem(id: string): string | null;
  /** Topics a peer `self` subscribes to (QoS as the app does). */
  subscriptions(root: string, self: string): Record<string, { qos: 0 | 1 | 2 }>;
  /** The status that says `self` is here, and the last will that says it is gone. */
  presence(root: string, self: string): { online: WireMessage; will: WireMessage };
  /** A message on the wire, or the reason this dialect cannot say it. */
  write(root: string, self: string, message: DialectMessage): WireMessage | { refused: string };
  /** One received message for `self`, or for anyone when `self` is null (watching); never throws. */
  read(root: string, self: string | null, topic: string, payload: string): ReadResult;
}
