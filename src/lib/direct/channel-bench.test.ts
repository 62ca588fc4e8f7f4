import { describe, expect, it } from 'vitest';
import { FakePeerConnection, pairFakes } from '../testing/fake-peer-connection';
import { ChannelBench } from './channel-bench';
import type { ChannelOptions } from './channels';

/** Two fakes that gather a host candidate each and connect like two browsers on loopback. */
function fakes(): { create: (c: RTCConfiguration) => RTCPeerConnection; made: FakePeerConnection[] } {
  const made: FakePeerConnection[] = [];
  return {
    made,
    create: (config) => {
      const pc = new FakePeerConnection(config);
      pc.onLocalDescriptionApplied = (p) => queueMicrotask(() => p.gather());
      made.push(pc);
      if (made.length === 2) pairFakes(made[0]!, made[1]!, { autoConnect: true });
      return pc as unknown as RTCPeerConnection;
    },
  };
}

const opts = (o: Partial<ChannelOptions> = {}): ChannelOptions => ({ label: 'x', ordered: true, reliability: 'reliable', limit: 0, negotiated: false, id: 0, ...o });

async function ready(): Promise<ChannelBench> {
  const f = fakes();
  const bench = new ChannelBench({ createPeerConnection: f.create, timeoutMs: 500, settleMs: 5 });
  await bench.start();
  expect(bench.error).toBeNull();
  expect(bench.state).toBe('ready');
  return bench;
}

describe('ChannelBench', () => {
  it('connects in the page with alice’s "chat", announced to bob, and reads both DTLS roles', async () => {
    const bench = await ready();
    expect(bench.roles).toEqual({ alice: 'server', bob: 'client' });
    const [chat] = bench.rows;
    expect(chat).toMatchObject({ n: 1, label: 'chat', from: 'alice', announced: true, parity: true, error: null });
    expect(chat!.own!.id).toBe(1);
    expect(chat!.far!.id).toBe(1);
    expect(chat!.dcep![0]).toBe(0x03);
  });

  it('a channel from bob, the DTLS client, takes an even id; the far end learns its options by DCEP', async () => {
    const bench = await ready();
    const row = (await bench.open('bob', opts({ label: 'fast', ordered: false, reliability: 'retransmits', limit: 0 })))!;
    expect(row.error).toBeNull();
    expect(row.announced).toBe(true);
    expect(row.own!.id! % 2).toBe(0);
    expect(row.parity).toBe(true);
    expect(row.far).toEqual({ id: row.own!.id, ordered: false, maxRetransmits: 0, maxPacketLifeTime: null, negotiated: false });
    expect(row.dcep![1]).toBe(0x81);
  });

  it('alice’s next channel takes the next odd id', async () => {
    const bench = await ready();
    const row = (await bench.open('alice', opts({ reliability: 'lifetime', limit: 300 })))!;
    expect(row.own!.id).toBe(3);
    expect(row.far!.maxPacketLifeTime).toBe(300);
  });

  it('a negotiated channel: both sides create it with the id, nothing is announced, no parity rule', async () => {
    const bench = await ready();
    const row = (await bench.open('alice', opts({ label: 'godot', negotiated: true, id: 2 })))!;
    expect(row).toMatchObject({ announced: false, parity: null, dcep: null, error: null });
    expect(row.own).toMatchObject({ id: 2, negotiated: true });
    expect(row.far).toMatchObject({ id: 2, negotiated: true });
  });

  it('a negotiated id already in use is refused, as Chromium refuses it', async () => {
    const bench = await ready();
    const row = (await bench.open('bob', opts({ negotiated: true, id: 1 })))!;
    expect(row.error).toMatch(/^createDataChannel\(\) threw OperationError/);
    expect(row.own).toBeNull();
  });

  it('options createDataChannel() would refuse are explained without calling it', async () => {
    const bench = await ready();
    const row = (await bench.open('alice', opts({ negotiated: true, id: 65535 })))!;
    expect(row.error).toMatch(/65534/);
    expect(bench.rows).toHaveLength(2);
  });

  it('after close() it opens nothing more', async () => {
    const bench = await ready();
    bench.close();
    expect(await bench.open('alice', opts())).toBeNull();
    expect(bench.state).toBe('closed');
  });
});
