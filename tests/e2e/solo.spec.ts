// The two-device lab (/lab/?mode=solo): one peer per page. Two browser contexts are two
// devices on a mosquitto started by the test; two pages of one context are two tabs sharing
// the SharedWorker broker.
import AxeBuilder from '@axe-core/playwright';
import type { Browser, Locator, Page } from '@playwright/test';
import { test, expect } from './support/mosquitto';
import { collectErrors } from './support/errors';

function randomRoot(): string {
  return `webrtc-lab/solo-${Math.random().toString(36).slice(2, 10)}`;
}

async function openSolo(page: Page, search: string): Promise<Locator> {
  await page.goto(`lab/?mode=solo&${search}`);
  const lab = page.getByRole('region', { name: 'Two-device lab' });
  await expect(lab.getByRole('button', { name: 'Join' })).toBeEnabled({ timeout: 15_000 });
  return lab;
}

async function join(lab: Locator, id: string): Promise<void> {
  await lab.getByRole('textbox', { name: 'Your id' }).fill(id);
  await lab.getByRole('button', { name: 'Join' }).click();
}

function online(lab: Locator): Locator {
  return lab.getByRole('list', { name: 'Online peers' });
}

async function playAll(...labs: Locator[]): Promise<void> {
  for (const lab of labs) {
    await lab.getByRole('combobox', { name: 'Pace' }).selectOption({ label: 'As fast as possible' });
    await lab.getByRole('button', { name: 'Play' }).click();
  }
}

/** Waits until each of `labs` shows its data channel open. */
async function channelsOpen(...labs: Locator[]): Promise<void> {
  for (const lab of labs) await expect(lab.getByText('Data channel open')).toBeVisible({ timeout: 30_000 });
}

async function chat(lab: Locator, to: string, text: string): Promise<void> {
  await lab.getByRole('combobox', { name: 'To' }).selectOption(to);
  const box = lab.getByRole('textbox', { name: 'Chat message' });
  await box.fill(text);
  await box.press('Enter');
}

function chatLog(lab: Locator): Locator {
  return lab.getByRole('list', { name: 'Chat log' });
}

async function devices(browser: Browser) {
  const a = await browser.newContext();
  const b = await browser.newContext();
  return { a, b, pageA: await a.newPage(), pageB: await b.newPage() };
}

