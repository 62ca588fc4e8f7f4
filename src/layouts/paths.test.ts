import { afterEach, describe, expect, it, vi } from 'vitest';

async function load(base: string) {
  vi.resetModules();
  vi.stubEnv('BASE_URL', base);
  return import('./paths');
}

afterEach(() => vi.unstubAllEnvs());

describe('href', () => {
  it('works at the root', async () => {
    const { href } = await load('/');
    expect(href()).toBe('/');
    expect(href('signalling')).toBe('/signalling/');
    expect(href('/lab/')).toBe('/lab/');
    expect(href('lab#mosquitto')).toBe('/lab/#mosquitto');
    expect(href('favicon.svg')).toBe('/favicon.svg');
    expect(href('signalling?ice-mode=vanilla')).toBe('/signalling/?ice-mode=vanilla');
    expect(href('lab/?autoplay=1#step=3')).toBe('/lab/?autoplay=1#step=3');
    expect(href('replay?trace=trickle#step=0')).toBe('/replay/?trace=trickle#step=0');
  });

  it('prefixes a base path, with or without its trailing slash', async () => {
    for (const base of ['/webrtc-lab/', '/webrtc-lab']) {
      const { href, isCurrent } = await load(base);
      expect(href()).toBe('/webrtc-lab/');
      expect(href('signalling')).toBe('/webrtc-lab/signalling/');
      expect(href('favicon.svg')).toBe('/webrtc-lab/favicon.svg');
      expect(isCurrent('/webrtc-lab/signalling/', 'signalling')).toBe(true);
      expect(isCurrent('/webrtc-lab/signalling', 'signalling')).toBe(true);
      expect(isCurrent('/webrtc-lab/lab/', 'signalling')).toBe(false);
      expect(isCurrent('/webrtc-lab/', '')).toBe(true);
    }
  });
});
