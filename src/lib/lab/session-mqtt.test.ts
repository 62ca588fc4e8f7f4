/**
 * LabSession in the MQTT chapter's mode: no WebRTC, chat over MQTT with a chosen QoS, and
 * the silent plug pull that waits out the keep-alive.
 */
import { describe, expect, it } from 'vitest';
import { LabSession } from './session';
import type { BrokerConnection } from '../broker/types';
import { connectBroker, resetInPageBroker } from '../broker/connect';
import { directLab } from './fixtures';
import { heldMessages } from '../trace/selectors';
import { silentPlugs } from '../mqtt/keepalive';
import { qosHandshake } from '../mqtt/handshake';
import { exportTrace, parseTraceJson } from '../trace/export';
import { packetsOf } from '../trace/packets';
import { bytesToHex } from '../bytes/hex';
import { KEEP } from '../signalling/keep-limits';

const ROOT = 'webrtc-lab/mqtt-only';

/** Fails the test if anything tries to create an RTCPeerConnection. */
const noPeerConnection = (): RTCPeerConnection => {
  throw new Error('RTCPeerConnection created in a webrtc:false session');
};

const directSetup = () =>
  directLab({ root: ROOT, webrtc: false, subscribeQos: 2 }, { createPeerConnection: noPeerConnection });

/** Polls (without fake timers: aedes runs real ones) until `check` is true or the bound passes. */
async function until(check: () => boolean, boundMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > boundMs) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('LabSession with webrtc: false', () => {
  it('creates no RTCPeerConnection, yet holds and delivers statuses and records presence', async () => {
    const { session, settle } = directSetup();
    await session.start();
    await settle();
    expect(heldMessages(session.trace.events).map((m) => [m.kind, m.from, m.to, m.retain])).toEqual([
      ['status', 'alice', 'bob', true],
      ['status', 'bob', 'alice', false],
    ]);
    session.step();
    session.step();
    const events = session.trace.events;
    expect(events.filter((e) => e.type === 'delivered')).toHaveLength(2);
    expect(events.filter((e) => e.type === 'remote-status')).toEqual([
      expect.objectContaining({ peer: 'bob', of: 'alice', status: 'online', will: false }),
      expect.objectContaining({ peer: 'alice', of: 'bob', status: 'online', will: false }),
    ]);
    // No peer-connection activity at all: no states, no API calls, nothing offered.
    expect(events.some((e) => e.type === 'state' || e.type === 'api' || e.type === 'candidate-gathered')).toBe(false);
    expect(events.some((e) => e.type === 'published' && e.kind === 'offer')).toBe(false);
    await expect(session.statsOf('alice')).resolves.toEqual([]);
    expect(session.sendChat('alice', 'hi')).toBe(false);
    await session.close();
  });

  it.each([0, 1, 2] as const)('publishChat with QoS %i: traced, held for the other peer, delivered on Step', async (qos) => {
    const { session, settle } = directSetup();
    await session.start();
    await settle();
    session.step();
    session.step();
    expect(session.publishChat('alice', 'hello <b>bob</b>', { qos, retain: false })).toBe(true);
    await settle();
    const published = session.trace.events.find((e) => e.type === 'published' && e.kind === 'chat');
    expect(published).toMatchObject({ peer: 'alice', topic: `${ROOT}/bob/signal`, qos, retain: false });
    const held = heldMessages(session.trace.events);
    expect(held).toHaveLength(1);
    expect(held[0]).toMatchObject({ kind: 'chat', from: 'alice', to: 'bob', qos, retain: false });
    expect(JSON.parse(held[0]!.payload)).toMatchObject({ kind: 'chat', to: 'bob', text: 'hello <b>bob</b>' });
    session.step();
    expect(heldMessages(session.trace.events)).toHaveLength(0);
    expect(session.trace.events.at(-1)).toMatchObject({ type: 'delivered', to: 'bob' });
    await session.close();
  });

  it('a retained chat is cleared again on close', async () => {
    const { session, settle, bus } = directSetup();
    await session.start();
    await settle();
    session.publishChat('bob', 'kept', { qos: 1, retain: true });
    await settle();
    expect(bus.retained.has(`${ROOT}/alice/signal`)).toBe(true);
    await session.close();
    await settle();
    expect(bus.retained.size).toBe(0);
  });

  it('refuses to publish for an unknown or unplugged peer', async () => {
    const { session, settle } = directSetup();
    await session.start();
    await settle();
    expect(session.publishChat('carol', 'x', { qos: 1, retain: false })).toBe(false);
    session.pullPlug('bob');
    expect(session.publishChat('bob', 'x', { qos: 1, retain: false })).toBe(false);
    await session.close();
  });

  it('a transport without keep-alive (the direct bus) falls back to the immediate pull', async () => {
    const { session, settle } = directSetup();
    await session.start();
    await settle();
    session.pullPlug('bob', { silent: true });
    await settle();
    expect(session.trace.events.find((e) => e.type === 'plug-pulled')).not.toHaveProperty('keepaliveS');
    expect(heldMessages(session.trace.events).some((m) => m.will && m.from === 'bob')).toBe(true);
    await session.close();
  });
});