test.describe('two devices on mosquitto', () => {
  test('join, refuse a duplicate id, chat over MQTT then the data channel, latency, offline on close', async ({ browser, mosquitto }) => {
    test.setTimeout(180_000);
    const search = `broker=${encodeURIComponent(mosquitto.wsUrl)}&root=${encodeURIComponent(randomRoot())}`;
    const { a, b, pageA, pageB } = await devices(browser);
    const errorsA = collectErrors(pageA);
    const errorsB = collectErrors(pageB);
    const dog = await openSolo(pageA, search);
    const cat = await openSolo(pageB, search);

    await join(dog, 'dog111');
    await expect(dog.getByText('You are dog111')).toBeVisible();
    await join(cat, 'cat222');
    await expect(cat.getByText('You are cat222')).toBeVisible();
    // cat learnt of dog from its retained status; dog saw cat's live one.
    await expect(online(cat).getByRole('listitem')).toHaveCount(1);
    await expect(online(cat)).toContainText('dog111');
    await expect(online(dog)).toContainText('cat222');

    // A third device with cat's id is refused, and cat stays online.
    const c = await browser.newContext();
    const twinPage = await c.newPage();
    const twin = await openSolo(twinPage, search);
    await join(twin, 'cat222');
    await expect(twin.getByRole('alert')).toContainText('"cat222" is already online');
    await c.close();
    await expect(online(dog)).toContainText('cat222');

    // Before the connection: chat over MQTT, held in cat's queue until delivered.
    await chat(dog, 'cat222', 'woof (mqtt)');
    await expect(chatLog(dog)).toContainText('woof (mqtt) (over MQTT)');
    await expect(cat.getByRole('list', { name: 'Held messages' })).toContainText('chat');
    // cat's queue: dog's retained status first, then the chat.
    const held = cat.getByRole('list', { name: 'Held messages' }).getByRole('listitem');
    await expect(held).toHaveCount(2);
    await cat.getByRole('button', { name: 'Step' }).click();
    await expect(held).toHaveCount(1);
    await expect(chatLog(cat)).toHaveCount(0);
    await cat.getByRole('button', { name: 'Step' }).click();
    await expect(chatLog(cat)).toContainText('dog111 → cat222: woof (mqtt) (over MQTT)');

    // Connect: dog offers; both play their queues until the data channel opens.
    await online(dog).getByRole('button', { name: 'Connect to cat222' }).click();
    await playAll(dog, cat);
    await channelsOpen(dog, cat);

    await chat(cat, 'dog111', 'meow (dc)');
    await expect(chatLog(dog)).toContainText('cat222 → dog111: meow (dc) (over data channel)');
    await chat(dog, 'cat222', 'woof (dc)');
    await expect(chatLog(cat)).toContainText('dog111 → cat222: woof (dc) (over data channel)');

    // Latency: MQTT and data channel, 1 KB, 10 KB and 100 KB.
    const latency = dog.getByRole('region', { name: 'Latency test' });
    await latency.getByRole('spinbutton', { name: 'Round trips per size' }).fill('3');
    await latency.getByRole('button', { name: 'Run latency test' }).click();
    const rows = latency.getByRole('table').locator('tbody tr');
    await expect(rows).toHaveCount(6, { timeout: 60_000 });
    const cells = await rows.evaluateAll((trs) => trs.map((tr) => [...tr.children].slice(0, 2).map((c) => c.textContent?.trim())));
    expect(cells).toEqual([
      ['MQTT', '1 KB'],
      ['MQTT', '10 KB'],
      ['MQTT', '100 KB'],
      ['Data channel', '1 KB'],
      ['Data channel', '10 KB'],
      ['Data channel', '100 KB'],
    ]);
    await expect(rows.filter({ hasText: 'failed' })).toHaveCount(0);
    await expect(latency.getByRole('img')).toBeVisible();

    // cat's page closes: the broker publishes its will, and dog sees it go offline.
    await pageB.close();
    await expect(online(dog).getByRole('listitem')).toHaveCount(0, { timeout: 15_000 });
    await expect(dog.getByRole('list', { name: 'Offline peers' })).toContainText('cat222');
    await expect(dog.getByRole('list', { name: 'Offline peers' })).toContainText('last will');

    expect(errorsA).toEqual([]);
    expect(errorsB).toEqual([]);
    await a.close();
    await b.close();
  });
});

