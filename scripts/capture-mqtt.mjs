#!/usr/bin/env node
// @ts-check
/**
 * Records the raw bytes of a scripted MQTT session like the lab's, for the packet annotator's
 * tests (src/lib/mqtt/annotate.test.ts). Writes tests/fixtures/mqtt/<name>.json.
 *
 *   node scripts/capture-mqtt.mjs                 # aedes in this process (the lab's broker)
 *   node scripts/capture-mqtt.mjs --mosquitto     # a throwaway mosquitto, MQTT 3.1.1
 *   node scripts/capture-mqtt.mjs --mosquitto --v5  # the same, MQTT 5.0
 *
 * aedes: each mqtt.js client talks to aedes.handle() over an in-memory duplex pair, as in
 * src/lib/broker/in-page.ts. mosquitto: each client connects through a TCP relay that copies
 * every byte both ways. Either way the taps see the exact bytes written, which are split
 * into whole packets by the remaining length (MQTT 3.1.1 §2.2.3) and stored as hex.
 * Math.random is seeded, so mqtt.js's and aedes's packet identifiers are the same on every
 * run; a re-capture only changes the "at" times unless a library changed its bytes.
 */
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(ROOT_DIR, 'tests/fixtures/mqtt');

const args = new Set(process.argv.slice(2));
const useMosquitto = args.has('--mosquitto');
const protocolVersion = args.has('--v5') ? 5 : 4;
if (protocolVersion === 5 && !useMosquitto) throw new Error('aedes speaks MQTT 3.1.1 only; use --mosquitto --v5');

// Deterministic packet ids: mqtt.js and aedes both draw their first id from Math.random.
let seed = 0x5eed1ab;
Math.random = () => {
  // mulberry32
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const SESSION = 'q7m2xk';
const ROOT = 'webrtc-lab/fx7k2m9q';
const T0 = 1767225600000; // 2026-01-01T00:00:00Z, a fixed "ts" inside the JSON signals
const statusTopic = (/** @type {string} */ peer) => `${ROOT}/${peer}/status`;
const signalTopic = (/** @type {string} */ peer) => `${ROOT}/${peer}/signal`;
let mid = 0;
/** A status signal shaped like the lab's (src/lib/signalling/types.ts). */
function status(/** @type {string} */ from, /** @type {'online'|'offline'} */ st, /** @type {string | undefined} */ reason = undefined) {
  mid += 1;
  const signal = { v: 1, kind: 'status', from, session: SESSION, mid: `${from}-${mid}-k3v9`, ts: T0 + mid * 250, status: st };
  return JSON.stringify(reason ? { ...signal, reason } : signal);
}
const OFFER_SDP = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=-',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=extmap-allow-mixed',
  'a=msid-semantic: WMS',
  'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
  'c=IN IP4 0.0.0.0',
  'a=ice-ufrag:Xk3d',
  'a=ice-pwd:8sWq1TgM2yQ0bN5cV7zL4pR6',
  'a=ice-options:trickle',
  'a=fingerprint:sha-256 9A:1E:4C:2B:7D:33:80:F1:0E:5A:6B:C2:D4:19:77:AB:3C:E0:58:21:9F:0D:B6:4A:12:8E:C7:F3:65:2D:90:1B',
  'a=setup:actpass',
  'a=mid:0',
  'a=sctp-port:5000',
  'a=max-message-size:262144',
  '',
].join('\r\n');

/** @typedef {{ step: string, client: string, direction: 'out' | 'in', bytes: Uint8Array, at: number }} Captured */
/** @type {Captured[]} */
const captured = [];
let step = 'start';
const started = Date.now();

