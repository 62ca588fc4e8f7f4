// Shared by scripts/ice/*.mjs: a tiny secure-context page server and the in-page session
// that runs two RTCPeerConnections signalled by direct calls (no MQTT, no queue).
import { createServer } from 'node:http';

/**
 * Serves a blank page on http://127.0.0.1:<free port>/ (a secure context, so getUserMedia
 * exists; about:blank and data: URLs are not). Returns its URL and a close().
 */
export async function blankPageServer() {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><meta charset="utf-8"><title>ICE check</title><p>ICE check</p>');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((r) => server.close(r)) };
}

/**
 * Runs in the page (pass to page.evaluate). alice offers, bob answers; candidates trickle by
 * direct calls (or, with holdCandidates, all at once after the sender's gathering is complete,
 * as when a reader steps slowly; Chromium stops gathering once a pair works, so trickling on
 * loopback ends gathering before STUN/TURN answer). Records gathered candidates, icecandidateerror events, state changes, and
 * getStats() snapshots as `Array.from(report.values())` (what src/lib/ice/stats.ts reads).
 *
 * @param {{ iceServers?: RTCIceServer[], iceTransportPolicy?: RTCIceTransportPolicy,
 *   timeoutMs?: number, sendBytes?: number, snapshotOn?: RTCIceConnectionState[], holdCandidates?: boolean }} opts
 */
export async function inPageSession(opts) {
  const t0 = performance.now();
  const ms = () => Math.round((performance.now() - t0) * 10) / 10;
  const config = { iceServers: opts.iceServers ?? [], iceTransportPolicy: opts.iceTransportPolicy ?? 'all' };
  const alice = new RTCPeerConnection(config);
  const bob = new RTCPeerConnection(config);
  const peers = { alice, bob };
  const other = { alice: bob, bob: alice };
  const log = { candidates: { alice: [], bob: [] }, errors: [], states: [], snapshots: [] };
  const snapshot = async (label) => {
    const [a, b] = await Promise.all([alice.getStats(), bob.getStats()]);
    log.snapshots.push({ label, at: ms(), alice: Array.from(a.values()), bob: Array.from(b.values()) });
  };
  const snapped = new Set();
  const held = { alice: [], bob: [] };
  const add = (id, c) => other[id].addIceCandidate(c ?? undefined).catch((err) => log.errors.push({ peer: id, addIceCandidate: String(err) }));
  for (const [id, pc] of Object.entries(peers)) {
    pc.addEventListener('icecandidate', (ev) => {
      log.candidates[id].push({ at: ms(), candidate: ev.candidate ? ev.candidate.candidate : null });
      // holdCandidates: like a reader who steps slowly, deliver them all once gathering is done.
      if (!opts.holdCandidates) return void add(id, ev.candidate);
      held[id].push(ev.candidate);
      if (!ev.candidate) for (const c of held[id].splice(0)) add(id, c);
    });
    pc.addEventListener('icecandidateerror', (ev) => {
      log.errors.push({
        peer: id,
        at: ms(),
        errorCode: ev.errorCode,
        errorText: ev.errorText,
        url: ev.url,
        address: ev.address,
        port: ev.port,
      });
    });
    for (const [event, prop] of [
      ['icegatheringstatechange', 'iceGatheringState'],
      ['iceconnectionstatechange', 'iceConnectionState'],
      ['connectionstatechange', 'connectionState'],
    ]) {
      pc.addEventListener(event, () => {
        log.states.push({ peer: id, at: ms(), [prop]: pc[prop] });
        // One snapshot the first time either peer reaches each listed ICE connection state.
        const state = pc[prop];
        if (prop === 'iceConnectionState' && (opts.snapshotOn ?? []).includes(state) && !snapped.has(state)) {
          snapped.add(state);
          void snapshot(state);
        }
      });
    }
  }
  const channel = alice.createDataChannel('chat');
  const remoteOpen = new Promise((resolve) => bob.addEventListener('datachannel', (ev) => ev.channel.addEventListener('open', () => resolve(ev.channel))));
  const localOpen = new Promise((resolve) => channel.addEventListener('open', resolve));
  const offer = await alice.createOffer();
  await alice.setLocalDescription(offer);
  await bob.setRemoteDescription(offer);
  const answer = await bob.createAnswer();
  await bob.setLocalDescription(answer);
  await alice.setRemoteDescription(answer);

  const timeout = new Promise((resolve) => setTimeout(() => resolve('timeout'), opts.timeoutMs ?? 8000));
  const opened = await Promise.race([Promise.all([localOpen, remoteOpen]).then(() => 'open'), timeout]);
  if (opened === 'open' && opts.sendBytes) {
    const bobChannel = await remoteOpen;
    const got = new Promise((resolve) => bobChannel.addEventListener('message', resolve, { once: true }));
    channel.send('x'.repeat(opts.sendBytes));
    await got;
  }
  // Wait for gathering to finish on both sides (or the timeout) so every candidate is in.
  const complete = (pc) =>
    pc.iceGatheringState === 'complete'
      ? Promise.resolve()
      : new Promise((r) => pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r()));
  await Promise.race([Promise.all([complete(alice), complete(bob)]), new Promise((r) => setTimeout(r, opts.timeoutMs ?? 8000))]);
  // Consent checks (RFC 7675) and RTT measurements settle after a moment.
  await new Promise((r) => setTimeout(r, 300));
  await snapshot(opened === 'open' ? 'connected' : 'not-connected');
  const result = {
    opened,
    offer: alice.localDescription?.sdp ?? '',
    answer: bob.localDescription?.sdp ?? '',
    final: { alice: alice.iceConnectionState, bob: bob.iceConnectionState },
    ...log,
  };
  alice.close();
  bob.close();
  return result;
}
