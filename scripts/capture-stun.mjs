#!/usr/bin/env node
// @ts-check
/**
 * Records real STUN messages for the STUN chapter and for src/lib/stun/annotate.test.ts.
 * Writes tests/fixtures/stun/coturn.json and tests/fixtures/stun/chromium-ice.json.
 *
 *   node scripts/capture-stun.mjs                 # both
 *   node scripts/capture-stun.mjs --only coturn   # coturn only (no browser needed)
 *
 * coturn: starts Debian's `turnserver` on 127.0.0.1 and ::1 (a free port; flags from
 * docs/TOOLCHAIN.md) and sends it, from node:dgram sockets, a Binding request over IPv4 and over
 * IPv6 (header + FINGERPRINT), a Binding request with an unknown comprehension-required
 * attribute (coturn answers 420), and an Allocate without credentials (401). Every request
 * and response is stored byte for byte. coturn is stopped by its PID.
 *
 * chromium-ice: headless Chromium makes an offer; this script answers it with a fake remote
 * peer whose only candidate is a node:dgram socket on 127.0.0.1. Chromium then sends its ICE
 * connectivity checks (Binding requests with USERNAME, PRIORITY, ICE-CONTROLLING,
 * USE-CANDIDATE, MESSAGE-INTEGRITY, FINGERPRINT) to that socket. The script answers the first
 * one (a Binding success response it builds itself) and sends Chromium a check of its own,
 * so Chromium's Binding success response is captured too. Both ICE passwords are stored, so
 * the tests can verify every MESSAGE-INTEGRITY.
 */
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';
import { coturnArgs, freeCoturnPort, TURNSERVER } from './coturn.mjs';

const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = path.join(ROOT_DIR, 'tests/fixtures/stun');
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
const today = new Date().toISOString().slice(0, 10);

// ---------------------------------------------------------------------------------------------
// STUN encoding (RFC 8489 §5, §14). Just enough to build the requests; the decoding that the
// site does lives in src/lib/stun.

const MAGIC_COOKIE = 0x2112a442;

/** One attribute: type, length, value, padded to 4 bytes (RFC 8489 §14). */
function attr(/** @type {number} */ type, /** @type {Buffer} */ value) {
  const pad = (4 - (value.length % 4)) % 4;
  const b = Buffer.alloc(4 + value.length + pad);
  b.writeUInt16BE(type, 0);
  b.writeUInt16BE(value.length, 2);
  value.copy(b, 4);
  return b;
}

/**
 * A whole message: header, attributes, MESSAGE-INTEGRITY when `key` is given (§14.5: the
 * HMAC covers the header with a length that ends at MESSAGE-INTEGRITY), then FINGERPRINT
 * (§14.7: CRC-32 of everything before it, XOR 0x5354554e).
 */
function message(/** @type {number} */ type, /** @type {Buffer} */ tid, /** @type {Buffer[]} */ attrs, /** @type {string | undefined} */ key = undefined) {
  let body = Buffer.concat(attrs);
  const head = Buffer.alloc(20);
  head.writeUInt16BE(type, 0);
  head.writeUInt32BE(MAGIC_COOKIE, 4);
  tid.copy(head, 8);
  if (key !== undefined) {
    head.writeUInt16BE(body.length + 24, 2);
    const mac = createHmac('sha1', key).update(Buffer.concat([head, body])).digest();
    body = Buffer.concat([body, attr(0x0008, mac)]);
  }
  head.writeUInt16BE(body.length + 8, 2);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE((zlib.crc32(Buffer.concat([head, body])) ^ 0x5354554e) >>> 0);
  return Buffer.concat([head, body, attr(0x8028, crc)]);
}

/** XOR-MAPPED-ADDRESS value for an IPv4 address (RFC 8489 §14.2). */
function xorAddress4(/** @type {string} */ ip, /** @type {number} */ port) {
  const v = Buffer.alloc(8);
  v[1] = 0x01;
  v.writeUInt16BE(port ^ (MAGIC_COOKIE >>> 16), 2);
  const n = ip.split('.').reduce((acc, x) => acc * 256 + Number(x), 0);
  v.writeUInt32BE((n ^ MAGIC_COOKIE) >>> 0, 4);
  return v;
}

// ---------------------------------------------------------------------------------------------
// Sockets

/** @typedef {{ address: string, port: number }} Endpoint */
/** @typedef {{ id: string, label: string, by: string, from: Endpoint, to: Endpoint, hex: string }} Recorded */

