/**
 * Polls one RTCPeerConnection's getStats() for the candidate-pair checklist: fast while ICE
 * is checking, slower once connected (bytes and RTT still change), one last poll when ICE
 * fails or closes, then stop. The connection and the timers are passed in; no DOM.
 */

export type PollSpeed = 'fast' | 'slow' | 'last';

/** How often to poll in each RTCIceConnectionState (W3C webrtc-pc, RTCIceConnectionState enum). */
export const POLL_BY_ICE_STATE: Readonly<Record<string, PollSpeed>> = {
  new: 'fast', // pairs appear as soon as both sides have candidates
  checking: 'fast', // pairs change state every few ms
  disconnected: 'fast', // consent checks (RFC 7675) may bring it back
  connected: 'slow', // the selected pair may still change; bytes grow
  completed: 'slow',
  failed: 'last', // Chromium drops every pair right after failing
  closed: 'last',
};

export const POLL_MS: Readonly<Record<Exclude<PollSpeed, 'last'>, number>> = { fast: 250, slow: 1000 };

export interface StatsPollerOptions {
  /** `() => pc.getStats()`; anything with values() (an RTCStatsReport) or an array. */
  getStats: () => Promise<{ values(): Iterable<unknown> } | readonly unknown[]>;
  /** The peer's current iceConnectionState. */
  iceState: () => string;
  /** Gets every snapshot, as `Array.from(report.values())`. */
  onStats: (stats: unknown[]) => void;
  /** Called when a getStats() call rejects (e.g. the connection was closed meanwhile). */
  onError?: (err: unknown) => void;
  setTimeout?: (fn: () => void, ms: number) => unknown;
  clearTimeout?: (handle: unknown) => void;
  intervals?: Partial<typeof POLL_MS>;
}

export class StatsPoller {
  private readonly o: StatsPollerOptions;
  private timer: unknown = null;
  private running = false;
  private busy = false;

  constructor(options: StatsPollerOptions) {
    this.o = options;
  }

  get active(): boolean {
    return this.running;
  }

  /** Polls now, then on the schedule above until ICE fails/closes or stop() is called. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.tick();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== null) (this.o.clearTimeout ?? clearTimeout)(this.timer as ReturnType<typeof setTimeout>);
    this.timer = null;
  }

  /** One poll now (e.g. after a Step), without changing the schedule. */
  async refresh(): Promise<void> {
    await this.poll();
  }

  private async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const report = await this.o.getStats();
      const stats = Array.isArray(report) ? [...report] : Array.from((report as { values(): Iterable<unknown> }).values());
      this.o.onStats(stats);
    } catch (err) {
      this.o.onError?.(err);
    } finally {
      this.busy = false;
    }
  }

  private async tick(): Promise<void> {
    this.timer = null;
    if (!this.running) return;
    await this.poll();
    if (!this.running) return;
    const speed = POLL_BY_ICE_STATE[this.o.iceState()] ?? 'fast';
    if (speed === 'last') {
      this.running = false;
      return;
    }
    const ms = this.o.intervals?.[speed] ?? POLL_MS[speed];
    this.timer = (this.o.setTimeout ?? setTimeout)(() => void this.tick(), ms);
  }
}
