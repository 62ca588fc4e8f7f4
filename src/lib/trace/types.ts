/**
 * The trace: an append-only log of everything that happens in a lab session.
 * Every view (diagram, table, inspector, export) is a pure function of trace[0..n].
 */
import type { SignalKind } from '../signalling/types';

/** The four RTCPeerConnection state machines (W3C webrtc-pc §4.3). */
export type PeerMachine = 'signaling' | 'iceGathering' | 'iceConnection' | 'connection';

/** The reader's fault-injection actions besides drop (which has its own 'dropped' event). */
export type TamperAction = 'delay' | 'duplicate' | 'move' | 'edit';

export type BrokerState = 'connecting' | 'connected' | 'lost' | 'reconnecting' | 'error' | 'closed';

/** A message in another app's format (../dialects) as it crossed the wire, and the lab's reading of it in words. */
export interface DialectWire {
  /** The dialect's id, e.g. "godot-demo". */
  dialect: string;
  payload: string;
  reading: string;
}

/** A signalling message as it crossed the broker: what 'published' and 'held' both record. */
export interface WireMessage {
  kind: SignalKind;
  topic: string;
  /**
   * The payload text exactly as sent or received, in the lab's own format; when it crossed the
   * wire in another app's dialect, the lab's reading of it, and `wire` holds the original.
   */
  payload: string;
  /** Set when the message crossed the wire in another dialect (../dialects): the original, and how the lab read it. */
  wire?: DialectWire;
  bytes: number;
  qos: 0 | 1 | 2;
  /** MQTT retain flag; on delivery it marks a stored message replayed to a new subscriber (MQTT 3.1.1 §3.3.1.3). */
  retain: boolean;
  /** Sender's message id, matching a 'published' event's mid. */
  mid: string;
  /** The MQTT PUBLISH packet that carried it, as hex, when the transport exposes bytes. */
  packetHex?: string;
}

/** Fields shared by 'held' (a message waiting for Step) and the inspector. */
export interface MessageInfo extends WireMessage {
  /** Queue id, unique within the session ("q1", "q2" …). */
  qid: string;
  /** Recipient peer id. */
  to: string;
  /** Sender peer id as claimed by the payload (validated). */
  from: string;
  /** Published by the broker as the sender's last will. */
  will: boolean;
}

