import { describe, expect, it } from 'vitest';
import { parseLabParams, pubEndpointFor, tcpEndpointFor } from './params';

const parse = (q: string) => parseLabParams(new URLSearchParams(q));

/** What an empty query gives; the other tests say only how theirs differs. */
const DEFAULTS = {
  broker: 'in-page',
  root: null,
  iceServers: [],
  policy: 'all',
  autoplay: false,
  iceMode: 'trickle',
  glare: 'off',
  naivePeers: false,
  detail: null,
  errors: [],
};

describe('parseLabParams', () => {
  it('defaults to the in-page broker, no ICE servers, policy all, no autoplay', () => {
    expect(parse('')).toEqual(DEFAULTS);
  });

  it.each([
    ['broker=ws://localhost:9001', 'ws://localhost:9001'],
    ['broker=wss://test.mosquitto.org:8081', 'wss://test.mosquitto.org:8081'],
    ['broker=direct', 'direct'],
    ['broker=in-page', 'in-page'],
  ])('accepts %s', (q, broker) => {
    expect(parse(q)).toMatchObject({ broker, errors: [] });
  });

  it.each([
    ['broker=http://example.org', /broker/],
    ['broker=mqtt://localhost:1883', /broker/],
    ['broker=%3Cscript%3E', /broker/],
    ['root=a/%2B/b', /root/],
    ['root=/lead', /^root: not a valid MQTT topic root: it has an empty level/],
    ['root=lab%2F%E2%80%AEevil', /^root: not a valid MQTT topic root: it holds an invisible format character/],
    ['root=lab%E2%80%8B', /invisible format character/],
    ['root=lab%2F%E2%81%A6x', /invisible format character/],
    ['ice=nope', /ice: not valid JSON/],
    ['ice={"urls":"stun:x"}', /JSON list/],
    ['ice=[{"urls":"http://x"}]', /ice\[0\]\.urls/],
    ['policy=none', /policy/],
    ['ice-mode=half', /^ice-mode: expected trickle, vanilla$/],
    ['ice-mode=', /^ice-mode:/],
    ['glare=1', /^glare: expected off, naive, polite$/],
    ['glare=POLITE', /^glare:/],
    ['naive=yes', /^naive: expected 0 or 1$/],
  ])('refuses %s and falls back to the default', (q, error) => {
    const p = parse(q);
    expect(p.errors).toEqual([expect.stringMatching(error)]);
    expect(p.broker).toBe('in-page');
    expect(p.root).toBeNull();
    expect(p.policy).toBe('all');
    expect(p.iceMode).toBe('trickle');
    expect(p.glare).toBe('off');
    expect(p.naivePeers).toBe(false);
  });

  it('reads root, ICE servers with credentials, relay policy and autoplay', () => {
    const ice = JSON.stringify([{ urls: 'stun:127.0.0.1:3478' }, { urls: ['turn:127.0.0.1:3478'], username: 'test', credential: 'test' }]);
    expect(parse(`root=webrtc-lab/abc&ice=${encodeURIComponent(ice)}&policy=relay&autoplay=1`)).toEqual({
      ...DEFAULTS,
      root: 'webrtc-lab/abc',
      iceServers: [{ urls: ['stun:127.0.0.1:3478'] }, { urls: ['turn:127.0.0.1:3478'], username: 'test', credential: 'test' }],
      policy: 'relay',
      autoplay: true,
    });
  });

  it.each([
    ['detail=signalling', 'signalling', []],
    ['detail=api', 'api', []],
    ['detail=p2p', 'p2p', []],
    ['detail=everything', null, ['detail: expected signalling, api, p2p']],
    ['', null, []],
  ])('reads the diagram detail from %j', (q, detail, errors) => {
    expect(parse(q)).toMatchObject({ detail, errors });
  });

  it.each([
    ['ice-mode=vanilla', { iceMode: 'vanilla', glare: 'off' }],
    ['ice-mode=trickle&glare=naive', { iceMode: 'trickle', glare: 'naive' }],
    ['glare=polite&ice-mode=vanilla', { iceMode: 'vanilla', glare: 'polite' }],
    ['glare=off', { iceMode: 'trickle', glare: 'off' }],
    ['naive=1', { naivePeers: true }],
    ['naive=0', { naivePeers: false }],
  ])('reads %s', (q, expected) => {
    expect(parse(q)).toMatchObject({ ...expected, errors: [] });
  });
});

describe('tcpEndpointFor', () => {
  it.each([
    ['in-page', null],
    ['direct', null],
    ['ws://localhost:9001', { host: 'localhost', port: 1883 }],
    ['wss://broker.hivemq.com:8884/mqtt', { host: 'broker.hivemq.com', port: 1883 }],
    ['ws://127.0.0.1:45678', { host: '127.0.0.1', port: 1883 }],
  ])('%s -> %j', (broker, endpoint) => {
    expect(tcpEndpointFor(broker)).toEqual(endpoint);
    // mosquitto_pub falls back to a local mosquitto where the broker has no TCP listener.
    expect(pubEndpointFor(broker)).toEqual(endpoint ?? { host: 'localhost', port: 1883 });
  });
});
