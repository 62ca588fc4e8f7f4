/**
 * A second client on the lab's root forges signals in the name of its peers: it read the
 * session id from the retained status, as anyone can. The lab knows what it published, so
 * the forgeries are held apart as foreign, never delivered, and the real session opens.
 */
import { describe, expect, it } from 'vitest';
import { fakePeerConnectionFactory, pairFakes } from '../testing/fake-peer-connection';
import { DirectBus } from '../broker/direct-bus';
import type { LastWill } from '../broker/types';
import { LabSession } from './session';
import { directConnect, settler, stepToEnd } from './fixtures';
import { heldMessages, peerStates } from '../trace/selectors';
import type { EventOf } from '../trace/types';
import { LIMITS } from '../signalling/limits';

const ROOT = 'webrtc-lab/forged';

/** A started lab (fake peers) on a private bus, and evil, a second client on it. */
async function startedWithEvil(now?: () => number) {
  const bus = new DirectBus();
  const fakes = fakePeerConnectionFactory();
  // The test (not the attacker) keeps each client's will, to replay one.
  const wills = new Map<string, LastWill>();
  const connect = directConnect(bus);
  const session = new LabSession(
    { broker: 'direct', root: ROOT, peers: ['alice', 'bob'] },
    {
      ...(now ? { now } : {}),
      connectBroker: (opts) => {
        if (opts.will) wills.set(opts.clientId, opts.will);
        return connect(opts);
      },
      createPeerConnection: fakes.create,
    },
  );
  const settle = settler(bus);
  const lab = { bus, fakes, session, settle, wills };
  await session.start();
  await settle();
  pairFakes(fakes.instances[0]!, fakes.instances[1]!, { autoConnect: true });
  const evil = bus.connect({ clientId: 'evil' });
  await new Promise<void>((resolve) => evil.on('connect', resolve));
  // What anyone subscribed to <root>/# reads: the session id in alice's retained status.
  const session_ = JSON.parse(new TextDecoder().decode(bus.retained.get(`${ROOT}/alice/status`)!.payload)).session as string;
  return { lab, evil, session_ };
}

const foreign = (events: readonly { type: string }[]) => events.filter((e): e is EventOf<'foreign'> => e.type === 'foreign');