/** Splits one direction's byte stream into whole packets (§2.2.3) and records them. */
function tap(/** @type {string} */ client, /** @type {'out'|'in'} */ direction) {
  let buf = new Uint8Array(0);
  return (/** @type {Uint8Array} */ chunk) => {
    const next = new Uint8Array(buf.length + chunk.length);
    next.set(buf);
    next.set(chunk, buf.length);
    buf = next;
    for (;;) {
      if (buf.length < 2) return;
      let value = 0;
      let mult = 1;
      let i = 1;
      for (; i <= 4; i++) {
        if (i >= buf.length) return;
        value += (buf[i] & 0x7f) * mult;
        if ((buf[i] & 0x80) === 0) break;
        mult *= 128;
      }
      if (i > 4) throw new Error(`${client} ${direction}: remaining length over 4 bytes`);
      const total = 1 + i + value;
      if (buf.length < total) return;
      captured.push({ step, client, direction, bytes: buf.slice(0, total), at: Date.now() - started });
      buf = buf.slice(total);
    }
  };
}

/** In-memory pipe end (as src/lib/broker/in-page.ts): writes are tapped, then read by the peer. */
class PipeEnd extends Duplex {
  /** @param {(chunk: Uint8Array) => void} onWrite */
  constructor(onWrite) {
    super();
    this.onWrite = onWrite;
    /** @type {PipeEnd | undefined} */
    this.peer = undefined;
  }
  _read() {}
  /** @param {Uint8Array} chunk @param {string} _enc @param {(err?: Error | null) => void} cb */
  _write(chunk, _enc, cb) {
    this.onWrite(chunk);
    this.peer?.push(chunk);
    cb();
  }
  /** @param {(err?: Error | null) => void} cb */
  _final(cb) {
    this.peer?.push(null);
    cb();
  }
  /** @param {Error | null} err @param {(err: Error | null) => void} cb */
  _destroy(err, cb) {
    if (this.peer && !this.peer.destroyed) this.peer.destroy();
    cb(err);
  }
}

/** @returns {Promise<{ streamFor: (name: string) => import('mqtt').StreamBuilder, close: () => Promise<void>, label: string, version: string }>} */
async function startAedes() {
  const aedes = await Aedes.createBroker({ heartbeatInterval: 60 * 60 * 1000 });
  // A refused CONNECT (return code 4) and a refused subscription (SUBACK 0x80), for the tests.
  aedes.authenticate = (_client, username, password, cb) => {
    if (username === undefined || (username === 'reader' && String(password) === 'lab')) return cb(null, true);
    cb(Object.assign(new Error('bad user name or password'), { returnCode: 4 }), false);
  };
  aedes.authorizeSubscribe = (_client, sub, cb) => cb(null, sub.topic.startsWith('$SYS') ? null : sub);
  const pkg = JSON.parse(readFileSync(path.join(ROOT_DIR, 'node_modules/aedes/package.json'), 'utf8'));
  return {
    label: 'aedes',
    version: pkg.version,
    streamFor: (name) => () => {
      const client = new PipeEnd(tap(name, 'out'));
      const broker = new PipeEnd(tap(name, 'in'));
      client.peer = broker;
      broker.peer = client;
      aedes.handle(/** @type {any} */ (broker));
      return /** @type {any} */ (client);
    },
    close: () => new Promise((resolve) => aedes.close(() => resolve())),
  };
}

