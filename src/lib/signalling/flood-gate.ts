/**
 * The flood limit as a session uses it, before anything is decoded: three budgets in a row,
 * from ./limits, each keyed on what an attacker cannot multiply.
 *  1. per recipient and claimed sender: one loud sender is stopped here and costs no one else;
 *  2. per recipient, summed over every sender it does not expect: a thousand ids, or a
 *     thousand topics, share this one budget;
 *  3. a bound on what is held for the recipient, apart for the senders it expects, so a
 *     flood that fills the queue while nobody steps still leaves room for the real session.
 * What is refused is only counted. The drops of one recipient are summed per window from the
 * first drop, whatever topic or sender they came from, so a flood is told once a second
 * ("rate limit: 4812 messages on 2431 topics … dropped") instead of once per message or topic.
 * Shared by the MQTT labs and the lobby lab.
 */
import { previewPayload } from './codec';
import { LIMITS, type FloodLimits } from './limits';
import { TokenBuckets } from './rate-limit';

/** A flood's summary, ready to be a 'rejected' trace event. */
export interface FloodReport {
  to: string;
  /** The topic of the first message dropped. */
  topic: string;
  reason: string;
  bytes: number;
  preview: string;
  dropped: number;
}

/** Which budget refused a message. */
export type DropCause = 'sender' | 'recipient' | 'held' | 'apart';

export interface FloodGateDeps {
  now?: () => number;
  /** Timers; a fake one in tests. */
  scheduler?: { setTimeout(fn: () => void, ms: number): unknown };
  report: (report: FloodReport) => void;
  /** Whether `to` expects `sender` (the lab's other peer, the peer a device talks to): spared budget 2. */
  expects?: (to: string, sender: string) => boolean;
  /**
   * How many items are held for `to` now from expected senders (`expected`) or from the rest
   * (budget 3, for each of the two). Nothing is bounded without it.
   */
  held?: (to: string, expected: boolean) => number;
}

/** Distinct topics and senders are counted up to this many per window ("1000+"). */
const MAX_COUNTED = 1000;

/** One recipient's drops in one window. */
export interface DropWindow {
  to: string;
  dropped: number;
  bytes: number;
  firstAt: number;
  lastAt: number;
  causes: Record<DropCause, number>;
  topics: Set<string>;
  senders: Set<string>;
  firstTopic: string;
  /** The preview of the first payload dropped: never the payload, which may be megabytes. */
  firstPreview: string;
}

export class FloodGate {
  private readonly senders: TokenBuckets;
  private readonly recipients: TokenBuckets;
  private readonly windows = new Map<string, DropWindow>();
  private closed = false;

  constructor(
    private readonly deps: FloodGateDeps,
    readonly limits: FloodLimits = LIMITS.mqtt,
  ) {
    this.senders = new TokenBuckets(limits.sender);
    this.recipients = new TokenBuckets(limits.recipient);
  }

  /** Why a message for `to` from `sender` on `topic` must be dropped now, or null when it may be decoded. */
  private check(to: string, sender: string, now: number): DropCause | null {
    const expected = this.deps.expects?.(to, sender) ?? false;
    if (!this.senders.take(`${to}\n${sender}`, now)) return 'sender';
    if (!expected && !this.recipients.take(to, now)) return 'recipient';
    if ((this.deps.held?.(to, expected) ?? 0) >= (expected ? this.limits.heldExpected : this.limits.held)) return 'held';
    return null;
  }

  /**
   * Whether a message for `to` from the claimed `sender` on `topic` ('' where there are no
   * topics) may be decoded; if not, it is only counted.
   */
  admit(to: string, sender: string, topic: string, payload: Uint8Array | string): boolean {
    const cause = this.check(to, sender, this.now());
    if (!cause) return true;
    this.refuse(to, sender, topic, payload, cause);
    return false;
  }

