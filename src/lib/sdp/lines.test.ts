import { describe, expect, it } from 'vitest';
import { annotateSdp } from './annotate';
import { LINE_MEANINGS, h264Profile, keyOf } from './lines';
import { parseSdp } from './parse';

const HEAD = ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0'];
const MEDIA = ['m=audio 9 UDP/TLS/RTP/SAVPF 111', 'c=IN IP4 0.0.0.0', 'a=rtpmap:111 opus/48000/2'];
const SESSION_TYPES = new Set(['v', 'o', 's', 'i', 'u', 'e', 'p', 't', 'r', 'z', 'k']);

/** Puts an example line where it belongs: replace a session line, or append in a media section. */
function around(example: string): { text: string; n: number } {
  const type = example[0];
  if (SESSION_TYPES.has(type)) {
    const lines = [...HEAD];
    const i = lines.findIndex((l) => l[0] === type);
    if (i >= 0) lines[i] = example;
    else lines.splice(type === 'r' || type === 'z' || type === 'k' ? 4 : 3, 0, example);
    return { text: lines.join('\r\n'), n: (i >= 0 ? i : lines.indexOf(example)) + 1 };
  }
  if (type === 'm') return { text: [...HEAD, example, 'c=IN IP4 0.0.0.0'].join('\r\n'), n: 5 };
  if (type === 'c' || type === 'b') return { text: [...HEAD, MEDIA[0], example, MEDIA[2]].join('\r\n'), n: 6 };
  return { text: [...HEAD, ...MEDIA, example].join('\r\n'), n: 8 };
}

describe('LINE_MEANINGS table', () => {
  const entries = [...LINE_MEANINGS.values()];

  it('has an entry for every line type of RFC 8866 §5', () => {
    for (const t of 'vosiuepcbtrzkm') expect(LINE_MEANINGS.has(t), t).toBe(true);
  });

  it.each(entries.map((e) => [e.key, e] as const))('%s: has a title, a meaning, an example and a reference', (_key, e) => {
    expect(e.title.length).toBeGreaterThan(2);
    expect(e.meaning.length).toBeGreaterThan(20);
    expect(e.ref).toMatch(/^(RFC \d{4}( §\d+(\.\d+)*)?|draft-[a-z0-9-]+|libwebrtc|webrtc\.org|AV1|3GPP)/);
    expect(e.example.startsWith(e.key.startsWith('a=') ? `${e.key}` : `${e.key}=`)).toBe(true);
  });

  it.each(entries.map((e) => [e.key, e] as const))('%s: its example parses, is recognised and has no problems', (_key, e) => {
    const { text, n } = around(e.example);
    const line = annotateSdp(parseSdp(text))[n - 1];
    expect(line.raw).toBe(e.example);
    expect(line.key).toBe(e.key);
    expect(line.recognised).toBe(true);
    expect(line.errors).toEqual([]);
    expect(line.meaning).not.toBe('');
  });

  it('keys attributes by lower-case name', () => {
    expect(keyOf('a', 'RTPMAP')).toBe('a=rtpmap');
    expect(keyOf('v', '')).toBe('v');
  });
});

describe('h264Profile (RFC 6184 §8.1)', () => {
  it.each([
    ['42e01f', 'H.264 Constrained Baseline profile, level 3.1'],
    ['42001f', 'H.264 Baseline profile, level 3.1'],
    ['4d001f', 'H.264 Main profile, level 3.1'],
    ['640c1f', 'H.264 Constrained High profile, level 3.1'],
    ['64001f', 'H.264 High profile, level 3.1'],
    ['42e034', 'H.264 Constrained Baseline profile, level 5.2'],
  ])('%s → %s', (plid, text) => {
    expect(h264Profile(plid)).toBe(text);
  });
});
