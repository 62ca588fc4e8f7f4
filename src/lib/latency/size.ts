/**
 * A message size as a reader types it: "2048", "2048 B", "50 KB", "0.5 MB" (1 KB = 1024
 * bytes, as formatSize prints them). Never throws: a reason instead of a number.
 */
import { MAX_PING_BYTES } from './echo';

/** Smallest ping: the JSON envelope alone is about 30 bytes. */
export const MIN_PING_BYTES = 64;

const UNITS: Readonly<Record<string, number>> = { '': 1, b: 1, kb: 1024, kib: 1024, k: 1024, mb: 1024 * 1024, mib: 1024 * 1024, m: 1024 * 1024 };

export function parseSize(text: string): { ok: true; bytes: number } | { ok: false; reason: string } {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined) return { ok: false, reason: 'Write a size like 2048, 50 KB or 0.2 MB.' };
  const bytes = Math.round(Number(m[1]) * unit);
  if (bytes < MIN_PING_BYTES) return { ok: false, reason: `At least ${MIN_PING_BYTES} bytes: the ping's own JSON takes about 30.` };
  if (bytes > MAX_PING_BYTES) return { ok: false, reason: `At most ${MAX_PING_BYTES / 1024} KB: a data channel message beyond that may not be delivered.` };
  return { ok: true, bytes };
}