/** Sends `bytes` from a fresh socket and resolves with the first datagram back (or null after `timeoutMs`). */
function exchange(/** @type {'udp4' | 'udp6'} */ family, /** @type {string} */ host, /** @type {number} */ port, /** @type {Buffer} */ bytes, timeoutMs = 1000) {
  return new Promise((resolve, reject) => {
    const sock = createSocket(family);
    sock.once('error', reject);
    sock.bind(0, host, () => {
      const local = sock.address();
      const timer = setTimeout(() => {
        sock.close();
        resolve(null);
      }, timeoutMs);
      sock.once('message', (msg, rinfo) => {
        clearTimeout(timer);
        sock.close();
        resolve({ local: { address: local.address, port: local.port }, remote: { address: rinfo.address, port: rinfo.port }, msg });
      });
      sock.send(bytes, port, host);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// coturn

async function captureCoturn() {
  if (!existsSync(TURNSERVER)) throw new Error(`${TURNSERVER} not found: apt-get install -y coturn (or set TURNSERVER_PATH)`);
  const port = await freeCoturnPort({ ipv6: true });
  const dir = mkdtempSync(path.join(tmpdir(), 'capture-stun-'));
  // Also on ::1, for the IPv6 capture.
  const args = coturnArgs({ port, ipv6: true, pidDir: dir });
  const child = spawn(TURNSERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  child.stdout.on('data', (d) => (logs = (logs + d).slice(-65536)));
  child.stderr.on('data', (d) => (logs = (logs + d).slice(-65536)));
  const version = await new Promise((resolve) => {
    const timer = setTimeout(() => resolve('unknown'), 3000);
    child.stdout.on('data', () => {
      const m = /Version (Coturn-[^\n]+)/.exec(logs);
      if (m) {
        clearTimeout(timer);
        resolve(m[1].trim());
      }
    });
  });

  try {
    // Ready once it answers a Binding request over UDP.
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`coturn exited (${child.exitCode}):\n${logs}`);
      const probe = await exchange('udp4', '127.0.0.1', port, message(0x0001, randomBytes(12), []), 200);
      if (probe) break;
      if (Date.now() > deadline) throw new Error(`coturn did not answer on 127.0.0.1:${port}:\n${logs}`);
    }

    /** @type {Recorded[]} */
    const messages = [];
    /** @param {string} id @param {string} label @param {'udp4' | 'udp6'} family @param {string} host @param {Buffer} request */
    const record = async (id, label, family, host, request) => {
      const got = await exchange(family, host, port, request);
      if (!got) throw new Error(`${id}: no answer from coturn`);
      messages.push({ id: `${id}-request`, label: `${label}: request`, by: 'node:dgram', from: got.local, to: got.remote, hex: request.toString('hex') });
      messages.push({ id: `${id}-response`, label: `${label}: coturn's answer`, by: 'coturn', from: got.remote, to: got.local, hex: got.msg.toString('hex') });
    };

    // A plain Binding request: the 20-byte header and a FINGERPRINT (RFC 8489 §14.7).
    await record('binding-ipv4', 'Binding over IPv4', 'udp4', '127.0.0.1', message(0x0001, randomBytes(12), []));
    await record('binding-ipv6', 'Binding over IPv6', 'udp6', '::1', message(0x0001, randomBytes(12), []));
    // 0x7777 is unassigned and comprehension-required (below 0x8000): the server must refuse
    // the request with 420 and list the attribute in UNKNOWN-ATTRIBUTES (RFC 8489 §6.3.1.1).
    await record('unknown-attribute', 'Binding with an unknown attribute', 'udp4', '127.0.0.1', message(0x0001, randomBytes(12), [attr(0x7777, Buffer.from('deadbeef', 'hex'))]));
    // A TURN Allocate (RFC 8656 §7.1) for UDP (REQUESTED-TRANSPORT 17), without credentials:
    // the long-term credential mechanism answers 401 with a REALM and a NONCE (RFC 8489 §9.2).
    await record('allocate-401', 'Allocate without credentials', 'udp4', '127.0.0.1', message(0x0003, randomBytes(12), [attr(0x0019, Buffer.from([17, 0, 0, 0]))]));

    return {
      captured: {
        by: 'scripts/capture-stun.mjs',
        date: today,
        server: version,
        command: `turnserver ${args.map((a) => (a.startsWith('--pidfile=') ? '--pidfile=<tmp>/turnserver.pid' : a.replace(String(port), '<port>'))).join(' ')}`,
        port,
        note: 'Requests built by the script and sent from node:dgram sockets bound to 127.0.0.1 / ::1; responses are coturn\'s bytes as received.',
      },
      messages,
    };
  } finally {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.pid && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// Chromium's ICE checks

async function captureChromium() {
  const { launchChromium } = await import('./chromium.mjs');
  const sock = createSocket('udp4');
  await new Promise((r) => sock.bind(0, '127.0.0.1', () => r(undefined)));
  const nodePort = sock.address().port;
  // The fake peer's ICE credentials (RFC 8839 §5.4: ufrag 4+ chars, pwd 22+ chars).
  const NODE_UFRAG = 'nod3';
  const NODE_PWD = 'capture-stun-password-0001';
  const browser = await launchChromium();
  try {
    const version = browser.version();
    const page = await browser.newPage();
    await page.goto('about:blank');
    const offer = await page.evaluate(async () => {
      const pc = new RTCPeerConnection();
      /** @type {any} */ (window).pc = pc;
      pc.createDataChannel('chat');
      const o = await pc.createOffer();
      await pc.setLocalDescription(o);
      return /** @type {string} */ (o.sdp);
    });
    const chromeUfrag = /a=ice-ufrag:(\S+)/.exec(offer)?.[1];
    const chromePwd = /a=ice-pwd:(\S+)/.exec(offer)?.[1];
    if (!chromeUfrag || !chromePwd) throw new Error(`no ICE credentials in the offer:\n${offer}`);
    const fingerprint = Array.from(randomBytes(32), (b) => b.toString(16).padStart(2, '0').toUpperCase()).join(':');
    const answer = [
      'v=0',
      'o=- 1 2 IN IP4 127.0.0.1',
      's=-',
      't=0 0',
      'a=group:BUNDLE 0',
      'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
      'c=IN IP4 0.0.0.0',
      `a=ice-ufrag:${NODE_UFRAG}`,
      `a=ice-pwd:${NODE_PWD}`,
      `a=fingerprint:sha-256 ${fingerprint}`,
      'a=setup:active',
      'a=mid:0',
      'a=sctp-port:5000',
      `a=candidate:1 1 udp 2130706431 127.0.0.1 ${nodePort} typ host`,
      '',
    ].join('\r\n');

    /** @type {Recorded[]} */
    const messages = [];
    const done = new Promise((resolve) => {
      let ourTid = '';
      sock.on('message', (msg, rinfo) => {
        const from = { address: rinfo.address, port: rinfo.port };
        const to = { address: '127.0.0.1', port: nodePort };
        const type = msg.length >= 2 ? msg.readUInt16BE(0) : -1;
        if (type === 0x0001 && !messages.some((m) => m.id === 'chromium-request')) {
          messages.push({ id: 'chromium-request', label: "Chromium's connectivity check (Binding request)", by: `Chromium ${version}`, from, to, hex: msg.toString('hex') });
          // Answer it as an ICE agent would (RFC 8445 §7.3.1.1): XOR-MAPPED-ADDRESS = its source,
          // MESSAGE-INTEGRITY with our own password, FINGERPRINT.
          const response = message(0x0101, msg.subarray(8, 20), [attr(0x0020, xorAddress4(rinfo.address, rinfo.port))], NODE_PWD);
          messages.push({ id: 'node-response', label: "The fake peer's Binding success response", by: 'scripts/capture-stun.mjs', from: to, to: from, hex: response.toString('hex') });
          sock.send(response, rinfo.port, rinfo.address);
          // And check the other way (controlled side): USERNAME is "their ufrag:our ufrag" and the
          // key is Chromium's password (RFC 8445 §7.2.2).
          const priority = Buffer.alloc(4);
          priority.writeUInt32BE(0x6e7f1eff);
          const request = message(0x0001, randomBytes(12), [attr(0x0006, Buffer.from(`${chromeUfrag}:${NODE_UFRAG}`)), attr(0x0024, priority), attr(0x8029, randomBytes(8))], chromePwd);
          ourTid = request.subarray(8, 20).toString('hex');
          messages.push({ id: 'node-request', label: "The fake peer's connectivity check (Binding request)", by: 'scripts/capture-stun.mjs', from: to, to: from, hex: request.toString('hex') });
          sock.send(request, rinfo.port, rinfo.address);
        } else if (type === 0x0101 && msg.subarray(8, 20).toString('hex') === ourTid) {
          messages.push({ id: 'chromium-response', label: "Chromium's Binding success response", by: `Chromium ${version}`, from, to, hex: msg.toString('hex') });
          resolve(undefined);
        }
      });
    });
    await page.evaluate(async (sdp) => {
      await /** @type {any} */ (window).pc.setRemoteDescription({ type: 'answer', sdp });
    }, answer);
    await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error('Chromium sent no ICE checks within 10 s')), 10_000))]);
    const state = await page.evaluate(() => /** @type {any} */ (window).pc.iceConnectionState);
    return {
      captured: {
        by: 'scripts/capture-stun.mjs',
        date: today,
        browser: `Chromium ${version}`,
        note: 'Chromium (controlling, the offerer) checks a fake remote peer: a node:dgram socket on 127.0.0.1. The node-* messages are built by the script.',
        iceConnectionState: state,
      },
      ice: {
        chromium: { ufrag: chromeUfrag, pwd: chromePwd },
        node: { ufrag: NODE_UFRAG, pwd: NODE_PWD },
      },
      messages,
    };
  } finally {
    await browser.close();
    sock.close();
  }
}

mkdirSync(OUT_DIR, { recursive: true });
if (!only || only === 'coturn') {
  const fixture = await captureCoturn();
  writeFileSync(path.join(OUT_DIR, 'coturn.json'), `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`coturn.json: ${fixture.messages.length} messages from ${fixture.captured.server}`);
}
if (!only || only === 'chromium-ice') {
  const fixture = await captureChromium();
  writeFileSync(path.join(OUT_DIR, 'chromium-ice.json'), `${JSON.stringify(fixture, null, 2)}\n`);
  console.log(`chromium-ice.json: ${fixture.messages.length} messages from ${fixture.captured.browser} (${fixture.captured.iceConnectionState})`);
}