export type TraceEventBody =
  /** `watch`: the page joined no conversation and watched the root (../lab/watch-session.ts). */
  | { type: 'session'; session: string; root: string; broker: string; peers: [string, string]; watch?: boolean }
  | { type: 'broker'; peer: string; state: BrokerState; detail?: string }
  /** `fromOutbox`: sent from the peer's outbox, where it waited for the link ('queued-offline'). */
  | ({ type: 'published'; peer: string; fromOutbox?: boolean } & WireMessage)
  /**
   * `peer` published a signal while its link to the broker was down, or wrote it just before
   * the link dropped and got no PUBACK: it waits in the peer's outbox, and is sent again (a
   * 'published' with `fromOutbox`) once the link is back and `to` has been seen online.
   */
  | { type: 'queued-offline'; peer: string; mid: string; kind: SignalKind; topic: string; to?: string; reason: string }
  | ({ type: 'held' } & MessageInfo)
  /**
   * A well-formed signal the lab could not vouch for, held apart: never queued, never
   * delivered, shown with why. `foreign`: a lab that started both peers knows every message
   * it published, and this is not one of them; `suspicious`: the two-device lab cannot know
   * the other side's messages, and this one does not match its conversation.
   */
  | ({ type: 'foreign'; verdict: Verdict; reason: string } & Omit<MessageInfo, 'qid'>)
  | { type: 'delivered'; qid: string; to: string }
  /** The reader took a held message out of the queue: it never reaches `to`. */
  | { type: 'dropped'; qid: string; to: string; by: 'reader'; reason?: string }
  /**
   * The reader tampered with a held message (fault injection). `delay`: moved to the tail of
   * the queue; `move`: swapped with its neighbour (`by` -1 up, +1 down); `duplicate`: `copy`
   * is the qid of the second copy, held (its 'held' event) just before this event and now
   * placed right after `qid`; `edit`: `payload` (and `bytes`) replace what will be delivered.
   */
  | {
      type: 'tampered';
      qid: string;
      to: string;
      action: TamperAction;
      by?: -1 | 1;
      copy?: string;
      payload?: string;
      bytes?: number;
    }
  | {
      type: 'rejected';
      to: string;
      topic: string;
      reason: string;
      bytes: number;
      preview: string;
      /** Set on a rate-limit summary: how many messages it stands for (dropped undecoded). */
      dropped?: number;
    }
  | {
      type: 'plug-pulled';
      peer: string;
      /** Set for a silent pull (no socket close): the keep-alive the broker waits on, in s. */
      keepaliveS?: number;
      /** Silent pull: how long (ms) the peer had already been quiet, since its last packet. */
      quietMs?: number;
    }
  | { type: 'state'; peer: string; machine: PeerMachine; value: string }
  | { type: 'api'; peer: string; call: string; ok: boolean; detail?: string }
  | { type: 'candidate-gathered'; peer: string; candidate: string | null }
  | { type: 'candidate-buffered'; peer: string; candidate: string; reason: string }
  | { type: 'candidates-flushed'; peer: string; count: number }
  | { type: 'remote-status'; peer: string; of: string; status: 'online' | 'offline'; will: boolean }
  | { type: 'channel'; peer: string; state: 'open' | 'closed' }
  /** The DTLS transport under the data channel changed state (webrtc-pc, RTCDtlsTransport.state). */
  | { type: 'dtls'; peer: string; state: DtlsState }
  /**
   * A candidate pair reached a step of its connectivity checks, as `peer`'s getStats() first
   * showed it (RFC 8445 §7.2.5, §8.1.1): `pair` is the stats id, `local` and `remote` say
   * "host udp", "srflx udp" …
   */
  | { type: 'ice-check'; peer: string; pair: string; step: CheckStep; local: string; remote: string }
  | { type: 'chat'; from: string; to: string; text: string }
  /**
   * One MQTT control packet between `peer`'s client and the broker, as it crossed the wire
   * (or re-encoded from mqtt.js's decoded packet for a remote broker). `size` is the whole
   * packet; `hex` holds its first bytes, as many as
   * ../signalling/keep-limits.ts allows (packetKeeps in ./packets.ts).
   */
  /**
   * One-peer-per-device labs: a status `peer` learnt of `of` at once (the roster is the app's
   * lobby; the signal itself still waits in the queue). 'cleared': an empty retained status.
   */
  /** `detail`: in another app's dialect, its own word for the status ("serveropen"). */
  | { type: 'presence'; peer: string; of: string; status: 'online' | 'offline' | 'cleared'; will: boolean; retained: boolean; ts: number; detail?: string }
  /** Where a one-peer-per-device lab is in joining; `detail` says why it was refused or failed. */
  | { type: 'phase'; peer: string; phase: 'joining' | 'joined' | 'refused' | 'error' | 'left'; detail?: string }
  | { type: 'packet'; peer: string; direction: 'out' | 'in'; name: string; size: number; hex: string }
  /**
   * A step of the copy-and-paste lab (one tab, one peer, the reader carries the text).
   * `role`: the part chosen; `own`: this tab's description is ready to carry (every
   * candidate inside); `accepted`: pasted text passed the checks and goes to the peer;
   * `refused`: it did not, or came at the wrong time (`reason`); `settled`: the work `role`
   * or `accepted` started is over (its failures are the 'api' events in between).
   */
  | {
      type: 'paste';
      peer: string;
      what: PasteStep;
      role?: 'offerer' | 'answerer';
      sdpType?: 'offer' | 'answer';
      sdp?: string;
      candidates?: number;
      warnings?: string[];
      reason?: string;
    };

/** How a lab judged a signal it holds apart (see the 'foreign' event). */
export type Verdict = 'foreign' | 'suspicious';

/** RTCDtlsTransportState (webrtc-pc §5.5). */
export type DtlsState = 'new' | 'connecting' | 'connected' | 'closed' | 'failed';

/** How far a candidate pair's checks got: first request sent, first success, nominated, failed. */
export type CheckStep = 'sent' | 'succeeded' | 'nominated' | 'failed';

export type PasteStep = 'role' | 'own' | 'accepted' | 'refused' | 'settled';

export type TraceEventType = TraceEventBody['type'];

/** A trace event as stored: its body plus index and time since session start. */
export type TraceEvent = TraceEventBody & {
  /** Position in the trace, 0-based. */
  i: number;
  /** ms since the trace began. */
  at: number;
};

export type EventOf<T extends TraceEventType> = Extract<TraceEvent, { type: T }>;
