/**
 * SessionCore: the machinery every MQTT lab shares, whatever its topology. It owns the
 * trace, the pause-and-step queue, the flood gate and the queue ids, and records each
 * message that arrives, is delivered, dropped or tampered with as a trace event. A lab kind
 * (two peers in one page, one peer per device) extends it and supplies only its topology:
 * what delivering a message means, and how a message to a peer is decoded.
 */
import type { ReceivedPacket, WirePacket } from '../broker/types';
import { bytesToHex } from '../bytes/hex';
import { SignalQueue, type QueueEdit, type Scheduler } from '../queue/signal-queue';
import { Stepped } from '../queue/stepped';
import { decodeSignal, payloadBytes, previewPayload, type DecodeContext } from '../signalling/codec';
import { FloodGate } from '../signalling/flood-gate';
import type { WireSignal } from '../signalling/types';
import { Trace } from '../trace/trace';
import type { MessageInfo, TraceEventBody } from '../trace/types';
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

const decoder = new TextDecoder();

export abstract class SessionCore extends Stepped<HeldMessage> {
  readonly trace: Trace;
  readonly queue: SignalQueue<HeldMessage>;
  private readonly gate: FloodGate;
  private qids = 0;
  protected closed = false;

  constructor(deps: CoreDeps, trace?: Trace) {
    super();
    this.trace = trace ?? new Trace(deps.now);
    this.queue = new SignalQueue<HeldMessage>({
      deliver: (m) => {
        this.emit({ type: 'delivered', qid: m.qid, to: m.to });
        this.deliver(m);
      },
      scheduler: deps.scheduler,
    });
    this.gate = new FloodGate({ now: deps.now, scheduler: deps.scheduler, report: (r) => this.emit({ type: 'rejected', ...r }) });
  }

  /** What delivering a message means for this lab kind (after its 'delivered' event). */
  protected abstract deliver(message: HeldMessage): void;

  /** How a message to `to` on `topic` is decoded (its root and session); edits are checked the same way. */
  protected abstract decodeContext(to: string, topic: string): DecodeContext;

  protected emit(body: TraceEventBody): void {
    this.trace.append(body);
  }

  /**
   * A payload from the broker for `to`: rate-limited before it is decoded, then checked.
   * The signal, or null when it was refused (a flood is summed, anything else traced).
   */
  protected admit(to: string, topic: string, payload: Uint8Array, ctx: DecodeContext = this.decodeContext(to, topic)): WireSignal | null {
    if (!this.gate.admit(to, topic, payload)) return null;
    const result = decodeSignal(payload, ctx);
    if (result.ok) return result.signal;
    this.emit({ type: 'rejected', to, topic, reason: result.reason, bytes: payload.length, preview: previewPayload(payload) });
    return null;
  }

  /** Holds an admitted signal for Step, with the PUBLISH that carried it when the transport has bytes. */
  protected hold(to: string, signal: WireSignal, topic: string, payload: Uint8Array, packet: ReceivedPacket, wire?: WirePacket): HeldMessage {
    const held: HeldMessage = {
      qid: this.nextQid(),
      to,
      from: signal.from,
      kind: signal.kind,
      topic,
      payload: decoder.decode(payload),
      bytes: payload.length,
      qos: packet.qos,
      retain: packet.retain,
      will: signal.kind === 'status' && signal.reason === 'will',
      mid: signal.mid,
      signal,
    };
    if (wire) held.packetHex = bytesToHex(wire.bytes, '');
    this.emitHeld(held);
    this.queue.hold(held);
    return held;
  }

  /** Fault injection: take one held message out of the queue. It never reaches its peer. */
  drop(qid: string, reason?: string): HeldMessage | undefined {
    const message = this.queue.drop(qid);
    if (!message) return undefined;
    this.emit({ type: 'dropped', qid, to: message.to, by: 'reader', ...(reason ? { reason } : {}) });
    return message;
  }

  // #region fault-injection
  /** Fault injection: every message held now goes first; this one moves to the tail. */
  delay(qid: string): QueueEdit<HeldMessage> {
    const result = this.queue.delay(qid);
    if (result.ok) this.emit({ type: 'tampered', qid, to: result.item.to, action: 'delay' });
    return result;
  }

  /** Fault injection: swap a held message with the one before (-1) or after (+1) it. */
  move(qid: string, by: -1 | 1): QueueEdit<HeldMessage> {
    const result = this.queue.move(qid, by);
    if (result.ok) this.emit({ type: 'tampered', qid, to: result.item.to, action: 'move', by });
    return result;
  }

  /**
   * Fault injection: a second copy of the same signal (same payload, same mid), held right
   * after it under a new qid, so the peer really receives it twice.
   */
  duplicate(qid: string): QueueEdit<HeldMessage> {
    const result = this.queue.duplicate(qid, (m) => ({ ...m, qid: this.nextQid() }));
    if (!result.ok) return result;
    this.emitHeld(result.item);
    this.emit({ type: 'tampered', qid, to: result.item.to, action: 'duplicate', copy: result.item.qid });
    return result;
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
  // #endregion fault-injection

  /** Drops whatever is held and stops the flood reports; the trace stays readable. */
  protected closeCore(): void {
    this.closed = true;
    this.queue.clear();
    this.gate.close();
  }

  private nextQid(): string {
    this.qids += 1;
    return `q${this.qids}`;
  }

  private emitHeld(held: HeldMessage): void {
    const { signal: _signal, ...info } = held;
    this.emit({ type: 'held', ...info });
  }
}
