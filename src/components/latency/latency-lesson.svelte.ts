/**
 * The direct-path chapter's latency experiment as reactive state: the broker the reader
 * chose, alice and bob set up in this page (src/lib/lab/latency-pair.ts), one run of the
 * latency test over MQTT and the data channel (LatencyRun), and what the numbers went
 * through. No protocol logic here.
 */
import { BROKER_PRESETS, IN_PAGE, isBrokerUrl } from '../../lib/lab/params';
import { DEFAULT_SIZES } from '../../lib/latency/run';
import { brokerPath, type LatencyPair, type PairStep } from '../../lib/lab/latency-pair';
import { captureJson } from '../../lib/latency/capture';
import { TABS, TABS_PRESET } from '../solo/connect-for';
import { LatencyRun } from './latency-run.svelte';

/** The in-page broker first (nothing to install), the tabs hub, then the real brokers. */
export const LESSON_BROKERS: readonly { url: string; label: string }[] = [BROKER_PRESETS[0]!, TABS_PRESET, ...BROKER_PRESETS.slice(1)];
export const LESSON_ROOT = 'webrtc-lab/latency';
export const LESSON_SIZES = DEFAULT_SIZES;

export class LatencyLesson {
  broker = $state(IN_PAGE);
  root = $state(LESSON_ROOT);
  rounds = $state(10);
  /** Setting up alice and bob: joining the broker, connecting; null when not. */
  step = $state<PairStep | null>(null);
  readonly run = new LatencyRun();
  /** The broker and time of the run on screen. */
  ran = $state.raw<{ broker: string; at: Date } | null>(null);

  path = $derived(brokerPath(this.broker));
  ranPath = $derived(this.ran && brokerPath(this.ran.broker));
  configError = $derived(
    this.broker !== TABS && (!isBrokerUrl(this.broker) || this.path === null)
      ? 'Broker: choose one from the list or a ws:// or wss:// URL.'
      : !Number.isInteger(this.rounds) || this.rounds < 1 || this.rounds > 50
        ? 'Round trips: a whole number from 1 to 50.'
        : null,
  );
  busy = $derived(this.step !== null || this.run.progress !== null);

  async start(): Promise<void> {
    if (this.busy || this.configError) return;
    const broker = this.broker;
    this.run.reset();
    this.ran = null;
    this.step = 'joining';
    let pair: LatencyPair;
    try {
      const [{ openLatencyPair }, { connectFor }] = await Promise.all([import('../../lib/lab/latency-pair'), import('../solo/connect-for')]);
      pair = await openLatencyPair(
        { broker, root: this.root },
        { connectBroker: (opts) => connectFor(broker, opts), createPeerConnection: (config) => new RTCPeerConnection(config) },
        (step) => (this.step = step),
      );
    } catch (err) {
      this.run.error = err instanceof Error ? err.message : String(err);
      return;
    } finally {
      this.step = null;
    }
    try {
      const end = await this.run.run(pair.paths, LESSON_SIZES, this.rounds);
      if (end === 'done') this.ran = { broker, at: new Date() };
    } finally {
      await pair.close();
    }
  }

  cancel(): void {
    this.run.cancel();
  }

  /** The run on screen as a capture file (src/lib/latency/capture.ts), or null. */
  captureText(userAgent: string): string | null {
    if (!this.ran || this.run.results.length === 0) return null;
    return captureJson(this.run.results, { recordedAt: this.ran.at, broker: this.ran.broker, environment: { browser: userAgent } });
  }
}
