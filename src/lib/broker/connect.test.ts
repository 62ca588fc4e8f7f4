import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate, parser, type Packet } from 'mqtt-packet';
import { connectBroker, parseBroker, resetInPageBroker } from './connect';
import { MAX_PACKET_BYTES } from './in-page';
import type { BrokerConnection, LastWill, MqttLike, ReceivedPacket, WirePacket } from './types';
import { freePort } from '../../../tests/e2e/support/free-port';
import { findMosquitto, mosquittoConfig } from '../../../tests/e2e/support/mosquitto-config';

const text = (b: Uint8Array): string => new TextDecoder().decode(b);
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const willOf = (root: string, who: string): LastWill => ({
  topic: `${root}/${who}/status`,
  payload: JSON.stringify({ who, status: 'offline', reason: 'will' }),
  qos: 1,
  retain: true,
});

interface Msg {
  topic: string;
  payload: string;
  retain: boolean;
}

/** Collects messages and lets a test wait for the n-th one. */
function inbox(client: MqttLike): { msgs: Msg[]; next(n?: number, ms?: number): Promise<Msg[]> } {
  const msgs: Msg[] = [];
  const waiters: Array<() => void> = [];
  client.on('message', (topic: string, payload: Uint8Array, packet: ReceivedPacket) => {
    msgs.push({ topic, payload: text(payload), retain: packet.retain });
    for (const w of waiters.splice(0)) w();
  });
  return {
    msgs,
    async next(n = msgs.length + 1, ms = 5000) {
      const deadline = Date.now() + ms;
      while (msgs.length < n) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for message ${n}; got ${JSON.stringify(msgs)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
      return msgs;
    },
  };
}

const subscribe = (c: MqttLike, topics: Record<string, { qos: 0 | 1 | 2 }>): Promise<void> =>
  new Promise((resolve, reject) => c.subscribe(topics, (err) => (err ? reject(err) : resolve())));
const publish = (c: MqttLike, topic: string, payload: string, retain = false): Promise<void> =>
  new Promise((resolve, reject) =>
    c.publish(topic, payload, { qos: 1, retain }, (err) => (err ? reject(err) : resolve())),
  );

/** Decodes one framed packet with mqtt-packet's parser. */
function parse(bytes: Uint8Array): Packet {
  const p = parser({ protocolVersion: 4 });
  let out: Packet | undefined;
  p.on('packet', (pk: Packet) => (out = pk));
  p.on('error', (err: Error) => {
    throw err;
  });
  p.parse(Buffer.from(bytes));
  if (!out) throw new Error(`not a whole packet: ${hex(bytes)}`);
  return out;
}

let open: BrokerConnection[] = [];
async function connect(broker: string, who: string, root: string, onPacket?: (p: WirePacket) => void) {
  const conn = await connectBroker({ broker, clientId: `${root}-${who}`, will: willOf(root, who), onPacket });
  open.push(conn);
  return conn;
}

afterEach(async () => {
  await Promise.all(open.map((c) => c.close()));
  open = [];
  await resetInPageBroker();
});

describe('parseBroker', () => {
  it.each([
    ['in-page', 'in-page'],
    ['direct', 'direct'],
    ['ws://127.0.0.1:9001/', 'ws'],
    ['wss://test.mosquitto.org:8081/mqtt', 'ws'],
  ])('%s -> %s', (s, kind) => {
    expect(parseBroker(s).kind).toBe(kind);
  });
  it.each([
    ['mqtt://test.mosquitto.org', /only over WebSockets/],
    ['http://x', /ws:\/\/ or wss:\/\//],
    ['nonsense', /Invalid broker/],
  ])('rejects %s', (s, re) => {
    expect(() => parseBroker(s)).toThrow(re);
  });
});

/** The shared behaviour, run against every broker that is available. */
function brokerSuite(name: string, brokerUrl: () => string | undefined) {
  /** A test on this broker (skipped while there is none), under a topic root of its own. */
  const onBroker = (title: string, rootTag: string, body: (broker: string, root: string) => Promise<void>) =>
    it(title, async (ctx) => {
      const broker = brokerUrl();
      if (!broker) return ctx.skip();
      await body(broker, `t${Date.now()}${rootTag}`);
    });

  describe(name, () => {
    onBroker('connects two clients that subscribe, publish and receive', 'a', async (broker, root) => {
      const alice = await connect(broker, 'alice', root);
      const bob = await connect(broker, 'bob', root);
      expect(alice.client.connected && bob.client.connected).toBe(true);
      const box = inbox(bob.client);
      await subscribe(bob.client, { [`${root}/+/signal`]: { qos: 1 } });
      await publish(alice.client, `${root}/bob/signal`, '{"kind":"offer"}');
      const [m] = await box.next(1);
      expect(m).toEqual({ topic: `${root}/bob/signal`, payload: '{"kind":"offer"}', retain: false });
    });

    onBroker('delivers a retained status to a late subscriber with retain=true', 'b', async (broker, root) => {
      const alice = await connect(broker, 'alice', root);
      await publish(alice.client, `${root}/alice/status`, 'online', true);
      const bob = await connect(broker, 'bob', root);
      const box = inbox(bob.client);
      await subscribe(bob.client, { [`${root}/#`]: { qos: 1 } });
      const [m] = await box.next(1);
      expect(m).toEqual({ topic: `${root}/alice/status`, payload: 'online', retain: true });
      // Tidy up on shared brokers: an empty retained payload deletes it (§3.3.1.3).
      await publish(alice.client, `${root}/alice/status`, '', true);
    });

    onBroker('pullPlug() makes the broker publish the will to the other client; close() does not', 'c', async (broker, root) => {
      const alice = await connect(broker, 'alice', root);
      const carol = await connect(broker, 'carol', root);
      const bob = await connect(broker, 'bob', root);
      const box = inbox(bob.client);
      await subscribe(bob.client, { [`${root}/+/status`]: { qos: 1 } });
      await carol.close();
      alice.pullPlug();
      const [m] = await box.next(1);
      expect(m).toEqual({ topic: `${root}/alice/status`, payload: willOf(root, 'alice').payload, retain: false });
      await new Promise((r) => setTimeout(r, 200));
      expect(box.msgs).toHaveLength(1); // carol's graceful DISCONNECT discarded her will (§3.14.4)
      await publish(bob.client, `${root}/alice/status`, '', true);
      await alice.close(); // after pullPlug, close() still resolves
    });

    onBroker('reports CONNECT, CONNACK, SUBSCRIBE, PUBLISH … with bytes equal to generate()', 'd', async (broker, root) => {
      const seen: WirePacket[] = [];
      const alice = await connect(broker, 'alice', root, (p) => seen.push(p));
      await subscribe(alice.client, { [`${root}/alice/signal`]: { qos: 1 } });
      const box = inbox(alice.client);
      await publish(alice.client, `${root}/alice/signal`, 'x'.repeat(300)); // 2-byte length
      await box.next(1);
      await alice.close();
      await new Promise((r) => setTimeout(r, 50));

      const kinds = seen.map((p) => `${p.direction} ${p.type}`);
      expect(kinds.slice(0, 2)).toEqual(['out CONNECT', 'in CONNACK']);
      for (const k of ['out SUBSCRIBE', 'in SUBACK', 'out PUBLISH', 'in PUBACK', 'in PUBLISH', 'out PUBACK']) {
        expect(kinds).toContain(k);
      }
      expect(kinds.at(-1)).toBe('out DISCONNECT');
      for (const p of seen) {
        const decoded = parse(p.bytes);
        expect(decoded.cmd.toUpperCase()).toBe(p.type);
        expect(hex(generate(decoded))).toBe(hex(p.bytes));
        expect(typeof p.at).toBe('number');
      }
      const connectPacket = parse(seen[0]!.bytes) as Packet & { cmd: 'connect' };
      expect(connectPacket).toMatchObject({
        protocolVersion: 4,
        clean: true,
        keepalive: 30,
        clientId: `${root}-alice`,
        will: { topic: `${root}/alice/status`, qos: 1, retain: true },
      });
      const published = seen.find((p) => p.direction === 'out' && p.type === 'PUBLISH')!;
      expect(hex(published.bytes)).toBe(
        hex(
          generate({
            cmd: 'publish',
            topic: `${root}/alice/signal`,
            payload: Buffer.from('x'.repeat(300)),
            qos: 1,
            retain: false,
            dup: false,
            messageId: (parse(published.bytes) as Packet & { messageId: number }).messageId,
          }),
        ),
      );
    });
  });
}

brokerSuite('in-page aedes', () => 'in-page');

describe('in-page aedes specifics', () => {
  it('closes the connection of a client that sends a packet over the size limit; others carry on', async () => {
    const root = `t${Date.now()}big`;
    const a = await connect('in-page', 'a', root);
    const b = await connect('in-page', 'b', root);
    const box = inbox(b.client);
    await subscribe(b.client, { [`${root}/#`]: { qos: 1 } });
    // Just over the signal payload limit still passes: the lab rejects it with its reason.
    await publish(a.client, `${root}/a/signal`, 'x'.repeat(MAX_PACKET_BYTES / 2 + 10));
    await box.next(1);
    const closed = new Promise<void>((resolve) => a.client.on('close', () => resolve()));
    const errors: string[] = [];
    a.client.on('error', (err: Error) => errors.push(err.message));
    a.client.publish(`${root}/a/signal`, 'y'.repeat(MAX_PACKET_BYTES), { qos: 1, retain: false });
    await closed;
    // Closed without DISCONNECT, so the broker publishes a's will (MQTT 3.1.1 §3.1.2.5); the big message never arrives.
    const msgs = await box.next(2);
    expect(msgs.map((m) => [m.topic, m.payload.length])).toEqual([
      [`${root}/a/signal`, MAX_PACKET_BYTES / 2 + 10],
      [`${root}/a/status`, willOf(root, 'a').payload.length],
    ]);
    await publish(b.client, `${root}/b/signal`, 'still up');
    expect((await box.next(3))[2]).toMatchObject({ payload: 'still up' });
  });

  it('shares one broker between clients and forgets retained messages on reset', async () => {
    const root = `t${Date.now()}r`;
    const a = await connect('in-page', 'a', root);
    await publish(a.client, `${root}/a/status`, 'online', true);
    await a.close();
    await resetInPageBroker();
    const b = await connect('in-page', 'b', root);
    const box = inbox(b.client);
    await subscribe(b.client, { [`${root}/#`]: { qos: 1 } });
    await new Promise((r) => setTimeout(r, 150));
    expect(box.msgs).toEqual([]);
  });
});

describe('direct bus through connectBroker', () => {
  it('connects, delivers retained with retain=true, and fires the will on pullPlug', async () => {
    const root = `t${Date.now()}x`;
    const alice = await connect('direct', 'alice', root);
    await publish(alice.client, `${root}/alice/status`, 'online', true);
    const bob = await connect('direct', 'bob', root);
    const box = inbox(bob.client);
    await subscribe(bob.client, { [`${root}/+/status`]: { qos: 1 } });
    await box.next(1);
    alice.pullPlug();
    await box.next(2);
    expect(box.msgs).toEqual([
      { topic: `${root}/alice/status`, payload: 'online', retain: true },
      { topic: `${root}/alice/status`, payload: willOf(root, 'alice').payload, retain: false },
    ]);
  });
});

describe('ws:// failures', () => {
  it('rejects with a clear message, well within 10 s, for a closed port', async () => {
    const port = await freePort();
    const started = Date.now();
    await expect(
      connectBroker({ broker: `ws://127.0.0.1:${port}/`, clientId: 'x', will: willOf('r', 'x') }),
    ).rejects.toThrow(`Could not connect to ws://127.0.0.1:${port}/: connection refused or timed out`);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('rejects on connectTimeoutMs when the server never answers, and then stops retrying', async () => {
    // A TCP server that accepts and says nothing: the WebSocket handshake hangs.
    let attempts = 0;
    const sockets = new Set<import('node:net').Socket>();
    const srv: Server = createServer((s) => {
      attempts++;
      sockets.add(s);
      s.on('error', () => {});
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const port = (srv.address() as { port: number }).port;
    try {
      const started = Date.now();
      await expect(
        connectBroker({
          broker: `ws://127.0.0.1:${port}/mqtt`,
          clientId: 'x',
          will: willOf('r', 'x'),
          connectTimeoutMs: 1500,
        }),
      ).rejects.toThrow(/Could not connect to ws:\/\/127\.0\.0\.1:\d+\/mqtt: connection refused or timed out/);
      const took = Date.now() - started;
      expect(took).toBeGreaterThanOrEqual(1400);
      expect(took).toBeLessThan(5000);
      // Node's WebSocket (undici) may open one more socket while it aborts the handshake;
      // mqtt.js retrying would show up as new sockets every 1000 ms after that.
      await new Promise((r) => setTimeout(r, 300));
      const after = attempts;
      await new Promise((r) => setTimeout(r, 2500));
      expect(attempts).toBe(after);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((r) => srv.close(r));
    }
  });
});

// mosquitto with a WebSocket listener, when installed (apt-get install mosquitto).
const MOSQUITTO = findMosquitto();
let mosquittoUrl: string | undefined;
let mosquitto: ChildProcess | undefined;
let mosquittoConf: string | undefined;
let mosquittoDir: string | undefined;

/** Starts mosquitto with `conf` and resolves once a client gets a CONNACK at `url`. */
async function startMosquitto(conf: string, url: string): Promise<ChildProcess> {
  const proc = spawn(MOSQUITTO!, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  proc.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      const probe = await connectBroker({ broker: url, clientId: 'probe', will: willOf('p', 'p'), connectTimeoutMs: 1000 });
      await probe.close();
      return proc;
    } catch (err) {
      if (Date.now() > deadline || proc.exitCode !== null) {
        proc.kill('SIGTERM');
        throw new Error(`mosquitto did not start: ${String(err)}\n${log}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

async function stopMosquitto(): Promise<void> {
  const proc = mosquitto;
  mosquitto = undefined;
  if (!proc || proc.exitCode !== null) return;
  const exited = new Promise((r) => proc.once('exit', r));
  proc.kill('SIGTERM');
  await exited;
}

describe('mosquitto over ws://', () => {
  it.skipIf(!MOSQUITTO)(`starts ${MOSQUITTO ?? 'mosquitto'} on a free 127.0.0.1 port`, async () => {
    mosquittoDir = mkdtempSync(join(tmpdir(), 'mosq-'));
    const [mqttPort, wsPort] = [await freePort(), await freePort()];
    mosquittoConf = join(mosquittoDir, 'mosquitto.conf');
    writeFileSync(mosquittoConf, mosquittoConfig(mqttPort, wsPort));
    const url = `ws://127.0.0.1:${wsPort}/`;
    mosquitto = await startMosquitto(mosquittoConf, url);
    mosquittoUrl = url;
  });

  if (!MOSQUITTO) {
    it.skip('mosquitto not found: install it (apt-get install mosquitto) or set MOSQUITTO_PATH', () => {});
  }
});

brokerSuite('mosquitto over ws://', () => mosquittoUrl);

describe('mosquitto: a dropped connection', () => {
  it('goes offline, reconnects about every second once the broker is back, and resubscribes', async (ctx) => {
    if (!mosquittoUrl || !mosquittoConf) return ctx.skip();
    const root = `t${Date.now()}z`;
    const bob = await connect(mosquittoUrl, 'bob', root);
    const box = inbox(bob.client);
    await subscribe(bob.client, { [`${root}/+/signal`]: { qos: 1 } });
    const events: string[] = [];
    for (const e of ['close', 'offline', 'reconnect'] as const) bob.client.on(e, () => events.push(e));
    bob.client.on('connect', () => events.push('connect'));

    await stopMosquitto();
    await new Promise((r) => setTimeout(r, 1500)); // at least one failed reconnect attempt
    expect(events).toEqual(expect.arrayContaining(['close', 'offline', 'reconnect']));
    expect(events).not.toContain('connect');
    expect(bob.client.connected).toBe(false);

    mosquitto = await startMosquitto(mosquittoConf, mosquittoUrl);
    const deadline = Date.now() + 5000;
    while (!events.includes('connect') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(events).toContain('connect');
    expect(bob.client.connected).toBe(true);

    // clean: true lost the session, but mqtt.js resubscribes after reconnecting.
    const alice = await connect(mosquittoUrl, 'alice', root);
    await new Promise((r) => setTimeout(r, 100));
    await publish(alice.client, `${root}/bob/signal`, 'again');
    const [m] = await box.next(1);
    expect(m?.payload).toBe('again');
  }, 20_000);
});

afterAll(async () => {
  await stopMosquitto();
  if (mosquittoDir) rmSync(mosquittoDir, { recursive: true, force: true });
});
