/**
 * MqttEndpoint's outbox, over real mqtt.js and a real broker (aedes on a loopback TCP port)
 * that goes away and comes back with nothing: no session, no subscription.
 */
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrokerConnection, ConnectOptions, MqttLike } from '../broker/types';
import { SIGNAL_VERSION, type DirectedSignal } from '../signalling/types';
import type { TraceEventBody } from '../trace/types';
import { MqttEndpoint } from './mqtt-endpoint';

/** A broker on one port that can die (every socket cut, nothing remembered) and come back. */
async function restartableBroker() {
  let aedes: Aedes;
  let server: Server;
  const sockets = new Set<Socket>();
  const listen = async (port = 0): Promise<number> => {
    aedes = await Aedes.createBroker();
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      aedes.handle(socket);
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };
  const port = await listen();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    /** As a crash: sockets destroyed at once, the session state gone. */
    kill(): Promise<void> {
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => aedes.close(() => resolve())));
    },
    start: () => listen(port),
  };
}

function connector(url: string) {
  return async (opts: ConnectOptions): Promise<BrokerConnection> => {
    const client = mqtt.connect(url, { clientId: opts.clientId, protocolVersion: 4, clean: true, reconnectPeriod: 50, will: opts.will });
    await new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('error', reject);
    });
    return {
      client: client as unknown as MqttLike,
      pullPlug: () => void client.end(true),
      close: () => new Promise<void>((resolve) => client.end(true, {}, () => resolve())),
    };
  };
}

const answer = (n: number): DirectedSignal => ({ v: SIGNAL_VERSION, kind: 'answer', from: 'bob', to: 'alice', session: 's', mid: `bob-${n}`, ts: 0, sdp: 'v=0' });

const until = async (check: () => boolean, ms = 5000): Promise<void> => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};

const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function setup() {
  const broker = await restartableBroker();
  const events: TraceEventBody[] = [];
  const bob = new MqttEndpoint({
    peer: 'bob',
    broker: broker.url,
    clientId: 'bob',
    will: { topic: 'lab/bob/status', payload: 'gone', qos: 1, retain: true },
    connectBroker: connector(broker.url),
    emit: (e) => events.push(e),
    onMessage: () => undefined,
  });
  await bob.connect();
  // alice: a plain client that subscribes again whenever it is back, as the lab's do.
  const got: string[] = [];
  const alice = mqtt.connect(broker.url, { clientId: 'alice', reconnectPeriod: 50, resubscribe: false });
  alice.on('message', (_t, payload) => got.push(JSON.parse(payload.toString()).mid));
  const subscribed = () => new Promise<void>((resolve) => alice.subscribe('lab/alice/signal', { qos: 1 }, () => resolve()));
  await new Promise<void>((resolve) => alice.once('connect', () => resolve()));
  await subscribed();
  closers.push(() => broker.kill(), () => bob.close(), () => alice.endAsync(true));
  const types = (kind = 'answer') => events.flatMap((e) => ('kind' in e && e.kind === kind ? [`${e.type}${'fromOutbox' in e && e.fromOutbox ? ' (outbox)' : ''}`] : []));
  return { broker, bob, alice, got, subscribed, events, types };
}

describe('MqttEndpoint outbox', () => {
  it('keeps a signal published while the broker is down and sends it once the recipient is back', async () => {
    const { broker, bob, alice, got, subscribed, events, types } = await setup();
    await broker.kill();
    await until(() => events.some((e) => e.type === 'broker' && e.state === 'lost'));
    expect(bob.publish('lab/alice/signal', answer(1), false)).not.toBeNull();
    expect(events.at(-1)).toEqual({ type: 'queued-offline', peer: 'bob', mid: 'bob-1', kind: 'answer', topic: 'lab/alice/signal', to: 'alice', reason: 'the link to the broker is down' });

    await broker.start();
    await until(() => events.some((e) => e.type === 'broker' && e.state === 'connected' && e.detail === 'reconnected'));
    // Back, but alice has not subscribed again: nothing goes out yet (it would reach nobody).
    await new Promise((r) => setTimeout(r, 200));
    expect(types()).toEqual(['queued-offline']);
    bob.flushOutbox('carol');
    expect(types()).toEqual(['queued-offline']);

    await until(() => alice.connected);
    await subscribed();
    bob.flushOutbox('alice');
    await until(() => got.length === 1);
    expect(got).toEqual(['bob-1']);
    expect(types()).toEqual(['queued-offline', 'published (outbox)']);
    // Sent once: a second flush has nothing left.
    bob.flushOutbox('alice');
    expect(types()).toEqual(['queued-offline', 'published (outbox)']);
  });

  it('takes back a signal written just before the link dropped, with no PUBACK, instead of letting mqtt.js resend it too early', async () => {
    const { broker, bob, alice, got, subscribed, events, types } = await setup();
    bob.publish('lab/alice/signal', answer(2), false);
    // The same tick: no PUBACK can have been read.
    const killed = broker.kill();
    await killed;
    await until(() => events.some((e) => e.type === 'queued-offline'));
    expect(events.find((e) => e.type === 'queued-offline')).toMatchObject({ mid: 'bob-2', reason: 'written just before the link dropped, with no PUBACK' });
    got.length = 0; // it may have reached alice before the broker died: QoS 1 is at least once

    await broker.start();
    await until(() => events.some((e) => e.type === 'broker' && e.state === 'connected' && e.detail === 'reconnected'));
    await until(() => alice.connected);
    await new Promise((r) => setTimeout(r, 200));
    // mqtt.js did not resend it on reconnecting: alice, not yet subscribed again, would have lost it.
    expect(got).toEqual([]);
    await subscribed();
    bob.flushOutbox('alice');
    await until(() => got.length === 1);
    expect(got).toEqual(['bob-2']);
    expect(types()).toEqual(['published', 'queued-offline', 'published (outbox)']);
  });

  it('refuses once the outbox is full, and says so', async () => {
    const { broker, bob, events } = await setup();
    await broker.kill();
    await until(() => events.some((e) => e.type === 'broker' && e.state === 'lost'));
    const { MAX_OUTBOX } = await import('./mqtt-endpoint');
    for (let n = 0; n < MAX_OUTBOX; n++) expect(bob.publish('lab/alice/signal', answer(n), false)).not.toBeNull();
    expect(bob.publish('lab/alice/signal', answer(MAX_OUTBOX), false)).toBeNull();
    expect(events.at(-1)).toMatchObject({ type: 'api', ok: false, detail: `the outbox is full (${MAX_OUTBOX} signals)` });
  });
});
