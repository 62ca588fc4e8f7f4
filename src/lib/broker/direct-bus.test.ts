import { describe, expect, it } from 'vitest';
import { DirectBus, filterError, topicMatches, topicNameError, type DirectClient } from './direct-bus';
import type { LastWill, ReceivedPacket } from './types';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);

interface Got {
  topic: string;
  payload: string;
  retain: boolean;
  qos: number;
}

function record(client: DirectClient): Got[] {
  const got: Got[] = [];
  client.on('message', (topic: string, payload: Uint8Array, packet: ReceivedPacket) => {
    got.push({ topic, payload: text(payload), retain: packet.retain, qos: packet.qos });
  });
  return got;
}

function subscribe(client: DirectClient, topics: Record<string, { qos: 0 | 1 | 2 }>): Promise<void> {
  return new Promise((resolve, reject) => client.subscribe(topics, (err) => (err ? reject(err) : resolve())));
}

const will: LastWill = { topic: 'lab/s1/alice/status', payload: '{"state":"gone"}', qos: 1, retain: true };

describe('topicMatches (MQTT 3.1.1 §4.7)', () => {
  // Each filter with the topics it matches and the topics it does not.
  const filters: Array<[filter: string, matches: string[], misses: string[]]> = [
    ['a/b', ['a/b'], ['a/c', 'a/b/c']],
    ['a/b/c', [], ['a/b']],
    ['#', ['a', 'a/b/c', '/'], ['$SYS/broker']], // §4.7.2: not the $ topics
    ['a/#', ['a', 'a/b', 'a/b/c'], ['ab', 'b/a']], // §4.7.1.2: '#' includes the parent level
    ['+', ['a', ''], ['a/b', '/a']],
    ['+/+', ['/a'], []], // §4.7.1.3: '+' matches an empty level
    ['/+', ['/a'], []],
    ['a/+/c', ['a/b/c', 'a//c'], ['a/b/d']],
    ['a/+', [], ['a/b/c']],
    ['a/+/#', ['a/b', 'a/b/c/d'], []],
    ['+/+/#', [], ['a']],
    ['A/b', [], ['a/b']], // §4.7.3: case-sensitive
    ['+/broker', [], ['$SYS/broker']],
    ['$SYS/#', ['$SYS/broker'], []],
    ['$SYS/+', ['$SYS/broker'], []],
  ];
  const cases = filters.flatMap(([filter, matches, misses]) => [
    ...matches.map((topic): [string, string, boolean] => [filter, topic, true]),
    ...misses.map((topic): [string, string, boolean] => [filter, topic, false]),
  ]);
  it.each(cases)('%s vs %s -> %s', (filter, topic, matches) => {
    expect(topicMatches(filter, topic)).toBe(matches);
  });
});

describe('filter and topic validation', () => {
  it.each(['a/#', '#', '+', 'a/+/b', '+/+', 'a//b'])('accepts filter %s', (f) => {
    expect(filterError(f)).toBeUndefined();
  });
  it.each(['', 'a/#/b', 'a#', 'a/b#', 'a+/b', 'a/+b'])('rejects filter %j', (f) => {
    expect(filterError(f)).toMatch(/MQTT 3\.1\.1/);
  });
  it.each(['', 'a/+', 'a/#'])('rejects topic name %j', (t) => {
    expect(topicNameError(t)).toMatch(/MQTT 3\.1\.1/);
  });
});

