import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { annotateSdp } from './annotate';
import { BENCH_SOURCE, buildBenchSdp } from './bench-fixture';
import { parseSdp } from './parse';

const source = readFileSync(new URL(`../../../${BENCH_SOURCE}`, import.meta.url), 'utf8');

describe('buildBenchSdp', () => {
  it('builds a valid ~200-line SDP from the real audio+video offer', () => {
    const sdp = buildBenchSdp(source);
    const parsed = parseSdp(sdp);
    expect(parsed.lines.length).toBeGreaterThanOrEqual(200);
    expect(parsed.lines.length).toBeLessThan(400);
    expect(parsed.errors).toEqual([]);
    const annotated = annotateSdp(parsed);
    expect(annotated.every((l) => l.recognised)).toBe(true);
    const mids = parsed.sections.slice(1).map((s) => s.mid);
    expect(new Set(mids).size).toBe(mids.length);
    expect(parsed.lines.find((l) => l.name === 'group')?.value).toBe(`BUNDLE ${mids.join(' ')}`);
    expect(sdp.endsWith('\r\n')).toBe(true);
  });

  it.each([50, 200, 1000])('reaches %i lines', (target) => {
    expect(parseSdp(buildBenchSdp(source, target)).lines.length).toBeGreaterThanOrEqual(target);
  });

  it.each(['', 'v=0', 'garbage\nmore'])('returns odd input unchanged instead of looping: %j', (input) => {
    expect(() => buildBenchSdp(input)).not.toThrow();
  });
});
