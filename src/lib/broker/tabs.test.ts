/**
 * The tabs broker: a TabsHub (the SharedWorker's side) and TabsClients (one per tab) over real
 * MessageChannels, with a fake Web Locks manager that "closes a tab" by releasing its locks.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { TabsHub, connectTabs, type LocksLike, type PortLike } from './tabs';
import type { BrokerConnection } from './types';

/** Exclusive locks by name, granted in request order; each tab's locks can be dropped at once. */
class FakeLocks {
  private readonly queues = new Map<string, Array<{ owner: string; run: () => void }>>();
  private readonly releases = new Map<string, () => void>();

  for(owner: string): LocksLike {
    return {
      request: (name, callback) =>
        new Promise((resolve) => {
          const run = () => {
            const done = (value: unknown) => {
              this.releases.delete(`${owner}:${name}`);
              const q = this.queues.get(name)!;
              q.shift();
              resolve(value);
              q[0]?.run();
            };
            let settled = false;
            this.releases.set(`${owner}:${name}`, () => !settled && ((settled = true), done(undefined)));
            void Promise.resolve(callback()).then((v) => !settled && ((settled = true), done(v)));
          };
          const q = this.queues.get(name) ?? [];
          this.queues.set(name, q);
          q.push({ owner, run });
          if (q.length === 1) run();
        }),
    };
  }

  /** The browser releases every lock a closed tab held. */
  closeTab(owner: string): void {
    for (const [key, release] of [...this.releases]) if (key.startsWith(`${owner}:`)) release();
  }
}

const ports: MessagePort[] = [];
afterEach(() => {
  for (const p of ports.splice(0)) p.close();
});

function setup() {
  const locks = new FakeLocks();
  const hub = new TabsHub({ locks: locks.for('worker') });
  const tab = async (name: string, clientId = name): Promise<{ conn: BrokerConnection; seen: string[] }> => {
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    hub.attach(port2 as unknown as PortLike);
    const conn = await connectTabs(
      { clientId, will: { topic: `r/${name}/status`, payload: 'offline', qos: 1, retain: true } },
      { port: port1 as unknown as PortLike, locks: locks.for(name) },
    );
    const seen: string[] = [];
    conn.client.on('message', (topic, payload, packet) => seen.push(`${topic}=${new TextDecoder().decode(payload)}${packet.retain ? ' (retained)' : ''}`));
    return { conn, seen };
  };
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      await hub.bus.settled();
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return { hub, locks, tab, settle };
}

function subscribe(conn: BrokerConnection, filter: string): Promise<void> {
  return new Promise((resolve, reject) => conn.client.subscribe({ [filter]: { qos: 1 } }, (err) => (err ? reject(err) : resolve())));
}

describe('tabs broker', () => {
  it('delivers retained messages to a later tab, and publishes the will when a tab closes', async () => {
    const { tab, locks, settle } = setup();
    const a = await tab('a');
    a.conn.client.publish('r/a/status', 'online', { qos: 1, retain: true });
    const b = await tab('b');
    await subscribe(b.conn, 'r/+/status');
    await settle();
    expect(b.seen).toEqual(['r/a/status=online (retained)']);
    locks.closeTab('a');
    await settle();
    expect(b.seen.at(-1)).toBe('r/a/status=offline');
  });

  it('a graceful end fires no will, even when the lock is released afterwards', async () => {
    const { tab, locks, settle } = setup();
    const a = await tab('a');
    const b = await tab('b');
    await subscribe(b.conn, 'r/+/status');
    await a.conn.close();
    locks.closeTab('a');
    await settle();
    expect(b.seen).toEqual([]);
  });

  it('pull the plug (an unclean end) fires the will', async () => {
    const { tab, settle } = setup();
    const a = await tab('a');
    const b = await tab('b');
    await subscribe(b.conn, 'r/+/status');
    a.conn.pullPlug();
    await settle();
    expect(b.seen).toEqual(['r/a/status=offline']);
  });
});
