// Bounded memory against a hostile publisher on a real mosquitto: 100 PUBLISHes of 10 MB each
// to the lab's own topics. mosquitto's default max packet size is the MQTT maximum (268 MB,
// `message_size_limit 0` / `max_packet_size` unset), so every one reaches both peers, is
// refused as over 64 KiB, and must leave no more than the packet log's bounded heads behind.
import mqtt from 'mqtt';
import type { CDPSession, Locator, Page } from '@playwright/test';
import { test, expect } from './support/mosquitto';
import { heldList, labOnBroker } from './support/lab';
import { collectErrors } from './support/errors';

const MESSAGES = 100;
const MESSAGE_BYTES = 10 * 1024 * 1024;

interface Heap {
  /** V8 heap in use after a full GC (strings, objects). */
  used: number;
  /** ArrayBuffer backing stores outside the V8 heap (payload bytes), when the browser says. */
  backing: number;
}

async function heapAfterGc(cdp: CDPSession): Promise<Heap> {
  // Twice: the first pass may only queue finalizers (WeakMap entries, detached buffers).
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const usage = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; backingStorageSize?: number };
  return { used: usage.usedSize, backing: usage.backingStorageSize ?? 0 };
}

/** Milliseconds the page takes to answer a trivial evaluate. */
async function probe(page: Page): Promise<number> {
  const at = Date.now();
  await page.evaluate(() => 1 + 1);
  return Date.now() - at;
}

/** Messages the lab counted as rejected (decoded or dropped by the rate limit). */
async function rejectedCount(lab: Locator): Promise<number> {
  return Number(/(\d+) rejected/.exec((await lab.locator('.status-line').textContent()) ?? '')?.[1] ?? 0);
}

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

test('100 × 10 MB PUBLISHes to the lab topics: refused, the heap after GC stays bounded, the page answers within 2 s, the session completes', async ({ page, mosquitto }) => {
  test.setTimeout(300_000);
  const errors = collectErrors(page);
  const { lab, root } = await labOnBroker(page, mosquitto.wsUrl, 'mem');
  await expect(heldList(lab).getByRole('listitem')).toHaveCount(2);
  const cdp = await page.context().newCDPSession(page);
  const before = await heapAfterGc(cdp);

  const evil = await mqtt.connectAsync(mosquitto.mqttUrl, { clientId: `evil-${Date.now()}` });
  // mosquitto 2.0.11 with Debian's libwebsockets writes a big message to a WebSocket client a
  // few KB per turn of its event loop, and the loop sleeps while nothing happens (~40 KB/s;
  // eclipse-mosquitto/mosquitto#2252). A second client chattering on an unrelated topic keeps
  // the loop turning, so 10 MB reach the page in about a second, as from a busy public broker.
  const chatter = await mqtt.connectAsync(mosquitto.mqttUrl, { clientId: `chatter-${Date.now()}` });
  const ticking = setInterval(() => {
    for (let k = 0; k < 5; k++) chatter.publish('elsewhere/tick', 'x', { qos: 0 });
  }, 1);
  // Everyone's status topic (both peers subscribe to +/status) and each peer's own inbox.
  const targets = [
    { topic: `${root}/mallory/status`, reaches: 2 },
    { topic: `${root}/alice/signal`, reaches: 1 },
    { topic: `${root}/bob/signal`, reaches: 1 },
  ];
  const probes: number[] = [];
  let expected = 0;
  for (let i = 0; i < MESSAGES; i++) {
    const target = targets[i % targets.length]!;
    // A different fill each time, so nothing is shared between the messages.
    const payload = Buffer.alloc(MESSAGE_BYTES, `{"v":1,"kind":"status","junk":"${i}`);
    await evil.publishAsync(target.topic, payload, { qos: 1 });
    expected += target.reaches;
    // Paced by the page: mosquitto's WebSocket listener stalls a client with a big backlog.
    if (i % 5 === 4 || i === MESSAGES - 1) {
      probes.push(await probe(page));
      await expect.poll(() => rejectedCount(lab), { timeout: 60_000 }).toBe(expected);
    }
  }
  clearInterval(ticking);
  await Promise.all([evil.endAsync(), chatter.endAsync()]);
  probes.push(await probe(page));
  const after = await heapAfterGc(cdp);
  console.log(
    `bounded-memory: ${MESSAGES} × ${mb(MESSAGE_BYTES)} → heap after GC ${mb(before.used)} → ${mb(after.used)}, ` +
      `backing stores ${mb(before.backing)} → ${mb(after.backing)}; slowest probe ${Math.max(...probes)} ms`,
  );
  expect(Math.max(...probes), 'the page answered each probe within 2 s').toBeLessThan(2000);
  // Each oversized PUBLISH keeps its header and 1 KiB in the packet log (KEEP in
  // src/lib/signalling/keep-limits.ts) and a 120-character preview in its 'rejected' event:
  // about 3 KB of heap each. Before, the packet log's hex took 176 MB here.
  expect(after.used - before.used, 'the heap grew by a few MB at most').toBeLessThan(8e6);
  expect(after.backing - before.backing, 'no payload is kept in an ArrayBuffer').toBeLessThan(8e6);

  // The packet log says what it kept: the last oversized PUBLISH is among alice's last packets.
  await lab.getByText('MQTT packets', { exact: true }).click();
  const packets = lab.getByRole('list', { name: 'MQTT packets (alice)' });
  await packets.getByRole('button').first().focus();
  await page.keyboard.press('End');
  await expect(packets.getByText(/^kept the first 1,\d{3} of 10,485,\d{3} bytes$/).last()).toBeVisible();
  // A refused payload keeps a preview only, and the inspector says so.
  await lab.getByRole('button', { name: /^rejected: payload is \d+ bytes, over the 65536-byte limit/ }).first().click();
  const inspector = lab.getByRole('region', { name: /^Message inspector/ });
  await expect(inspector).toContainText('Only this preview is kept: the first 120 characters of 10,485,');

  // The real session still opens (played: the diagram windows its rows past the refusals).
  await lab.getByRole('button', { name: 'Play' }).click();
  await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
  expect(errors).toEqual([]);
});
