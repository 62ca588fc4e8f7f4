/**
 * One latency run as reactive state, for every island that times paths (the two-device lab,
 * the direct-path chapter): results, progress, the error, Cancel. The test itself is
 * src/lib/latency/run.ts; this only follows it.
 */
import type { LatencyPath, LatencyResult } from '../../lib/latency/run';

export interface LatencyProgress {
  done: number;
  total: number;
  path: string;
  size: number;
}

export class LatencyRun {
  results = $state.raw<LatencyResult[]>([]);
  progress = $state<LatencyProgress | null>(null);
  error = $state<string | null>(null);
  private cancelled = false;

  get running(): boolean {
    return this.progress !== null;
  }

  /**
   * Times every path at every size, `rounds` round trips each. `stale()` says the paths went
   * away meanwhile (the peer hung up), which stops the run as Cancel does.
   * Resolves 'done', 'cancelled' or 'failed' (then `error` says why).
   */
  async run(paths: readonly LatencyPath[], sizes: readonly number[], rounds: number, stale: () => boolean = () => false): Promise<'done' | 'cancelled' | 'failed'> {
    if (this.progress) return 'failed';
    this.error = null;
    this.cancelled = false;
    this.results = [];
    this.progress = { done: 0, total: paths.length * sizes.length * rounds, path: paths[0]?.name ?? '', size: sizes[0] ?? 0 };
    try {
      const { runLatencyTest } = await import('../../lib/latency/run');
      this.results = await runLatencyTest(paths, {
        sizes,
        rounds,
        cancelled: () => this.cancelled || stale(),
        onProgress: (done, total, current) => (this.progress = { done, total, ...current }),
      });
      return this.cancelled ? 'cancelled' : 'done';
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
      return 'failed';
    } finally {
      this.progress = null;
    }
  }

  cancel(): void {
    this.cancelled = true;
  }

  reset(): void {
    this.cancel();
    this.results = [];
    this.error = null;
  }
}
