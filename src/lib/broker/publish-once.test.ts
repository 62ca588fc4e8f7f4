import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WebSocketServer } from 'ws';
import { generate, parser } from 'mqtt-packet';
import { connectBroker, resetInPageBroker } from './connect';
import { MAX_TOPIC_BYTES, topicNameError } from './direct-bus';
import { MAX_STRANGER_PAYLOAD_BYTES, publishOnce, strangerProblem } from './publish-once';
import { freePort } from '../../../tests/e2e/support/free-port';

afterEach(() => resetInPageBroker());

describe('what a stranger may not publish, refused before connecting', () => {
  // A closed port: had publishOnce connected, the error would be "Could not connect".
  let closed = '';
  const cases: [string, string, string, RegExp][] = [
    ['a wildcard +', 'webrtc-lab/x/+/signal', '{}', /wildcards \(MQTT 3\.1\.1 §3\.3\.2\.1\)/],
    ['a wildcard #', 'webrtc-lab/#', '{}', /wildcards/],
    ['U+0000', 'webrtc-lab/x\u0000y/status', '{}', /U\+0000 \(MQTT 3\.1\.1 §1\.5\.3\)/],
    ['half a surrogate pair', 'webrtc-lab/\uD83D/status', '{}', /surrogate pair \(MQTT 3\.1\.1 §1\.5\.3\)/],
    ['a topic over 65,535 bytes', `webrtc-lab/${'é'.repeat(32_763)}`, '{}', /at most 65,535 bytes/],
    ['a payload over 1 MiB', 'webrtc-lab/x/bob/signal', 'x'.repeat(MAX_STRANGER_PAYLOAD_BYTES + 1), /1,048,577 bytes; this form sends at most 1,048,576/],
  ];
  it.each(cases)('%s', async (_name, topic, payload, reason) => {
    closed ||= `ws://127.0.0.1:${await freePort()}/`;
    await expect(publishOnce({ broker: closed, clientId: 'stranger-t', topic, payload })).rejects.toThrow(reason);
  });

  it('lets through what MQTT allows: emoji, a topic of exactly 65,535 bytes, a 1 MiB payload', () => {
    expect(topicNameError('webrtc-lab/😀/status')).toBeUndefined();
    expect(topicNameError(`a${'é'.repeat(32_767)}`)).toBeUndefined();
    expect(new TextEncoder().encode(`a${'é'.repeat(32_767)}`).length).toBe(MAX_TOPIC_BYTES);
    expect(strangerProblem('webrtc-lab/x/bob/signal', 'x'.repeat(MAX_STRANGER_PAYLOAD_BYTES))).toBeNull();
  });

  it('agrees with an independent reading of the rules, for any string, long ones included', () => {
    // Well-formed UTF-16 is what survives a round trip through UTF-8 unchanged.
    const valid = (t: string) => t.length > 0 && !/[+#\u0000]/.test(t) && Buffer.from(t, 'utf8').toString('utf8') === t && Buffer.byteLength(t, 'utf8') <= MAX_TOPIC_BYTES;
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 40 }),
      fc.string({ unit: fc.constantFrom('a', '/', 'é', '😀', '\uD800', '+', '\u0000'), maxLength: 40 }),
      fc.string({ unit: fc.constantFrom('é', 'ab', '😀'), minLength: 16_000, maxLength: 40_000 }),
    );
    fc.assert(fc.property(text, (t) => (topicNameError(t) === undefined) === valid(t)), { numRuns: 300 });
  });
});

describe('publishOnce on a broker', () => {
  it('publishes once on the in-page broker, and a subscriber there gets it', async () => {
    const bob = await connectBroker({ broker: 'in-page', clientId: 'bob-t' });
    const got = new Promise<string>((resolve) => bob.client.on('message', (_t: string, p: Uint8Array) => resolve(new TextDecoder().decode(p))));
    await new Promise<void>((r, j) => bob.client.subscribe({ 'webrtc-lab/t/bob/signal': { qos: 1 } }, (e) => (e ? j(e) : r())));
    const said = await publishOnce({ broker: 'in-page', clientId: 'stranger-t', topic: 'webrtc-lab/t/bob/signal', payload: '{"kind":"offer"}' });
    expect(said).toBe('stranger-t published 16 bytes on webrtc-lab/t/bob/signal, and left.');
    expect(await got).toBe('{"kind":"offer"}');
    await bob.close();
  });

  it('gives up with a reason when the broker accepts the connection but never acknowledges the PUBLISH', async () => {
    // A broker that answers CONNECT and swallows everything after it.
    const port = await freePort();
    const wss = new WebSocketServer({ host: '127.0.0.1', port, handleProtocols: (p) => [...p][0] ?? false });
    wss.on('connection', (ws) => {
      const p = parser({ protocolVersion: 4 });
      p.on('packet', (packet) => {
        if (packet.cmd === 'connect') ws.send(generate({ cmd: 'connack', returnCode: 0, sessionPresent: false }));
      });
      ws.on('message', (data) => p.parse(data as Buffer));
    });
    try {
      const started = Date.now();
      await expect(publishOnce({ broker: `ws://127.0.0.1:${port}/`, clientId: 'stranger-t', topic: 'webrtc-lab/t/bob/signal', payload: '{}', timeoutMs: 800 })).rejects.toThrow(
        /no PUBACK within 0\.8 s\. The broker may have refused the message and closed the connection \(MQTT 3\.1\.1 §4\.8\)/,
      );
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
    }
  });
});