describe('LabSession over the real in-page aedes (MQTT only)', () => {
  /**
   * Starts a lab on the in-page broker and runs `body` on it (with bob's and alice's broker
   * connections); then closes the lab and resets the broker, pass or fail.
   */
  async function startedInPage(session: string, keepaliveS: number, body: (lab: LabSession, conns: Map<string, BrokerConnection>) => Promise<void>) {
    const conns = new Map<string, BrokerConnection>();
    const lab = new LabSession(
      { broker: 'in-page', root: ROOT, peers: ['alice', 'bob'], session, webrtc: false, keepaliveS, subscribeQos: 2 },
      {
        connectBroker: async (opts) => {
          const conn = await connectBroker(opts);
          conns.set(opts.clientId.endsWith('-bob') ? 'bob' : 'alice', conn);
          return conn;
        },
        createPeerConnection: noPeerConnection,
      },
    );
    try {
      await lab.start();
      await body(lab, conns);
    } finally {
      await lab.close();
      await resetInPageBroker();
    }
  }

  it('a QoS 2 chat crosses the wire as PUBLISH, PUBREC, PUBREL, PUBCOMP on both hops', async () => {
    await startedInPage('q2', 30, async (lab) => {
      lab.publishChat('alice', 'exactly once', { qos: 2, retain: false });
      await until(() => heldMessages(lab.trace.events).some((m) => m.kind === 'chat'));
      const chat = heldMessages(lab.trace.events).find((m) => m.kind === 'chat')!;
      expect(chat.qos).toBe(2);
      // The held message points at the PUBLISH that carried it, QoS 2 (0x34).
      expect(chat.packetHex).toMatch(/^34/);
      const published = lab.trace.events.find((e) => e.type === 'published' && e.kind === 'chat')!;
      if (published.type !== 'published') throw new Error('unreachable');
      const handshake = () =>
        qosHandshake({
          sender: { id: 'alice', packets: lab.packetsOf('alice') },
          receiver: { id: 'bob', packets: lab.packetsOf('bob') },
          topic: published.topic,
          payload: published.payload,
        });
      await until(() => [handshake().send, handshake().deliver].every((l) => l?.steps.every((s) => s.seen)));
      const h = handshake();
      expect(h.send!.steps.map((s) => `${s.from}>${s.to} ${s.type}`)).toEqual([
        'alice>broker PUBLISH',
        'broker>alice PUBREC',
        'alice>broker PUBREL',
        'broker>alice PUBCOMP',
      ]);
      expect(h.deliver!.steps.map((s) => `${s.from}>${s.to} ${s.type}`)).toEqual([
        'broker>bob PUBLISH',
        'bob>broker PUBREC',
        'broker>bob PUBREL',
        'bob>broker PUBCOMP',
      ]);
    });
  });

  it('silent plug: nothing more leaves bob, mqtt.js stops its keep-alive, and the will comes after 1.5 × keep-alive', async () => {
    await startedInPage('silent', 1, async (lab, conns) => {
      const bobPackets = () => lab.packetsOf('bob').length;
      lab.pullPlug('bob', { silent: true });
      const before = bobPackets();
      const bob = conns.get('bob')!.client as unknown as { connected: boolean; keepaliveManager: unknown };
      // The socket stays open and mqtt.js's own keep-alive (which would close it) is gone.
      expect(bob.connected).toBe(true);
      expect(bob.keepaliveManager).toBeNull();
      const pulled = lab.trace.events.find((e) => e.type === 'plug-pulled');
      expect(pulled).toMatchObject({ peer: 'bob', keepaliveS: 1 });

      await until(() => heldMessages(lab.trace.events).some((m) => m.will && m.from === 'bob'));
      const [plug] = silentPlugs(lab.trace.events);
      expect(plug!.will).toMatchObject({ from: 'bob', to: 'alice', kind: 'status', will: true });
      // aedes waits 1.5 × 1 s after bob's last packet (§3.1.2.10), never less.
      expect(plug!.will!.at - plug!.lastSentAt).toBeGreaterThanOrEqual(1400);
      // Bob sent nothing meanwhile (no PINGREQ) and "heard" nothing.
      expect(bobPackets()).toBe(before);
    });
  });

  it('every packet is a trace event: an exported trace replays them byte for byte, in order', async () => {
    await startedInPage('packets', 30, async (lab) => {
      lab.publishChat('alice', 'on the wire', { qos: 1, retain: false });
      await until(() => heldMessages(lab.trace.events).some((m) => m.kind === 'chat'));
      const live = { alice: lab.packetsOf('alice'), bob: lab.packetsOf('bob') };
      expect(live.alice.map((p) => p.type).slice(0, 2)).toEqual(['CONNECT', 'CONNACK']);
      expect(live.bob.filter((p) => p.type === 'PUBLISH' && p.direction === 'in').length).toBeGreaterThanOrEqual(2);
      const parsed = parseTraceJson(exportTrace(lab.trace));
      if (!parsed.ok) throw new Error(parsed.reason);
      for (const peer of ['alice', 'bob'] as const) {
        const replayed = packetsOf(parsed.events, peer);
        expect(replayed.map((p) => [p.direction, p.type, Array.from(p.bytes)])).toEqual(live[peer].map((p) => [p.direction, p.type, Array.from(p.bytes)]));
      }
      // The held chat's own PUBLISH is among bob's packets.
      const chat = heldMessages(parsed.events).find((m) => m.kind === 'chat')!;
      expect(packetsOf(parsed.events, 'bob').some((p) => bytesToHex(p.bytes, '') === chat.packetHex)).toBe(true);
    });
  });

  it('keeps at most KEEP.packetsPerClient packets per client, however many cross the wire', async () => {
    await startedInPage('cap', 30, async (lab) => {
      const chats = Math.ceil(KEEP.packetsPerClient / 2) + 10;
      for (let k = 0; k < chats; k++) lab.publishChat('alice', `n${k}`, { qos: 1, retain: false });
      await until(() => heldMessages(lab.trace.events).filter((m) => m.kind === 'chat').length + countDropped(lab) >= chats, 30_000);
      expect(lab.packetsOf('alice').length).toBe(KEEP.packetsPerClient);
    });
  });

  it('keeps at most KEEP.packetBytesPerClient bytes of packets per client; past it each keeps its head and its full size', async () => {
    await startedInPage('bytes', 30, async (lab) => {
      const big = 'x'.repeat(60_000);
      const chats = Math.ceil(KEEP.packetBytesPerClient / big.length) + 8;
      for (let k = 0; k < chats; k++) lab.publishChat('alice', big, { qos: 1, retain: false });
      await until(() => lab.packetsOf('alice').filter((p) => p.type === 'PUBLISH' && p.direction === 'out').length >= chats, 30_000);
      const sent = lab.packetsOf('alice');
      const kept = sent.reduce((n, p) => n + p.bytes.length, 0);
      expect(kept).toBeLessThanOrEqual(KEEP.packetBytesPerClient + sent.length * KEEP.packetHeadBytes);
      const cut = sent.filter((p) => p.truncated);
      expect(cut.length).toBeGreaterThan(0);
      // The one that crossed the line keeps what was left; every later one its head.
      for (const p of cut.slice(1)) expect(p.bytes.length).toBe(KEEP.packetHeadBytes);
      for (const p of cut) expect(p.size).toBeGreaterThan(60_000);
    });
  });

  it('an oversized PUBLISH keeps its header and KEEP.oversizePayloadBytes, its refusal a preview; the next message still finds its own PUBLISH', async () => {
    await startedInPage('oversized', 30, async (lab, conns) => {
      // Over the 64 KiB signal limit, under aedes's own packet limit here (128 KiB).
      const junk = `{"v":1,"kind":"chat","text":"${'x'.repeat(100_000)}"}`;
      conns.get('alice')!.client.publish(`${ROOT}/bob/signal`, junk, { qos: 1, retain: false });
      lab.publishChat('alice', 'after the junk', { qos: 1, retain: false });
      await until(() => heldMessages(lab.trace.events).some((m) => m.kind === 'chat'));
      const rejected = lab.trace.events.find((e) => e.type === 'rejected' && e.to === 'bob');
      expect(rejected).toMatchObject({ bytes: junk.length, reason: `payload is ${junk.length} bytes, over the 65536-byte limit` });
      if (rejected?.type !== 'rejected') throw new Error('unreachable');
      expect(rejected.preview).toHaveLength(KEEP.previewChars + 1);
      expect(rejected.preview.endsWith('…')).toBe(true);
      const big = lab.packetsOf('bob').find((p) => p.type === 'PUBLISH' && p.direction === 'in' && p.size > junk.length)!;
      expect(big.truncated).toBe(true);
      expect(big.bytes.length).toBe(big.size - junk.length + KEEP.oversizePayloadBytes);
      // The chat's held message points at its own PUBLISH, not at the junk before it.
      const chat = heldMessages(lab.trace.events).find((m) => m.kind === 'chat')!;
      expect(lab.packetsOf('bob').some((p) => !p.truncated && bytesToHex(p.bytes, '') === chat.packetHex)).toBe(true);
    });
  });
});

/** Chats the flood gate summed instead of holding. */
function countDropped(lab: LabSession): number {
  return lab.trace.events.reduce((n, e) => n + (e.type === 'rejected' ? (e.dropped ?? 0) : 0), 0);
}
