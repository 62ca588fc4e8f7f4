/**
 * The chapter's latency pair: two SoloSessions in one page on one bus, with fake peers that
 * gather as soon as they have a local description (as a browser does).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DirectBus } from '../broker/direct-bus';
import { FakePeerConnection, pairFakes } from '../testing/fake-peer-connection';
import { runLatencyTest } from '../latency/run';
import { directConnect, gatherNew } from './fixtures';
import { brokerPath, openLatencyPair, type PairStep } from './latency-pair';

const timers: ReturnType<typeof setInterval>[] = [];
afterEach(() => timers.splice(0).forEach(clearInterval));

function world() {
  const bus = new DirectBus();
  const pcs: FakePeerConnection[] = [];
  timers.push(setInterval(() => gatherNew(pcs), 1));
  const createPeerConnection = (config: RTCConfiguration) => {
    const pc = new FakePeerConnection(config);
    pcs.push(pc);
    if (pcs.length % 2 === 0) pairFakes(pcs.at(-2)!, pcs.at(-1)!, { autoConnect: true });
    return pc as unknown as RTCPeerConnection;
  };
  return { bus, pcs, deps: { connectBroker: directConnect(bus), createPeerConnection } };
}

describe('openLatencyPair', () => {
  it('joins alice and bob under a fresh root, connects them, and times MQTT and the data channel', async () => {
    const w = world();
    const steps: PairStep[] = [];
    const pair = await openLatencyPair({ broker: 'direct', root: 'webrtc-lab/latency' }, w.deps, (s) => steps.push(s));
    expect(steps).toEqual(['joining', 'connecting', 'open']);
    const roots = [...w.bus.retained.keys()].map((t) => t.split('/').slice(0, 3).join('/'));
    expect(new Set(roots).size).toBe(1);
    expect(roots[0]).toMatch(/^webrtc-lab\/latency\/[a-z0-9]{8}$/);
    expect(pair.paths.map((p) => p.name)).toEqual(['MQTT', 'Data channel']);
    const results = await runLatencyTest(pair.paths, { sizes: [1024, 100 * 1024], rounds: 2 });
    expect(results.map((r) => [r.path, r.size, r.samples.length, r.errors])).toEqual([
      ['MQTT', 1024, 2, []],
      ['MQTT', 102400, 2, []],
      ['Data channel', 1024, 2, []],
      ['Data channel', 102400, 2, []],
    ]);
    await pair.close();
    // Both left gracefully: their retained statuses are cleared.
    expect([...w.bus.retained.keys()]).toEqual([]);
  });

  it('a broker that cannot be reached: the error, and nothing left open', async () => {
    const w = world();
    const deps = { ...w.deps, connectBroker: () => Promise.reject(new Error('connection refused')) };
    await expect(openLatencyPair({ broker: 'ws://127.0.0.1:1', root: 'r' }, deps)).rejects.toThrow(/alice could not join: .*connection refused/);
  });

  it('gives up in time when the peers never connect', async () => {
    const w = world();
    const deps = { ...w.deps, createPeerConnection: (config: RTCConfiguration) => new FakePeerConnection(config) as unknown as RTCPeerConnection };
    await expect(openLatencyPair({ broker: 'direct', root: 'r', timeoutMs: 300 }, deps)).rejects.toThrow('did not connect in time');
    expect([...w.bus.retained.keys()]).toEqual([]);
  });
});

describe('brokerPath: which numbers the reader is seeing', () => {
  it.each([
    ['in-page', 'in-page', false],
    ['tabs', 'tabs', false],
    ['ws://127.0.0.1:9001', 'loopback', true],
    ['ws://localhost:9001', 'loopback', true],
    ['wss://test.mosquitto.org:8081', 'network', true],
    [' wss://broker.emqx.io:8084/mqtt ', 'network', true],
  ])('%s → %s', (broker, kind, real) => {
    expect(brokerPath(broker)).toMatchObject({ kind, real });
  });
  it.each(['', 'direct', 'http://example.org', 'nonsense'])('%j is no broker the experiment uses', (broker) => {
    expect(brokerPath(broker)).toBeNull();
  });
});
