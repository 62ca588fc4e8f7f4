/**
 * SessionCore: what the MQTT labs add to the shared queue (./queued): the flood gate and the
 * signalling codec in front of it, and the Edit that checks a new payload the same way. It
 * records each message that arrives, is delivered, dropped or tampered with as a lab-format
 * trace event. A lab kind (two peers in one page, one peer per device) extends it and
 * supplies only its topology: what delivering a message means, and how a message to a peer
 * is decoded.
 */
import type { ReceivedPacket, WirePacket } from '../broker/types';
import { bytesToHex } from '../bytes/hex';
import type { Scheduler } from '../queue/signal-queue';
import { claimedSender, decodeSignal, encodeSignal, payloadBytes, previewPayload, type DecodeContext } from '../signalling/codec';
import { FloodGate } from '../signalling/flood-gate';
import type { WireSignal } from '../signalling/types';
import type { Trace } from '../trace/trace';
import type { DialectWire, MessageInfo, TraceEventBody, Verdict } from '../trace/types';
import { QueuedSession, type QueueEvents } from './queued';
import { RefusalLog } from './refusals';
import { checkEdit } from './tamper';

/** A message waiting in the queue for one recipient. */
export interface HeldMessage extends MessageInfo {
  signal: WireSignal;
}

export interface CoreDeps {
  now?: () => number;
  scheduler?: Scheduler;
}

export type EditResult = { ok: true; message: HeldMessage } | { ok: false; reason: string };

/** The lab trace's queue events: the recipient is `to`; 'held' carries everything but the decoded signal. */
const MQTT_QUEUE_EVENTS: QueueEvents<HeldMessage, TraceEventBody> = {
  held: ({ signal: _signal, ...info }) => ({ type: 'held', ...info }),
  delivered: ({ qid, to }) => ({ type: 'delivered', qid, to }),
  dropped: ({ qid, to }, reason) => ({ type: 'dropped', qid, to, by: 'reader', ...(reason ? { reason } : {}) }),
  tampered: ({ qid, to }, change) => ({ type: 'tampered', qid, to, ...change }),
};

const decoder = new TextDecoder();

/** What the trace records of any message a subscriber received; `dialect` as in messageInfo. */
export function receivedFields(signal: WireSignal, topic: string, payload: Uint8Array, packet: ReceivedPacket, dialect?: DialectWire) {
  return {
    kind: signal.kind,
    topic,
    payload: dialect ? encodeSignal(signal) : decoder.decode(payload),
    bytes: payload.length,
    qos: packet.qos,
    retain: packet.retain,
  };
}

/**
 * What the trace records of a message that arrived for `to` (everything but its queue id).
 * `dialect`: it came in another app's format; the trace keeps the lab's reading as `payload`.
 */
function messageInfo(to: string, signal: WireSignal, topic: string, payload: Uint8Array, packet: ReceivedPacket, wire: WirePacket | undefined, dialect?: DialectWire): Omit<MessageInfo, 'qid'> {
  const info: Omit<MessageInfo, 'qid'> = {
    to,
    from: signal.from,
    ...receivedFields(signal, topic, payload, packet, dialect),
    will: signal.kind === 'status' && signal.reason === 'will',
    mid: signal.mid,
  };
  if (wire) info.packetHex = bytesToHex(wire.bytes, '');
  if (dialect) info.wire = dialect;
  return info;
}

export abstract class SessionCore extends QueuedSession<HeldMessage, TraceEventBody> {
  private readonly gate: FloodGate;
  private readonly refusals: RefusalLog;

  constructor(deps: CoreDeps, trace?: Trace) {
    super(MQTT_QUEUE_EVENTS, deps, trace);
    this.refusals = new RefusalLog({ emit: (r) => this.emit(r), ...(deps.scheduler ? { scheduler: deps.scheduler } : {}) });
    this.gate = new FloodGate({
      now: deps.now,
      scheduler: deps.scheduler,
      report: (r) => this.refusals.record({ type: 'rejected', ...r }),
      expects: (to, sender) => this.expectsSender(to, sender),
      held: (to, expected) => this.queue.held.reduce((n, m) => n + (m.to === to && this.expectsSender(to, m.from) === expected ? 1 : 0), 0),
    });
  }

