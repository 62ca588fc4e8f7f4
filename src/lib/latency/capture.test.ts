import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { captureJson, parseLatencyCapture } from './capture';
import { summarize } from './stats';
import recorded from '../../data/latency/mosquitto.json';

const run = [
  { path: 'MQTT', size: 1024, samples: [2.5, 1.25, 3], summary: summarize([2.5, 1.25, 3]), errors: [] },
  { path: 'Data channel', size: 102400, samples: [4], summary: summarize([4]), errors: ['no echo within 10000 ms'] },
];
const meta = { recordedAt: new Date('2026-12-07T10:00:00Z'), broker: 'ws://127.0.0.1:9001', environment: { browser: 'Chromium 156' } };

describe('latency capture', () => {
  it('round-trips a run: samples and errors kept, summaries recomputed', () => {
    const parsed = parseLatencyCapture(captureJson(run, meta));
    expect(parsed).toEqual({ ok: true, capture: { format: 'webrtc-lab-latency', version: 1, recordedAt: '2026-12-07T10:00:00.000Z', broker: meta.broker, environment: meta.environment, results: run } });
  });

  it('the file carries no summary, so it cannot contradict its samples', () => {
    const text = captureJson(run, meta);
    expect(text).not.toContain('median');
    const forged = JSON.parse(text) as { results: Record<string, unknown>[] };
    forged.results[0]!.summary = { median: 0.001 };
    const parsed = parseLatencyCapture(forged);
    expect(parsed.ok && parsed.capture.results[0]!.summary!.median).toBe(2.5);
  });

  const good = () => JSON.parse(captureJson(run, meta)) as Record<string, unknown>;
  it.each([
    ['text that is not JSON', 'not json', 'not JSON'],
    ['a list', '[]', 'not a JSON object'],
    ['another format', '{"format":"other"}', /format/],
    ['another version', { ...good(), version: 2 }, /version/],
    ['a date that is none', { ...good(), recordedAt: 'yesterday' }, /recordedAt/],
    ['no results', { ...good(), results: [] }, /results/],
    ['a negative time', { ...good(), results: [{ path: 'MQTT', size: 1024, samples: [-1] }] }, /samples/],
    ['a size past the data channel limit', { ...good(), results: [{ path: 'MQTT', size: 1e9, samples: [] }] }, /size/],
    ['an environment that is not text', { ...good(), environment: { x: 1 } }, /environment/],
  ])('refuses %s', (_what, text, reason) => {
    const parsed = parseLatencyCapture(text);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.reason).toMatch(reason);
  });

  it('never throws, whatever it is given', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => void parseLatencyCapture(v)));
    fc.assert(fc.property(fc.string(), (v) => void parseLatencyCapture(v)));
  });

  it('the recorded mosquitto run parses, and has both paths at 1, 10 and 100 KB', () => {
    const parsed = parseLatencyCapture(recorded);
    if (!parsed.ok) throw new Error(parsed.reason);
    const { capture } = parsed;
    expect(capture.broker).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    expect(Object.keys(capture.environment)).toEqual(expect.arrayContaining(['browser', 'mosquitto', 'machine']));
    expect(capture.results.map((r) => `${r.path} ${r.size}`)).toEqual(['MQTT 1024', 'MQTT 10240', 'MQTT 102400', 'Data channel 1024', 'Data channel 10240', 'Data channel 102400']);
    for (const r of capture.results) expect(r.summary?.n, `${r.path} ${r.size}`).toBeGreaterThanOrEqual(10);
  });
});
