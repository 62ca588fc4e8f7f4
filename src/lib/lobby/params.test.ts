import { describe, expect, it } from 'vitest';
import { isLobbyServerUrl, parseLobbyParams } from './params';

describe('parseLobbyParams', () => {
  it.each([
    ['', { server: 'in-page', autoplay: false, errors: 0 }],
    ['?lobby=in-page&autoplay=1', { server: 'in-page', autoplay: true, errors: 0 }],
    ['?lobby=ws://127.0.0.1:9080/', { server: 'ws://127.0.0.1:9080/', autoplay: false, errors: 0 }],
    ['?lobby=wss://example.org/lobby', { server: 'wss://example.org/lobby', autoplay: false, errors: 0 }],
    ['?lobby=http://example.org/', { server: 'in-page', autoplay: false, errors: 1 }],
    ['?lobby=javascript:alert(1)', { server: 'in-page', autoplay: false, errors: 1 }],
    ['?autoplay=yes', { server: 'in-page', autoplay: false, errors: 0 }],
  ])('%s', (search, want) => {
    const p = parseLobbyParams(new URLSearchParams(search));
    expect({ server: p.server, autoplay: p.autoplay, errors: p.errors.length }).toEqual(want);
  });

  it.each([
    ['ws://localhost:9080', true],
    ['WSS://example.org', true],
    ['ws://', false],
    ['ws://a b', false],
    ['mqtt://x', false],
  ])('isLobbyServerUrl(%s) = %s', (url, ok) => {
    expect(isLobbyServerUrl(url)).toBe(ok);
  });
});