  /**
   * Whether `to` expects messages from `sender` (its conversation partner): those are held to
   * their own budget, so a flood from a thousand other ids cannot starve them. A claim only;
   * a forger who names the partner shares the partner's budget, no more.
   */
  protected expectsSender(_to: string, _sender: string): boolean {
    return false;
  }

  /** How a message to `to` on `topic` is decoded (its root and session); edits are checked the same way. */
  protected abstract decodeContext(to: string, topic: string): DecodeContext;

  /**
   * A payload from the broker for `to`: rate-limited before it is decoded (../signalling/
   * flood-gate), then checked. The signal, or null when it was refused (a flood is summed,
   * anything else traced).
   */
  protected admit(to: string, topic: string, payload: Uint8Array, ctx: DecodeContext = this.decodeContext(to, topic)): WireSignal | null {
    if (!this.passesGate(to, ctx.root, topic, payload)) return null;
    const result = decodeSignal(payload, ctx);
    if (result.ok) return result.signal;
    this.refuse(to, topic, payload, result.reason);
    return null;
  }

  /** The flood gate alone, for a payload another decoder reads (a dialect's, ../dialects). */
  protected passesGate(to: string, root: string, topic: string, payload: Uint8Array): boolean {
    return this.gate.admit(to, claimedSender(root, topic, payload), topic, payload);
  }

  /** Traces a refused payload with why (a flood of refusals is summed). */
  protected refuse(to: string, topic: string, payload: Uint8Array, reason: string): void {
    this.refusals.record({ type: 'rejected', to, topic, reason, bytes: payload.length, preview: previewPayload(payload) });
  }

  /** Holds an admitted signal for Step, with the PUBLISH that carried it when the transport has bytes. */
  protected holdSignal(to: string, signal: WireSignal, topic: string, payload: Uint8Array, packet: ReceivedPacket, wire?: WirePacket, dialect?: DialectWire): HeldMessage {
    return this.hold({ qid: this.nextQid(), ...messageInfo(to, signal, topic, payload, packet, wire, dialect), signal });
  }

  /** Held apart per recipient: never stepped, so bounded like the held strangers (limits.ts `held`). */
  private readonly apartCount = new Map<string, number>();

  /**
   * Holds an admitted signal apart: the lab cannot vouch for its sender (see the 'foreign'
   * trace event). It is traced in full, so the reader can inspect it, and never queued, so
   * no Step or Play can hand it to a peer. Past `held` of them for one recipient, the rest are
   * only counted in the flood summary.
   */
  protected holdApart(to: string, signal: WireSignal, topic: string, payload: Uint8Array, packet: ReceivedPacket, wire: WirePacket | undefined, verdict: Verdict, reason: string, dialect?: DialectWire): void {
    const kept = this.apartCount.get(to) ?? 0;
    // A steady forger would otherwise grow the trace (and the heap) for as long as the page is open.
    if (kept >= this.gate.limits.held) {
      this.gate.refuse(to, signal.from, topic, payload, 'apart');
      return;
    }
    this.apartCount.set(to, kept + 1);
    this.emit({ type: 'foreign', verdict, reason, ...messageInfo(to, signal, topic, payload, packet, wire, dialect) });
  }

  /**
   * Fault injection: replace a held message's payload. The new text goes through the same
   * decoder as anything from the broker (with this recipient's topic and session), plus the
   * checks in ./tamper (same kind, well-formed SDP lines); a refused edit changes nothing.
   */
  edit(qid: string, payload: string): EditResult {
    const message = this.queue.held[this.queue.indexOf(qid)];
    if (!message) return { ok: false, reason: `${qid} is no longer held: it was delivered or dropped` };
    if (payload === message.payload) return { ok: false, reason: 'nothing changed' };
    const result = decodeSignal(payload, this.decodeContext(message.to, message.topic));
    if (!result.ok) return { ok: false, reason: result.reason };
    const refused = checkEdit(message.signal, result.signal);
    if (refused) return { ok: false, reason: refused };
    const bytes = payloadBytes(payload);
    const next: HeldMessage = { ...message, payload, bytes, from: result.signal.from, mid: result.signal.mid, signal: result.signal };
    this.queue.replace(qid, next);
    this.emit({ type: 'tampered', qid, to: message.to, action: 'edit', payload, bytes });
    return { ok: true, message: next };
  }

  /** Drops whatever is held and stops the flood reports; the trace stays readable. */
  protected closeCore(): void {
    super.closeCore();
    this.gate.close();
    this.refusals.close();
  }
}
