/**
 * The latency test: for each path (MQTT, data channel, relay …) and each message size,
 * a number of sequential round trips, summarised per (path, size). Paths run one after the
 * other, never at once, so they do not compete for the same link.
 */
import { summarize, type Summary } from './stats';

export interface LatencyPath {
  name: string;
  roundTrip(size: number): Promise<number>;
}

export interface LatencyResult {
  path: string;
  size: number;
  samples: number[];
  summary: Summary | null;
  /** Why some round trips failed, if any did. */
  errors: string[];
}

export interface RunOptions {
  sizes: readonly number[];
  rounds: number;
  onProgress?: (done: number, total: number, current: { path: string; size: number }) => void;
  /** Checked between round trips; true stops the run early. */
  cancelled?: () => boolean;
}

export const DEFAULT_SIZES = [1024, 10 * 1024, 100 * 1024] as const;

export async function runLatencyTest(paths: readonly LatencyPath[], opts: RunOptions): Promise<LatencyResult[]> {
  const total = paths.length * opts.sizes.length * opts.rounds;
  let done = 0;
  const results: LatencyResult[] = [];
  for (const path of paths) {
    for (const size of opts.sizes) {
      const samples: number[] = [];
      const errors: string[] = [];
      for (let r = 0; r < opts.rounds; r++) {
        if (opts.cancelled?.()) return results;
        try {
          samples.push(await path.roundTrip(size));
        } catch (err) {
          errors.push(err instanceof Error ? err.message : String(err));
        }
        done += 1;
        opts.onProgress?.(done, total, { path: path.name, size });
      }
      results.push({ path: path.name, size, samples, summary: summarize(samples), errors });
    }
  }
  return results;
}

/** "1 KB", "100 KB", "1.5 MB": sizes as a reader writes them (1 KB = 1024 bytes). */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${+(bytes / 1024 / 1024).toFixed(1)} MB`;
}
