/**
 * Signals as they travel on the wire: one JSON object per MQTT PUBLISH payload.
 * The topic scheme lives in ./topics.ts, validation in ./codec.ts.
 */

/** Wire format version; bump when a field changes meaning. */
export const SIGNAL_VERSION = 1;

/** Largest payload a peer will even try to parse (bytes, UTF-8). SDP is a few KB. */
export const MAX_PAYLOAD_BYTES = 64 * 1024;

export type SignalKind = 'status' | 'offer' | 'answer' | 'candidate' | 'end-of-candidates' | 'chat' | 'handshake';

export type PeerStatus = 'online' | 'offline';

interface SignalBase {
  v: typeof SIGNAL_VERSION;
  kind: SignalKind;
  /** Sender's peer id. */
  from: string;
  /** Lab session this belongs to; peers reject signals of another session. */
  session: string;
  /** Sender's unique id for this message, so a delivery can be matched to its publish. */
  mid: string;
  /** Sender's clock, ms since epoch. Informational only. */
  ts: number;
}

export interface StatusSignal extends SignalBase {
  kind: 'status';
  status: PeerStatus;
  /** 'will' when the broker published it as the sender's last will. */
  reason?: 'will' | 'bye';
}

export interface OfferSignal extends SignalBase {
  kind: 'offer';
  to: string;
  sdp: string;
}

export interface AnswerSignal extends SignalBase {
  kind: 'answer';
  to: string;
  sdp: string;
}

export interface CandidateSignal extends SignalBase {
  kind: 'candidate';
  to: string;
  /** RTCIceCandidateInit as JSON. */
  candidate: string;
  sdpMid: string | null;
  sdpMLineIndex: number | null;
  usernameFragment?: string | null;
}

export interface EndOfCandidatesSignal extends SignalBase {
  kind: 'end-of-candidates';
  to: string;
}

/**
 * A short text message between the two apps, carried by MQTT itself (no peer connection
 * needed). The MQTT chapter publishes it with QoS 0, 1 or 2 to show each handshake.
 */
export interface ChatSignal extends SignalBase {
  kind: 'chat';
  to: string;
  text: string;
}

/**
 * A step another app takes before its offer, as the lab reads it (../dialects): the Godot 4
 * workbench's "request_connection", "connection_accepted" and "request_offer". The lab's own
 * peers never send one: in its format the offerer simply offers.
 */
export interface HandshakeSignal extends SignalBase {
  kind: 'handshake';
  to: string;
  /** The app's own name for the step. */
  subject: string;
}

/** The signals an RTCPeerConnection's signalling handles (LabPeer). */
export type Signal = StatusSignal | OfferSignal | AnswerSignal | CandidateSignal | EndOfCandidatesSignal;
export type DirectedSignal = Exclude<Signal, StatusSignal>;
/** Everything that may travel on a lab topic: the peer's signals plus app-level chat. */
export type WireSignal = Signal | ChatSignal | HandshakeSignal;

/** What `decodeSignal` returns: never throws. */
export type DecodeResult =
  | { ok: true; signal: WireSignal }
  | { ok: false; reason: string };