async function startMosquitto() {
  const bin = process.env.MOSQUITTO_PATH ?? '/usr/sbin/mosquitto';
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'capture-mqtt-'));
  const conf = path.join(dir, 'mosquitto.conf');
  const acl = path.join(dir, 'acl');
  // Anonymous clients may use the lab's topics. (mosquitto still grants a $SYS/# SUBSCRIBE:
  // it checks the ACL when it delivers, so there is no SUBACK 0x80 in its capture.)
  writeFileSync(acl, 'topic readwrite webrtc-lab/#\n');
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\nacl_file ${acl}\npersistence false\n`);
  // Started as root, mosquitto drops to its own user, which must still read these.
  chmodSync(dir, 0o755);
  chmodSync(acl, 0o644);
  const proc = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => (stderr += d));
  await waitForPort(port, () => stderr);
  const version = (await new Promise((resolve) => {
    const p = spawn(bin, ['-h'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.on('close', () => resolve(out));
  }));
  return {
    label: 'mosquitto',
    version: /version ([\d.]+)/.exec(String(version))?.[1] ?? 'unknown',
    streamFor: (/** @type {string} */ name) => () => {
      // The client's socket, with every byte it writes and reads tapped on the way.
      const socket = tcpConnect(port, '127.0.0.1');
      const onOut = tap(name, 'out');
      const onIn = tap(name, 'in');
      const write = socket.write.bind(socket);
      socket.write = /** @type {any} */ ((/** @type {any} */ chunk, /** @type {any[]} */ ...rest) => {
        onOut(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
        return write(chunk, ...rest);
      });
      socket.on('data', (/** @type {Buffer} */ d) => onIn(d));
      return /** @type {any} */ (socket);
    },
    close: async () => {
      proc.kill('SIGTERM');
      await new Promise((resolve) => proc.once('exit', resolve));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => resolve(typeof addr === 'object' && addr ? addr.port : 0));
    });
  });
}

async function waitForPort(/** @type {number} */ port, /** @type {() => string} */ why) {
  for (let i = 0; i < 100; i++) {
    const ok = await new Promise((resolve) => {
      const s = tcpConnect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error(`mosquitto did not start: ${why()}`);
}

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** Waits until no packet has been captured for `quietMs`. */
async function settle(quietMs = 60) {
  let n = -1;
  while (n !== captured.length) {
    n = captured.length;
    await sleep(quietMs);
  }
}

const broker = useMosquitto ? await startMosquitto() : await startAedes();

/**
 * @param {string} name
 * @param {Partial<import('mqtt').IClientOptions>} [extra]
 * @returns {Promise<import('mqtt').MqttClient>}
 */
function connectClient(name, extra = {}) {
  const client = new mqtt.MqttClient(broker.streamFor(name), {
    clientId: `lab-${SESSION}-${name}`,
    protocolVersion,
    clean: true,
    keepalive: 30,
    reconnectPeriod: 0,
    will: { topic: statusTopic(name), payload: Buffer.from(status(name, 'offline', 'will')), qos: 1, retain: true },
    ...extra,
  });
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client));
    client.once('error', (err) => (extra.username ? resolve(client) : reject(err)));
  });
}

const subscribe = (/** @type {import('mqtt').MqttClient} */ c, /** @type {Record<string, { qos: 0|1|2 }>} */ subs) =>
  new Promise((resolve, reject) => c.subscribe(subs, (err, granted) => (err ? reject(err) : resolve(granted))));
const publish = (/** @type {import('mqtt').MqttClient} */ c, /** @type {string} */ topic, /** @type {string} */ payload, /** @type {import('mqtt').IClientPublishOptions} */ opts) =>
  new Promise((resolve, reject) => c.publish(topic, payload, opts, (err) => (err ? reject(err) : resolve(undefined))));
const unsubscribe = (/** @type {import('mqtt').MqttClient} */ c, /** @type {string} */ topic) =>
  new Promise((resolve, reject) => c.unsubscribe(topic, (err) => (err ? reject(err) : resolve(undefined))));

// ---- The session ----------------------------------------------------------------------------

/**
 * A peer joins as the lab's do, one step each: `name`-connect, `name`-subscribe (every status at
 * QoS 1, its own signals at `signalQos`), `name`-status (online, retained).
 * @param {string} name
 * @param {0|1|2} signalQos
 */
async function join(name, signalQos) {
  step = `${name}-connect`;
  const client = await connectClient(name);
  await settle();

  step = `${name}-subscribe`;
  await subscribe(client, { [statusTopic('+')]: { qos: 1 }, [signalTopic(name)]: { qos: signalQos } });
  await settle();

  step = `${name}-status`;
  await publish(client, statusTopic(name), status(name, 'online'), { qos: 1, retain: true });
  await settle();
  return client;
}

const alice = await join('alice', 1);
// The late subscriber: alice's status reaches bob as a stored retained message (§3.3.1.3).
const bob = await join('bob', 2);

// Exactly once, both legs: alice → broker, then broker → bob (bob subscribed at QoS 2).
step = 'alice-offer-qos2';
mid += 1;
const offer = JSON.stringify({ v: 1, kind: 'offer', from: 'alice', session: SESSION, mid: `alice-${mid}-k3v9`, ts: T0 + mid * 250, to: 'bob', sdp: OFFER_SDP });
await publish(alice, signalTopic('bob'), offer, { qos: 2, retain: false });
await settle();

step = 'alice-ping';
alice.sendPing();
await settle();

step = 'alice-forbidden-subscribe';
await subscribe(alice, { '$SYS/#': { qos: 0 } }).catch(() => undefined);
await settle();

// No DISCONNECT: the broker publishes bob's will (§3.1.2.5) to alice.
step = 'bob-pulls-plug';
bob.end(true);
await settle(200);

// A later subscriber gets bob's will as a retained message.
step = 'carol-connect';
const carol = await connectClient('carol');
await settle();
step = 'carol-subscribe';
await subscribe(carol, { [statusTopic('+')]: { qos: 1 } });
await settle();

step = 'alice-unsubscribe';
await unsubscribe(alice, signalTopic('alice'));
await settle();

// A graceful DISCONNECT: the broker discards alice's will (§3.14.4); carol sees nothing.
step = 'alice-disconnect';
await new Promise((resolve) => alice.end(false, {}, () => resolve(undefined)));
await settle(200);
step = 'carol-disconnect';
await new Promise((resolve) => carol.end(false, {}, () => resolve(undefined)));
await settle();

// Wrong credentials: CONNACK return code 4 (§3.2.2.3). mosquitto needs a password file for this.
if (!useMosquitto) {
  step = 'dave-refused';
  const dave = await connectClient('dave', { username: 'reader', password: Buffer.from('wrong') });
  await settle();
  dave.end(true);
}

await broker.close();

// ---- Labels and output ------------------------------------------------------------------------

/**
 * Human labels for the packets the tests and the README name; others get a generic one.
 * @type {Record<string, string>}
 */
const LABELS = {
  'alice-connect:alice:out:CONNECT': 'alice CONNECT: clean session, keep-alive 30 s, will on alice/status (QoS 1, retained, status offline)',
  'alice-connect:alice:in:CONNACK': 'CONNACK to alice: accepted, no session present',
  'alice-subscribe:alice:out:SUBSCRIBE': 'alice SUBSCRIBE: +/status and alice/signal, both QoS 1',
  'alice-subscribe:alice:in:SUBACK': 'SUBACK to alice: QoS 1 granted for both filters',
  'alice-status:alice:out:PUBLISH': 'alice PUBLISH her status online: QoS 1, retained',
  'alice-status:alice:in:PUBACK': 'PUBACK to alice for her status',
  'alice-status:alice:in:PUBLISH': 'alice receives her own status back through +/status (live delivery)',
  'alice-status:alice:out:PUBACK': 'alice PUBACKs that delivery',
  'bob-subscribe:bob:out:SUBSCRIBE': 'bob SUBSCRIBE: +/status QoS 1, bob/signal QoS 2',
  'bob-subscribe:bob:in:SUBACK': 'SUBACK to bob: QoS 1 and QoS 2 granted',
  'bob-subscribe:bob:in:PUBLISH': "bob receives alice's stored status: a retained delivery to a late subscriber (RETAIN 1)",
  'bob-status:alice:in:PUBLISH': "alice receives bob's status live",
  'alice-offer-qos2:alice:out:PUBLISH': 'alice PUBLISH an offer at QoS 2',
  'alice-offer-qos2:alice:in:PUBREC': 'PUBREC to alice (QoS 2, step 2 of 4)',
  'alice-offer-qos2:alice:out:PUBREL': 'alice PUBREL (QoS 2, step 3 of 4)',
  'alice-offer-qos2:alice:in:PUBCOMP': 'PUBCOMP to alice (QoS 2, step 4 of 4)',
  'alice-offer-qos2:bob:in:PUBLISH': 'the broker delivers the offer to bob at QoS 2',
  'alice-offer-qos2:bob:out:PUBREC': 'bob PUBREC',
  'alice-offer-qos2:bob:in:PUBREL': 'PUBREL to bob',
  'alice-offer-qos2:bob:out:PUBCOMP': 'bob PUBCOMP',
  'alice-ping:alice:out:PINGREQ': 'alice PINGREQ (keep-alive)',
  'alice-ping:alice:in:PINGRESP': 'PINGRESP to alice',
  'alice-forbidden-subscribe:alice:out:SUBSCRIBE': "alice SUBSCRIBE to $SYS/#, the broker's own topics",
  'bob-pulls-plug:alice:in:PUBLISH': "bob's last will, published by the broker after bob dropped without DISCONNECT",
  'carol-subscribe:carol:in:PUBLISH': 'carol (a late subscriber) receives a retained status',
  'carol-subscribe:carol:in:PUBLISH#2': 'carol receives another retained status',
  'alice-unsubscribe:alice:out:UNSUBSCRIBE': 'alice UNSUBSCRIBE alice/signal',
  'alice-unsubscribe:alice:in:UNSUBACK': 'UNSUBACK to alice',
  'alice-disconnect:alice:out:DISCONNECT': 'alice DISCONNECT: a graceful close, so no will',
  'dave-refused:dave:out:CONNECT': 'dave CONNECT with user name and password',
  'dave-refused:dave:in:CONNACK': 'CONNACK to dave: refused, return code 4 (bad user name or password)',
};

const TYPES = ['RESERVED', 'CONNECT', 'CONNACK', 'PUBLISH', 'PUBACK', 'PUBREC', 'PUBREL', 'PUBCOMP', 'SUBSCRIBE', 'SUBACK', 'UNSUBSCRIBE', 'UNSUBACK', 'PINGREQ', 'PINGRESP', 'DISCONNECT', 'AUTH'];
/** @type {Map<string, number>} */
const seen = new Map();
const packets = captured.map((p) => {
  const type = TYPES[p.bytes[0] >> 4];
  const base = `${p.step}:${p.client}:${p.direction}:${type}`;
  const n = (seen.get(base) ?? 0) + 1;
  seen.set(base, n);
  const id = n === 1 ? base : `${base}#${n}`;
  const generic = `${p.client} ${p.direction === 'out' ? '→' : '←'} broker ${type}`;
  if (id === 'alice-forbidden-subscribe:alice:in:SUBACK') {
    const refused = p.bytes[p.bytes.length - 1] === 0x80;
    LABELS[id] = refused ? 'SUBACK to alice: 0x80, subscription refused' : 'SUBACK to alice: granted (this broker checks $SYS access on delivery)';
  }
  return { id, label: LABELS[id] ?? generic, client: p.client, direction: p.direction, type, at: p.at, hex: Buffer.from(p.bytes).toString('hex') };
});

const mqttPkg = JSON.parse(readFileSync(path.join(ROOT_DIR, 'node_modules/mqtt/package.json'), 'utf8'));
const name = `${broker.label}-session${protocolVersion === 5 ? '-v5' : ''}`;
const fixture = {
  description: `A lab-like MQTT ${protocolVersion === 5 ? '5.0' : '3.1.1'} session between mqtt.js clients and ${broker.label}, captured by scripts/capture-mqtt.mjs. "out" is client → broker, "in" broker → client; "at" is ms since the capture started.`,
  broker: `${broker.label} ${broker.version}`,
  client: `mqtt.js ${mqttPkg.version}`,
  node: process.version,
  protocolVersion,
  root: ROOT,
  packets,
};
writeFileSync(path.join(OUT_DIR, `${name}.json`), `${JSON.stringify(fixture, null, 2)}\n`);
console.log(`wrote tests/fixtures/mqtt/${name}.json: ${packets.length} packets`);
process.exit(0);
