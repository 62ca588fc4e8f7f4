import { describe, expect, it } from 'vitest';
import { LabSession, type LabConfig } from './session';
import { connectBroker, resetInPageBroker } from '../broker/connect';
import { fakePeerConnectionFactory, pairFakes } from '../testing/fake-peer-connection';
import { directLab, gatherNew, stepToEnd } from './fixtures';
import { deliveredCount, diagramRows, heldMessages, peerStates, timeToConnected } from '../trace/selectors';
import { publishPacketOf } from '../trace/packets';
import { readPublish } from '../mqtt/handshake';

const ROOT = 'webrtc-lab/test';

/** A LabSession over a private DirectBus (MQTT semantics, no network) and fake peers. */
const setup = (extra: Partial<LabConfig> = {}) => directLab({ root: ROOT, ...extra });

describe('LabSession', () => {
  it('holds every signal until Step, and delivers exactly one per step', async () => {
    const { session, settle, fakes } = setup();
    await session.start();
    await settle();
    pairFakes(fakes.instances[0]!, fakes.instances[1]!, { autoConnect: true });
    const events = () => session.trace.events;
    // alice's retained status reaches bob (he joined later); bob's live status reaches alice.
    const held = heldMessages(events());
    expect(held.map((m) => [m.kind, m.from, m.to, m.retain])).toEqual([
      ['status', 'alice', 'bob', true],
      ['status', 'bob', 'alice', false],
    ]);
    // Nothing reaches a peer before Step: alice has not offered.
    expect(events().some((e) => e.type === 'published' && e.kind === 'offer')).toBe(false);

    let steps = 0;
    while (session.queue.size > 0 && steps < 50) {
      const before = deliveredCount(events());
      session.step();
      steps++;
      expect(deliveredCount(events())).toBe(before + 1);
      await settle();
      // The fakes gather when asked; let each peer gather one host candidate after its description.
      gatherNew(fakes.instances);
      await settle();
    }
    const kinds = diagramRows(events(), ['alice', 'bob'])
      .filter((r) => r.status === 'delivered')
      .map((r) => `${r.to}:${r.kind}`);
    expect(kinds).toEqual(
      expect.arrayContaining(['bob:status', 'alice:status', 'bob:offer', 'alice:answer', 'bob:candidate', 'alice:candidate']),
    );
    expect(kinds.indexOf('bob:offer')).toBeLessThan(kinds.indexOf('alice:answer'));
    expect(peerStates(events(), 'alice').signaling).toBe('stable');
    expect(peerStates(events(), 'bob').signaling).toBe('stable');
    await session.close();
  });

  it('vanilla ICE and perfect negotiation reach the peers: two offers, one answer, no candidates, connected', async () => {
    const lab = setup({ iceMode: 'vanilla', glare: 'polite' });
    const { session, settle, fakes } = lab;
    await session.start();
    await settle();
    pairFakes(fakes.instances[0]!, fakes.instances[1]!, { autoConnect: true });
    await stepToEnd(lab, 20);
    const events = session.trace.events;
    const sent = events.flatMap((e) => (e.type === 'published' && e.kind !== 'status' ? [`${e.peer}:${e.kind}`] : []));
    // bob sees alice's (retained) status first, so he offers first; the answer comes last.
    expect(sent).toEqual(['bob:offer', 'alice:offer', 'bob:answer']);
    expect(events.some((e) => e.type === 'api' && e.peer === 'alice' && e.call === 'ignoreOffer')).toBe(true);
    expect(peerStates(events, 'alice').connection).toBe('connected');
    expect(timeToConnected(events)).toMatchObject({ signals: 3 });
    await session.close();
  });

  it('pull the plug: the broker publishes the will, and it waits in the queue like any message', async () => {
    const { session, settle } = setup();
    await session.start();
    await settle();
    session.pullPlug('bob');
    await settle();
    const will = heldMessages(session.trace.events).find((m) => m.will);
    expect(will).toMatchObject({ from: 'bob', to: 'alice', kind: 'status', retain: false, will: true });
    expect(JSON.parse(will!.payload)).toMatchObject({ status: 'offline', reason: 'will' });
    expect(session.trace.events.some((e) => e.type === 'plug-pulled' && e.peer === 'bob')).toBe(true);
    await session.close();
  });

  it('rejects garbage on a peer topic with a reason, and never holds it', async () => {
    const { session, settle, bus } = setup();
    await session.start();
    await settle();
    const evil = bus.connect({ clientId: 'evil' });
    await new Promise<void>((resolve) => evil.on('connect', resolve));
    evil.publish(`${ROOT}/bob/signal`, 'not json', { qos: 1, retain: false });
    evil.publish(`${ROOT}/bob/signal`, JSON.stringify({ v: 1, kind: 'offer', from: 'alice', to: 'bob', session: 'other', mid: 'm1', ts: 1, sdp: 'v=0' }), { qos: 1, retain: false });
    await settle();
    const rejected = session.trace.events.filter((e) => e.type === 'rejected');
    expect(rejected).toHaveLength(2);
    expect(rejected.map((e) => (e.type === 'rejected' ? e.reason : ''))).toEqual([
      expect.stringMatching(/not JSON/),
      expect.stringMatching(/session/),
    ]);
    expect(heldMessages(session.trace.events).every((m) => m.kind === 'status')).toBe(true);
    await session.close();
  });

  it('close clears the retained statuses, so the next session starts clean', async () => {
    const { session, settle, bus } = setup();
    await session.start();
    await settle();
    expect([...bus.retained.keys()].sort()).toEqual([`${ROOT}/alice/status`, `${ROOT}/bob/status`]);
    await session.close();
    await settle();
    expect(bus.retained.size).toBe(0);
  });

  it('a broker that cannot be reached rejects start with its message, traced', async () => {
    const session = new LabSession(
      { broker: 'ws://127.0.0.1:1/', root: ROOT, peers: ['alice', 'bob'] },
      {
        connectBroker: () => Promise.reject(new Error('Could not connect to ws://127.0.0.1:1/')),
        createPeerConnection: fakePeerConnectionFactory().create,
      },
    );
    await expect(session.start()).rejects.toThrow('Could not connect');
    expect(session.trace.events.filter((e) => e.type === 'broker' && e.state === 'error')).toEqual([
      expect.objectContaining({ peer: 'alice', detail: 'Could not connect to ws://127.0.0.1:1/' }),
      expect.objectContaining({ peer: 'bob', detail: 'Could not connect to ws://127.0.0.1:1/' }),
    ]);
    // Both RTCPeerConnections are closed again.
    expect(session.trace.events.filter((e) => e.type === 'state' && e.machine === 'connection' && e.value === 'closed')).toHaveLength(2);
  });

  it('with the real in-page aedes, the late joiner gets the first status exactly once, retained', async () => {
    // aedes sends PUBACK before it forwards; without waiting for the echo, bob's SUBSCRIBE
    // overtook alice's status and he received it twice (live and retained).
    const fakes = fakePeerConnectionFactory();
    const session = new LabSession(
      { broker: 'in-page', root: ROOT, peers: ['alice', 'bob'], session: 's2' },
      { connectBroker, createPeerConnection: fakes.create },
    );
    try {
      await session.start();
      await new Promise((r) => setTimeout(r, 100));
      const held = heldMessages(session.trace.events);
      expect(held.map((m) => [m.kind, m.from, m.to, m.retain])).toEqual([
        ['status', 'alice', 'bob', true],
        ['status', 'bob', 'alice', false],
      ]);
      // The inspector gets the PUBLISH bytes that carried each message.
      expect(held[0]!.packetHex).toMatch(/^3[0-9a-f]/);
      // …and each sender's own PUBLISH, as it wrote it.
      const events = session.trace.events;
      for (const e of events.filter((e) => e.type === 'published')) {
        const sent = publishPacketOf(events, e.i);
        expect(sent?.direction).toBe('out');
        expect(new TextDecoder().decode(readPublish(sent!.bytes)?.payload)).toBe(e.payload);
      }
    } finally {
      await session.close();
      await resetInPageBroker();
    }
  });
});
