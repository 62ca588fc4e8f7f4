/**
 * A realistic SDP of about 200 lines for the benchmark (issue 3: "the time to annotate a
 * 200-line SDP"). It repeats the media sections of a real description, each with a fresh
 * a=mid, and lists them all in a=group:BUNDLE.
 *
 *   const source = readFileSync('tests/fixtures/sdp/chromium-av-offer.sdp', 'utf8');
 *   const sdp = buildBenchSdp(source);          // ≈ 200 lines
 *   annotateSdp(parseSdp(sdp));                  // what to time
 */
import { parseSdp } from './parse';

/** The real Chromium audio+video offer the benchmark is meant to start from. */
export const BENCH_SOURCE = 'tests/fixtures/sdp/chromium-av-offer.sdp';

/**
 * Builds an SDP of at least `targetLines` lines (if the source has any media section) from the
 * media sections of `source`, repeated in order with mids bench0, bench1 …. Never throws.
 */
export function buildBenchSdp(source: string, targetLines = 200): string {
  const parsed = parseSdp(String(source ?? ''));
  const session: string[] = [];
  const sections: string[][] = parsed.sections.slice(1).map(() => []);
  for (const l of parsed.lines) if (l.raw !== '') (l.section === 'session' ? session : sections[l.section]!).push(l.raw);
  if (sections.length === 0) return session.join('\r\n') + (session.length ? '\r\n' : '');

  const out: string[][] = [];
  let count = session.length + (session.some((l) => l.startsWith('a=group:BUNDLE')) ? 0 : 1);
  for (let i = 0; count < targetLines; i++) {
    const mid = `bench${i}`;
    const section = sections[i % sections.length].map((l) => (l.startsWith('a=mid:') ? `a=mid:${mid}` : l));
    if (!section.some((l) => l.startsWith('a=mid:'))) section.push(`a=mid:${mid}`);
    out.push(section);
    count += section.length;
  }

  const bundle = `a=group:BUNDLE ${out.map((_, i) => `bench${i}`).join(' ')}`;
  const head = session.some((l) => l.startsWith('a=group:BUNDLE'))
    ? session.map((l) => (l.startsWith('a=group:BUNDLE') ? bundle : l))
    : [...session, bundle];
  return [...head, ...out.flat()].join('\r\n') + '\r\n';
}