test("two tabs of one browser, no server: the tabs broker (SharedWorker)", async ({ browser }) => {
  test.setTimeout(120_000);
  const ctx = await browser.newContext();
  const search = `root=${encodeURIComponent(randomRoot())}`;
  const pageA = await ctx.newPage();
  const pageB = await ctx.newPage();
  const errors = [...[pageA, pageB].map(collectErrors)];
  const dog = await openSolo(pageA, search);
  const cat = await openSolo(pageB, search);
  await expect(dog.getByText("This browser's tabs (no server, no wire)")).toBeAttached();

  await join(dog, 'dog111');
  await expect(dog.getByText('You are dog111')).toBeVisible();
  await join(cat, 'cat222');
  await expect(online(cat)).toContainText('dog111');
  await expect(online(dog)).toContainText('cat222');

  // A third tab with dog's id is refused.
  const twinPage = await ctx.newPage();
  const twin = await openSolo(twinPage, search);
  await join(twin, 'dog111');
  await expect(twin.getByRole('alert')).toContainText('"dog111" is already online');
  await twinPage.close();

  await online(cat).getByRole('button', { name: 'Connect to dog111' }).click();
  await playAll(dog, cat);
  await channelsOpen(dog, cat);
  await chat(dog, 'cat222', 'hello tab');
  await expect(chatLog(cat)).toContainText('dog111 → cat222: hello tab (over data channel)');

  // No WCAG A/AA violations in the live lab, in either theme, at phone width too.
  for (const scheme of ['light', 'dark'] as const) {
    await pageB.emulateMedia({ colorScheme: scheme });
    await pageB.setViewportSize({ width: scheme === 'dark' ? 360 : 1280, height: 900 });
    const axe = await new AxeBuilder({ page: pageB }).include('section[aria-label="Two-device lab"]').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    expect(axe.violations.map((v) => `${scheme}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
  }
  const overflow = await pageB.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);

  // Closing a tab releases its Web Lock: the shared worker publishes its will.
  await pageA.close();
  await expect(online(cat).getByRole('listitem')).toHaveCount(0, { timeout: 15_000 });
  await expect(cat.getByRole('list', { name: 'Offline peers' })).toContainText('dog111');
  expect(errors.flat()).toEqual([]);
  await ctx.close();
});

test('with a TURN server in ?ice=, the latency test adds a relay-only path through coturn', async ({ browser }) => {
  test.setTimeout(120_000);
  const { startCoturn } = await import('./support/coturn');
  const coturn = await startCoturn();
  const ctx = await browser.newContext();
  try {
    const ice = JSON.stringify([{ urls: coturn.turnUrl, username: coturn.user, credential: coturn.password }]);
    const search = `root=${encodeURIComponent(randomRoot())}&ice=${encodeURIComponent(ice)}`;
    const pageA = await ctx.newPage();
    const pageB = await ctx.newPage();
    const dog = await openSolo(pageA, search);
    const cat = await openSolo(pageB, search);
    await join(dog, 'dog111');
    await expect(dog.getByText('You are dog111')).toBeVisible();
    await join(cat, 'cat222');
    await online(dog).getByRole('button', { name: 'Connect to cat222' }).click();
    await playAll(dog, cat);
    await channelsOpen(dog);
    const latency = dog.getByRole('region', { name: 'Latency test' });
    await expect(latency).toContainText("iceTransportPolicy: 'relay'");
    await latency.getByRole('checkbox', { name: '100 KB' }).uncheck();
    await latency.getByRole('spinbutton', { name: 'Round trips per size' }).fill('2');
    await latency.getByRole('button', { name: 'Run latency test' }).click();
    const rows = latency.getByRole('table').locator('tbody tr');
    await expect(rows).toHaveCount(6, { timeout: 60_000 });
    await expect(rows.filter({ hasText: 'TURN relay' })).toHaveCount(2);
    await expect(rows.filter({ hasText: 'failed' })).toHaveCount(0);
  } finally {
    await ctx.close();
    await coturn.stop();
  }
});

test('?autoplay=1: once joined, every signal is delivered as it arrives, with no Step or Play', async ({ browser }) => {
  test.setTimeout(90_000);
  const ctx = await browser.newContext();
  try {
    const search = `root=${encodeURIComponent(randomRoot())}`;
    const pageA = await ctx.newPage();
    const pageB = await ctx.newPage();
    const errors = [pageA, pageB].map(collectErrors);
    const dog = await openSolo(pageA, `${search}&autoplay=1`);
    const cat = await openSolo(pageB, search);
    await join(dog, 'dog111');
    await expect(dog.getByText('You are dog111')).toBeVisible();
    // Playing at full speed from the start: Play is spent, the pace says so.
    await expect(dog.getByRole('button', { name: 'Play' })).toBeDisabled();
    await expect(dog.getByRole('combobox', { name: 'Pace' })).toHaveValue('0');
    await join(cat, 'cat222');
    await expect(online(cat)).toContainText('dog111');
    // cat's status reached dog and was delivered on its own.
    await expect(dog.getByText(/\d+ delivered · 0 held · playing/)).toBeVisible();

    // cat calls and plays its own queue; dog never touches Step or Play and still answers.
    await online(cat).getByRole('button', { name: 'Connect to dog111' }).click();
    await playAll(cat);
    await channelsOpen(dog, cat);
    await expect(dog.getByRole('list', { name: 'Held messages' }).getByRole('listitem')).toHaveCount(0);
    expect(errors.flat()).toEqual([]);
  } finally {
    await ctx.close();
  }
});