describe('DirectBus', () => {
  it('connects asynchronously and delivers publishes to matching subscribers', async () => {
    const bus = new DirectBus();
    const a = bus.connect({ clientId: 'a', will });
    const b = bus.connect({ clientId: 'b', will });
    expect(a.connected).toBe(false);
    await bus.settled();
    expect(a.connected && b.connected).toBe(true);

    const got = record(b);
    await subscribe(b, { 'lab/s1/+/signal': { qos: 1 } });
    a.publish('lab/s1/alice/signal', 'hello', { qos: 1, retain: false });
    a.publish('lab/s1/alice/other', 'nope', { qos: 1, retain: false });
    await bus.settled();
    expect(got).toEqual([{ topic: 'lab/s1/alice/signal', payload: 'hello', retain: false, qos: 1 }]);
  });

  it('downgrades QoS to the subscription QoS (§3.8.4) and numbers QoS>0 deliveries', async () => {
    const bus = new DirectBus();
    const a = bus.connect({ clientId: 'a' });
    const b = bus.connect({ clientId: 'b' });
    const packets: ReceivedPacket[] = [];
    b.on('message', (_t: string, _p: Uint8Array, packet: ReceivedPacket) => packets.push(packet));
    await subscribe(b, { 'x/0': { qos: 0 }, 'x/1': { qos: 1 } });
    a.publish('x/0', 'q', { qos: 2, retain: false });
    a.publish('x/1', 'q', { qos: 2, retain: false });
    a.publish('x/1', 'q', { qos: 0, retain: false });
    await bus.settled();
    expect(packets.map((p) => [p.topic, p.qos, p.messageId])).toEqual([
      ['x/0', 0, undefined],
      ['x/1', 1, 1],
      ['x/1', 0, undefined],
    ]);
  });

  it('delivers once per client even when several of its filters match', async () => {
    const bus = new DirectBus();
    const a = bus.connect({ clientId: 'a' });
    const got = record(a);
    await subscribe(a, { '#': { qos: 0 }, 'x/+': { qos: 1 } });
    a.publish('x/y', 'me', { qos: 1, retain: false });
    await bus.settled();
    expect(got).toEqual([{ topic: 'x/y', payload: 'me', retain: false, qos: 1 }]);
  });

  it('sends retained messages to a late subscriber with retain=true, live ones with retain=false (§3.3.1.3)', async () => {
    const bus = new DirectBus();
    const alice = bus.connect({ clientId: 'alice', will });
    alice.publish('lab/s1/alice/status', '{"state":"ready"}', { qos: 1, retain: true });
    await bus.settled();
    expect(bus.retained.size).toBe(1);

    const bob = bus.connect({ clientId: 'bob', will });
    const got = record(bob);
    await subscribe(bob, { 'lab/s1/#': { qos: 1 } });
    await bus.settled();
    expect(got).toEqual([{ topic: 'lab/s1/alice/status', payload: '{"state":"ready"}', retain: true, qos: 1 }]);

    alice.publish('lab/s1/alice/status', '{"state":"busy"}', { qos: 1, retain: true });
    await bus.settled();
    expect(got[1]).toEqual({ topic: 'lab/s1/alice/status', payload: '{"state":"busy"}', retain: false, qos: 1 });
    expect(text(bus.retained.get('lab/s1/alice/status')!.payload)).toBe('{"state":"busy"}');
  });

  it('deletes a retained message on an empty retained payload, and still delivers it', async () => {
    const bus = new DirectBus();
    const a = bus.connect({ clientId: 'a' });
    const b = bus.connect({ clientId: 'b' });
    const got = record(b);
    await subscribe(b, { 't/#': { qos: 0 } });
    a.publish('t/1', 'kept', { qos: 0, retain: true });
    a.publish('t/1', '', { qos: 0, retain: true });
    await bus.settled();
    expect(bus.retained.has('t/1')).toBe(false);
    expect(got.map((g) => g.payload)).toEqual(['kept', '']);

    const c = bus.connect({ clientId: 'c' });
    const late = record(c);
    await subscribe(c, { 't/#': { qos: 0 } });
    await bus.settled();
    expect(late).toEqual([]);
  });

  it('publishes the will on end(true) and discards it on end(false)', async () => {
    const bus = new DirectBus();
    const alice = bus.connect({ clientId: 'alice', will });
    const carol = bus.connect({ clientId: 'carol', will: { ...will, topic: 'lab/s1/carol/status' } });
    const bob = bus.connect({ clientId: 'bob' });
    const got = record(bob);
    await subscribe(bob, { 'lab/s1/+/status': { qos: 1 } });

    const events: string[] = [];
    alice.on('close', () => events.push('close'));
    alice.on('end', () => events.push('end'));
    alice.end(true);
    carol.end(false);
    await bus.settled();

    expect(alice.connected).toBe(false);
    expect(events).toEqual(['close', 'end']);
    expect(got).toEqual([{ topic: will.topic, payload: will.payload, retain: false, qos: 1 }]);
    // The will was retained, so a later subscriber sees it with retain=true.
    expect(text(bus.retained.get(will.topic)!.payload)).toBe(will.payload);
    expect(bus.retained.has('lab/s1/carol/status')).toBe(false);
  });

  it('takes over a duplicate client id, dropping the old client with its will (§3.1.4-2)', async () => {
    const bus = new DirectBus();
    const old = bus.connect({ clientId: 'alice', will });
    await bus.settled();
    const fresh = bus.connect({ clientId: 'alice', will });
    await bus.settled();
    expect(old.connected).toBe(false);
    expect(fresh.connected).toBe(true);
    expect(bus.retained.has(will.topic)).toBe(true);
  });

  it('reports invalid topics through the callback and refuses publishes after end', async () => {
    const bus = new DirectBus();
    const a = bus.connect({ clientId: 'a' });
    await expect(subscribe(a, { 'a/#/b': { qos: 0 } })).rejects.toThrow(/§4\.7\.1\.2/);
    const err = await new Promise<Error | undefined>((r) => a.publish('a/+', 'x', { qos: 0, retain: false }, r));
    expect(err?.message).toMatch(/§3\.3\.2\.1/);
    a.end();
    const err2 = await new Promise<Error | undefined>((r) => a.publish('a/b', 'x', { qos: 0, retain: false }, r));
    expect(err2?.message).toMatch(/disconnected/);
  });

  it('keeps publish order per publisher, even for publishes made before connect', async () => {
    const bus = new DirectBus();
    const b = bus.connect({ clientId: 'b' });
    const got = record(b);
    await subscribe(b, { 'n/#': { qos: 1 } });
    const a = bus.connect({ clientId: 'a' });
    for (let i = 0; i < 20; i++) a.publish(`n/${i % 3}`, String(i), { qos: 1, retain: false });
    await bus.settled();
    expect(got.map((g) => Number(g.payload))).toEqual([...Array(20).keys()]);
  });

  it('reset() drops clients without wills and forgets retained messages', async () => {
    const bus = new DirectBus();
    const a = bus.connect({ clientId: 'a', will });
    a.publish('r/1', 'x', { qos: 0, retain: true });
    await bus.settled();
    bus.reset();
    await bus.settled();
    expect(a.connected).toBe(false);
    expect(bus.retained.size).toBe(0);
  });
});