  /** Counts one message for `to` that is not kept, for `cause`, into the recipient's summary. */
  refuse(to: string, sender: string, topic: string, payload: Uint8Array | string, cause: DropCause): void {
    const now = this.now();
    const bytes = typeof payload === 'string' ? payload.length : payload.byteLength;
    let w = this.windows.get(to);
    if (w && now - w.firstAt >= this.limits.windowMs) {
      this.windows.delete(to);
      this.send(w);
      w = undefined;
    }
    if (!w) {
      w = { to, dropped: 0, bytes: 0, firstAt: now, lastAt: now, causes: { sender: 0, recipient: 0, held: 0, apart: 0 }, topics: new Set(), senders: new Set(), firstTopic: topic, firstPreview: previewPayload(payload) };
      this.windows.set(to, w);
      this.schedule(to, w);
    }
    w.dropped += 1;
    w.bytes += bytes;
    w.lastAt = now;
    w.causes[cause] += 1;
    if (w.topics.size < MAX_COUNTED) w.topics.add(topic);
    if (w.senders.size < MAX_COUNTED) w.senders.add(sender);
  }

  /** How many sender buckets are remembered (tests check a flood of ids leaves few). */
  get senderKeys(): number {
    return this.senders.size;
  }

  /** No more reports after this (the session is over). */
  close(): void {
    this.closed = true;
  }

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  private schedule(to: string, w: DropWindow): void {
    const report = () => {
      if (this.windows.get(to) !== w) return;
      this.windows.delete(to);
      this.send(w);
    };
    // A fake scheduler is called as a method; window.setTimeout on another object throws.
    const s = this.deps.scheduler;
    if (s && s.setTimeout !== globalThis.setTimeout) s.setTimeout(report, this.limits.windowMs);
    else globalThis.setTimeout(report, this.limits.windowMs);
  }

  private send(w: DropWindow): void {
    if (this.closed) return;
    this.deps.report({ to: w.to, topic: w.firstTopic, reason: floodReason(w, this.limits), bytes: w.bytes, preview: w.firstPreview, dropped: w.dropped });
  }
}

function counted(n: number, noun: string): string {
  const many = n >= MAX_COUNTED ? `${MAX_COUNTED}+` : String(n);
  return `${many} ${noun}${n === 1 ? '' : 's'}`;
}

/** What each budget is, as a summary names it. */
const CAUSE_TEXT: Record<DropCause, (l: FloodLimits) => string> = {
  sender: (l) => `over ${l.sender.ratePerS}/s, bursts of ${l.sender.burst} from ${l.senderIs}`,
  recipient: (l) => `over ${l.recipient.ratePerS}/s, bursts of ${l.recipient.burst} from all others`,
  held: (l) => `while the queue was full (${l.held} held from strangers, ${l.heldExpected} from expected peers)`,
  apart: (l) => `while ${l.held} were already held apart`,
};

/**
 * The reason a summary gives, e.g. "rate limit: 812 messages on this topic dropped in 0.9 s
 * (over 10/s, bursts of 20 from one sender)", or for a spread flood "rate limit: 4812
 * messages on 2431 topics from 2431 senders dropped in 1 s (12 over 10/s …; 4800 over …)".
 */
export function floodReason(w: Pick<DropWindow, 'dropped' | 'firstAt' | 'lastAt' | 'causes' | 'topics' | 'senders'>, limits: FloodLimits = LIMITS.mqtt): string {
  const n = `${w.dropped} ${limits.noun}${w.dropped === 1 ? '' : 's'}`;
  const secs = Math.max(0.1, Math.ceil((w.lastAt - w.firstAt) / 100) / 10);
  // A transport without topics (the lobby's one socket) passes ''.
  const where = w.topics.has('') ? '' : w.topics.size === 1 ? ' on this topic' : ` on ${counted(w.topics.size, 'topic')} from ${counted(w.senders.size, 'sender')}`;
  const causes = (Object.keys(CAUSE_TEXT) as DropCause[]).filter((c) => w.causes[c] > 0);
  const why = causes.map((c) => (causes.length > 1 ? `${w.causes[c]} ${CAUSE_TEXT[c](limits)}` : CAUSE_TEXT[c](limits))).join('; ');
  return `rate limit: ${n}${where} dropped in ${secs} s (${why})`;
}