describe('LabSession against forged signals', () => {
  it('a forged offer "from alice" in the real session is foreign: held apart, never stepped, and the real session connects', async () => {
    const { lab, evil, session_ } = await startedWithEvil();
    const { session, settle } = lab;
    const forged = { v: 1, kind: 'offer', from: 'alice', to: 'bob', session: session_, mid: 'alice-1-zzzz', ts: Date.now(), sdp: 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n' };
    evil.publish(`${ROOT}/bob/signal`, JSON.stringify(forged), { qos: 1, retain: false });
    await settle();
    const [f] = foreign(session.trace.events);
    expect(f).toMatchObject({ verdict: 'foreign', from: 'alice', to: 'bob', kind: 'offer', mid: 'alice-1-zzzz' });
    expect(f!.reason).toMatch(/never published it/);
    // Before the fix it waited third in the queue, so the first Steps handed it to bob.
    expect(heldMessages(session.trace.events).some((m) => m.mid === 'alice-1-zzzz')).toBe(false);

    await stepToEnd(lab, 40);
    expect(peerStates(session.trace.events, 'alice').connection).toBe('connected');
    expect(peerStates(session.trace.events, 'bob').connection).toBe('connected');
    // bob applied exactly one offer: alice's.
    expect(session.trace.events.filter((e) => e.type === 'api' && e.peer === 'bob' && e.call === 'setRemoteDescription' && e.ok)).toHaveLength(1);
    await session.close();
  });

  it('an altered copy of the real offer (same mid, other SDP) is foreign too', async () => {
    const { lab, evil } = await startedWithEvil();
    const { session, settle } = lab;
    session.step();
    session.step();
    await settle();
    const real = session.trace.events.find((e): e is EventOf<'published'> => e.type === 'published' && e.kind === 'offer')!;
    evil.publish(real.topic, JSON.stringify({ ...JSON.parse(real.payload), sdp: 'v=0\r\n' }), { qos: 1, retain: false });
    // And a verbatim replay of it.
    evil.publish(real.topic, real.payload, { qos: 1, retain: false });
    await settle();
    expect(foreign(session.trace.events).map((e) => e.reason)).toEqual([expect.stringMatching(/altered copy/), expect.stringMatching(/a replay/)]);
    expect(heldMessages(session.trace.events).filter((m) => m.kind === 'offer')).toHaveLength(1);
    await session.close();
  });

  it('a forged will "bob offline" is foreign; the real one, after the plug is pulled, is held', async () => {
    const { lab, evil, session_ } = await startedWithEvil();
    const { session, settle } = lab;
    const will = { v: 1, kind: 'status', from: 'bob', session: session_, mid: 'bob-1-zzzz', ts: Date.now(), status: 'offline', reason: 'will' };
    evil.publish(`${ROOT}/bob/status`, JSON.stringify(will), { qos: 1, retain: true });
    await settle();
    expect(foreign(session.trace.events)).toEqual([expect.objectContaining({ from: 'bob', to: 'alice', will: true, reason: expect.stringMatching(/not the will bob's client left/) })]);
    expect(heldMessages(session.trace.events).some((m) => m.will)).toBe(false);

    session.pullPlug('bob');
    await settle();
    expect(heldMessages(session.trace.events).filter((m) => m.will)).toEqual([expect.objectContaining({ from: 'bob', to: 'alice' })]);
    expect(foreign(session.trace.events)).toHaveLength(1);
    await session.close();
  });

  it("bob's real will, replayed by someone else while bob is still connected, is foreign", async () => {
    const { lab, evil } = await startedWithEvil();
    const { session, settle, wills } = lab;
    // The attacker cannot know the will's bytes before it fires; the test reads them from bob's CONNECT.
    const bobWill = [...wills.entries()].find(([id]) => id.endsWith('-bob'))?.[1];
    expect(bobWill).toBeDefined();
    evil.publish(bobWill!.topic, bobWill!.payload, { qos: 1, retain: false });
    await settle();
    expect(foreign(session.trace.events)).toEqual([expect.objectContaining({ reason: expect.stringMatching(/has not dropped/) })]);
    await session.close();
  });

  it('a stranger on the root is foreign, whatever it says', async () => {
    const { lab, evil, session_ } = await startedWithEvil();
    const { session, settle } = lab;
    evil.publish(`${ROOT}/carol/status`, JSON.stringify({ v: 1, kind: 'status', from: 'carol', session: session_, mid: 'c1', ts: 1, status: 'online' }), { qos: 1, retain: false });
    await settle();
    expect(foreign(session.trace.events).map((e) => [e.to, e.from, e.reason])).toEqual([
      ['alice', 'carol', expect.stringMatching(/not one of this lab's two peers/)],
      ['bob', 'carol', expect.stringMatching(/not one of this lab's two peers/)],
    ]);
    await session.close();
  });
  it('a steady forger fills the held-apart list to its bound, no further: the rest are counted in one summary', async () => {
    let clock = 1_000_000;
    const { lab, evil, session_ } = await startedWithEvil(() => clock);
    const { session, settle } = lab;
    const offer = (k: number) => ({ v: 1, kind: 'offer', from: `mallory${k}`, to: 'bob', session: session_, mid: `m${k}`, ts: 1, sdp: 'v=0\r\n' });
    // Bursts the recipient budget lets through (30 at once, then 5/s), ten minutes' worth.
    for (let burst = 0; burst < 20; burst++) {
      for (let k = 0; k < 30; k++) evil.publish(`${ROOT}/bob/signal`, JSON.stringify(offer(burst * 30 + k)), { qos: 0, retain: false });
      await settle();
      clock += 30_000;
    }
    const apart = foreign(session.trace.events).filter((e) => e.to === 'bob');
    expect(apart).toHaveLength(LIMITS.mqtt.held);
    await expect.poll(() => session.trace.events.some((e) => e.type === 'rejected' && /already held apart/.test(e.reason)), { timeout: 3000 }).toBe(true);
    await session.close();
  });
});
