#!/usr/bin/env node
/**
 * Real-browser check for the ICE chapter's mDNS explanation (not run by vitest): which host
 * candidates does Chromium gather before and after getUserMedia()?
 *
 * In a blank page on http://127.0.0.1 (a secure context), for each launch variant:
 *   1. gather with a fresh RTCPeerConnection (no ICE servers) and list the host addresses;
 *   2. (one variant) Playwright grants microphone permission, as a reader clicking "Allow";
 *   3. create an RTCPeerConnection that gathers only later, then call getUserMedia({audio:true})
 *      and stop the tracks at once (what MdnsNote's button does);
 *   4. gather with a fresh RTCPeerConnection again, and with the one from step 3.
 * When permission was granted, two peers then connect, to show raw-IP host candidates pair.
 *
 * Seen with Chromium 156: mDNS names until permission is granted, raw IPs (and TCP host
 * candidates) for any gathering after it, even on a connection created before it. With
 * --use-fake-ui-for-media-stream the permission counts as granted from the start.
 *
 *   node scripts/ice/mdns-check.mjs            # prints a table; exits 1 if the expectation fails
 *   CHROMIUM_PATH=/path/to/chromium node scripts/ice/mdns-check.mjs
 */
import { launchChromium } from '../chromium.mjs';
import { blankPageServer, inPageSession } from './page-session.mjs';

/**
 * grant: 'launch' = the context starts with microphone permission; 'before-gum' = Playwright
 * grants it between the first gathering and getUserMedia (as a reader clicking "Allow");
 * false = never granted by Playwright.
 */
const VARIANTS = [
  { name: 'shared flags only (a reader’s browser, no devices)', args: [], grant: false },
  { name: 'fake device, no permission: getUserMedia is not answered with a grant', args: ['--use-fake-device-for-media-stream'], grant: false },
  { name: 'fake device, reader clicks "Allow" (Playwright grants mid-way)', args: ['--use-fake-device-for-media-stream'], grant: 'before-gum' },
  { name: 'fake device, permission granted from the start', args: ['--use-fake-device-for-media-stream'], grant: 'launch' },
  {
    name: '--use-fake-ui-for-media-stream --use-fake-device-for-media-stream',
    args: ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream'],
    grant: false,
  },
];

/** Runs in the page: gathers with a fresh connection (or `window.__early`) and lists host candidates. */
async function gatherHosts(useEarly) {
  const pc = useEarly ? window.__early : new RTCPeerConnection();
  const out = [];
  const done = new Promise((resolve) => {
    pc.onicecandidate = (e) => (e.candidate ? out.push(e.candidate.candidate) : resolve());
    setTimeout(resolve, 5000);
  });
  pc.createDataChannel('probe');
  await pc.setLocalDescription(await pc.createOffer());
  await done;
  pc.close();
  return out.filter((c) => / typ host/.test(c)).map((c) => `${c.split(' ')[4]} ${c.split(' ')[2]}`);
}

/** Runs in the page: what MdnsNote's button does. Gives up after 3 s (an unanswered prompt). */
async function askForMedia() {
  window.__early = new RTCPeerConnection(); // created before the permission, gathers after
  const timeout = new Promise((resolve) => setTimeout(() => resolve('no answer within 3 s (prompt left open)'), 3000));
  const ask = navigator.mediaDevices.getUserMedia({ audio: true }).then(
    (s) => (s.getTracks().forEach((t) => t.stop()), 'granted'),
    (err) => `${err.name}: ${err.message}`,
  );
  return Promise.race([ask, timeout]);
}

const short = (list) => (list.length ? list.map((a) => (a.endsWith('.local udp') ? `<uuid>.local ${a.split(' ')[1]}` : a)).join(', ') : '(none)');

const server = await blankPageServer();
let failed = false;
try {
  for (const v of VARIANTS) {
    const browser = await launchChromium(v.args);
    try {
      const context = await browser.newContext(v.grant === 'launch' ? { permissions: ['microphone'] } : {});
      const page = await context.newPage();
      await page.goto(server.url);
      const r = { before: await page.evaluate(gatherHosts, false) };
      if (v.grant === 'before-gum') await context.grantPermissions(['microphone'], { origin: new URL(server.url).origin });
      r.gum = await page.evaluate(askForMedia);
      r.after = await page.evaluate(gatherHosts, false);
      r.createdBefore = await page.evaluate(gatherHosts, true);
      console.log(`\n## ${v.name}  (Chromium ${browser.version()})`);
      console.log(`  host candidates before getUserMedia:          ${short(r.before)}`);
      console.log(`  getUserMedia({audio:true}):                   ${r.gum}`);
      console.log(`  host candidates after (new connection):       ${short(r.after)}`);
      console.log(`  after, connection created before permission:  ${short(r.createdBefore)}`);
      if (r.gum === 'granted') {
        const s = await page.evaluate(inPageSession, { timeoutMs: 5000 });
        const hosts = s.candidates.alice.filter((c) => c.candidate && / typ host/.test(c.candidate)).map((c) => c.candidate.split(' ')[4]);
        console.log(`  two peers after permission:                   ${s.opened}, alice's host addresses: ${hosts.join(', ')}`);
        if (s.opened !== 'open') failed = true;
      }
      // The expectation the ICE chapter states: mDNS names by default, raw IPs once granted.
      if (!v.grant && !v.args.includes('--use-fake-ui-for-media-stream') && !r.before.every((a) => a.includes('.local'))) failed = true;
      if (v.grant === 'before-gum' && !(r.before.every((a) => a.includes('.local')) && r.after.every((a) => !a.includes('.local')))) failed = true;
      if (r.gum === 'granted' && r.after.some((a) => a.includes('.local'))) failed = true;
      await context.close();
    } finally {
      await browser.close();
    }
  }
} catch (err) {
  failed = true;
  console.error(err);
} finally {
  await server.close();
}
console.log(failed ? '\nFAILED: see above' : '\nOK: mDNS names by default; raw IPs once the page has media permission');
process.exit(failed ? 1 : 0);
