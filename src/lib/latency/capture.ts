/**
 * A latency run saved as JSON: the reader's "Save results", and the recorded mosquitto run
 * the direct-path chapter shows (src/data/latency/, written by `npm run latency:record`).
 * Only the samples are kept; the summaries are computed again on reading, so a file cannot
 * carry a median its samples do not give. Parsing never throws: a reason instead.
 */
import { MAX_PING_BYTES } from './echo';
import type { LatencyResult } from './run';
import { summarize } from './stats';

export const CAPTURE_FORMAT = 'webrtc-lab-latency';
export const CAPTURE_VERSION = 1;

export interface LatencyCapture {
  format: typeof CAPTURE_FORMAT;
  version: typeof CAPTURE_VERSION;
  /** ISO date and time of the run. */
  recordedAt: string;
  /** The broker the MQTT path went through, as the lab names it: 'in-page', 'tabs' or a ws:// URL. */
  broker: string;
  /** Where it ran, in words: the browser, and for a recording the machine and the broker's version. */
  environment: Record<string, string>;
  results: LatencyResult[];
}

type Parsed = { ok: true; capture: LatencyCapture } | { ok: false; reason: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const MAX_RESULTS = 64;
const MAX_SAMPLES = 1000;

/** The file's text for a run: the samples (to the microsecond) and errors, no summaries. */
export function captureJson(results: readonly LatencyResult[], meta: { recordedAt: Date; broker: string; environment: Record<string, string> }): string {
  const file = {
    format: CAPTURE_FORMAT,
    version: CAPTURE_VERSION,
    recordedAt: meta.recordedAt.toISOString(),
    broker: meta.broker,
    environment: meta.environment,
    results: results.map((r) => ({ path: r.path, size: r.size, samples: r.samples.map((s) => Math.round(s * 1000) / 1000), errors: r.errors })),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

function parseResult(v: unknown, k: number): LatencyResult | string {
  if (!isRecord(v)) return `results[${k}] is not an object`;
  const { path, size, samples, errors } = v;
  if (typeof path !== 'string' || path.length === 0 || path.length > 40) return `results[${k}].path: a name of 1 to 40 characters`;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1 || size > MAX_PING_BYTES) return `results[${k}].size: a whole number of bytes up to ${MAX_PING_BYTES}`;
  if (!Array.isArray(samples) || samples.length > MAX_SAMPLES || !samples.every((s) => typeof s === 'number' && Number.isFinite(s) && s >= 0)) {
    return `results[${k}].samples: up to ${MAX_SAMPLES} round-trip times in ms, none negative`;
  }
  const errs = errors === undefined ? [] : errors;
  if (!Array.isArray(errs) || !errs.every((e) => typeof e === 'string')) return `results[${k}].errors: a list of texts`;
  return { path, size, samples: samples as number[], summary: summarize(samples as number[]), errors: errs as string[] };
}

export function parseLatencyCapture(json: unknown): Parsed {
  let v = json;
  if (typeof json === 'string') {
    try {
      v = JSON.parse(json);
    } catch {
      return { ok: false, reason: 'not JSON' };
    }
  }
  if (!isRecord(v)) return { ok: false, reason: 'not a JSON object' };
  if (v.format !== CAPTURE_FORMAT) return { ok: false, reason: `format: expected "${CAPTURE_FORMAT}"` };
  if (v.version !== CAPTURE_VERSION) return { ok: false, reason: `version: expected ${CAPTURE_VERSION}` };
  if (typeof v.recordedAt !== 'string' || Number.isNaN(Date.parse(v.recordedAt))) return { ok: false, reason: 'recordedAt: an ISO date' };
  if (typeof v.broker !== 'string' || v.broker.length === 0) return { ok: false, reason: 'broker: the broker the MQTT path went through' };
  const env = v.environment;
  if (!isRecord(env) || !Object.values(env).every((x) => typeof x === 'string')) return { ok: false, reason: 'environment: an object of texts' };
  if (!Array.isArray(v.results) || v.results.length === 0 || v.results.length > MAX_RESULTS) return { ok: false, reason: `results: 1 to ${MAX_RESULTS} of them` };
  const results: LatencyResult[] = [];
  for (const [k, r] of v.results.entries()) {
    const parsed = parseResult(r, k);
    if (typeof parsed === 'string') return { ok: false, reason: parsed };
    results.push(parsed);
  }
  return {
    ok: true,
    capture: { format: CAPTURE_FORMAT, version: CAPTURE_VERSION, recordedAt: v.recordedAt, broker: v.broker, environment: env as Record<string, string>, results },
  };
}
