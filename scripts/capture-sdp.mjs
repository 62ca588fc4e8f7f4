#!/usr/bin/env node
// Captures real SDP from headless Chromium into tests/fixtures/sdp/ (see its README).
// Two RTCPeerConnections in one page (alice offers, bob answers), fake camera and microphone.
//
//   node scripts/capture-sdp.mjs [--out DIR]
//
// Each description is taken from localDescription once ICE gathering is complete, so the
// files include a=candidate lines, exactly as Chromium would send them without trickle.
// The *-trickle file is createOffer()'s own SDP: what the lab publishes before any candidate.
// The data-channel pair comes from a browser without the fake-media flags, like a reader's
// page that never asked for the camera: its host candidates are mDNS names.
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium } from './chromium.mjs';

const { values: opts } = parseArgs({
  options: { out: { type: 'string', default: new URL('../tests/fixtures/sdp/', import.meta.url).pathname } },
});

// getUserMedia needs a secure context: serve an empty page from 127.0.0.1 (localhost is secure).
const server = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'text/html' });
  res.end('<!doctype html><title>capture-sdp</title>');
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());

/** Runs `scenarios` (names from CAPTURE below) in one page of a browser launched with `args`. */
async function captureIn(args, scenarios) {
  const browser = await launchChromium(args);
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/`);
    const result = await page.evaluate(CAPTURE, scenarios);
    return { ...result, version: browser.version() };
  } finally {
    await browser.close();
  }
}

/** Runs in the page. */
async function CAPTURE(scenarios) {
  /** Resolves once the connection has gathered all its candidates (or after 5 s). */
  const gathered = (pc) =>
    new Promise((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      const timer = setTimeout(resolve, 5000);
      pc.addEventListener('icegatheringstatechange', () => {
        if (pc.iceGatheringState === 'complete') {
          clearTimeout(timer);
          resolve();
        }
      });
    });

  /** alice offers, bob answers; setup(alice, bob) adds tracks/channels first. */
  async function exchange(setup) {
    const alice = new RTCPeerConnection();
    const bob = new RTCPeerConnection();
    await setup(alice, bob);
    const initial = await alice.createOffer();
    await alice.setLocalDescription(initial);
    await gathered(alice);
    const offer = alice.localDescription.sdp;
    await bob.setRemoteDescription({ type: 'offer', sdp: offer });
    await bob.setLocalDescription(await bob.createAnswer());
    await gathered(bob);
    const answer = bob.localDescription.sdp;
    alice.close();
    bob.close();
    return { initial: initial.sdp, offer, answer };
  }

  const out = { ua: navigator.userAgent };
  if (scenarios.includes('datachannel')) {
    out.datachannel = await exchange(async (alice) => {
      alice.createDataChannel('chat');
    });
  }
  if (scenarios.includes('av') || scenarios.includes('simulcast')) {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 1280, height: 720 } });
    // Audio + video both ways (bob sends the same fake devices back), plus a data channel.
    out.av = await exchange(async (alice, bob) => {
      for (const track of stream.getTracks()) alice.addTrack(track, stream);
      alice.createDataChannel('chat');
      const back = stream.clone();
      for (const track of back.getTracks()) bob.addTrack(track, back);
    });
    // Simulcast: one send-only video transceiver with three RTP streams (RFC 8853, RFC 8851).
    out.simulcast = await exchange(async (alice) => {
      alice.addTransceiver(stream.getVideoTracks()[0], {
        direction: 'sendonly',
        streams: [stream],
        sendEncodings: [
          { rid: 'q', scaleResolutionDownBy: 4, maxBitrate: 150_000 },
          { rid: 'h', scaleResolutionDownBy: 2, maxBitrate: 500_000 },
          { rid: 'f', maxBitrate: 1_500_000 },
        ],
      });
    });
    for (const track of stream.getTracks()) track.stop();
  }
  return out;
}

try {
  const plain = await captureIn([], ['datachannel']);
  const media = await captureIn(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'], ['av', 'simulcast']);
  mkdirSync(opts.out, { recursive: true });
  const files = {
    'chromium-datachannel-offer-trickle.sdp': plain.datachannel.initial,
    'chromium-datachannel-offer.sdp': plain.datachannel.offer,
    'chromium-datachannel-answer.sdp': plain.datachannel.answer,
    'chromium-av-offer.sdp': media.av.offer,
    'chromium-av-answer.sdp': media.av.answer,
    'chromium-simulcast-offer.sdp': media.simulcast.offer,
    'chromium-simulcast-answer.sdp': media.simulcast.answer,
  };
  for (const [name, sdp] of Object.entries(files)) {
    writeFileSync(join(opts.out, name), sdp);
    console.log(`${name}: ${sdp.split('\r\n').filter(Boolean).length} lines`);
  }
  console.log(`Chromium ${media.version} (${media.ua})`);
} finally {
  server.close();
}
