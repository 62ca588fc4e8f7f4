// The watch mode (/lab/?mode=watch): a page that joins no conversation watches one root on a
// real mosquitto where two Node peers speak the lab's own format (werift) and two speak the
// Godot 3 demo's (./support/godot-demo-peer.ts). It draws their offers, answers and
// candidates in order, on a lane per peer, and shows what it cannot read with the reason.
import AxeBuilder from '@axe-core/playwright';
import { connectAsync } from 'mqtt';
import { test, expect } from './support/mosquitto';
import { collectErrors } from './support/errors';
import { tableRows } from './support/lab';
import { WeriftPeer } from './support/werift-peer';
import { GodotDemoPeer } from './support/godot-demo-peer';

test('watches two lab peers and two Godot demo peers on one root: every offer, answer and candidate, in order, on a lane per peer', async ({ page, mosquitto }) => {
  test.setTimeout(120_000);
  const errors = collectErrors(page);
  const root = `crumble${Math.random().toString(36).slice(2, 10)}`;
  await page.goto(`lab/?mode=watch&broker=${encodeURIComponent(mosquitto.wsUrl)}&root=${root}`);
  const lab = page.getByRole('region', { name: 'Watch a root' });
  await lab.getByRole('button', { name: 'Start watching' }).click();
  await expect(lab.getByRole('status').filter({ hasText: `Watching ${root}/#` })).toBeVisible({ timeout: 15_000 });

  // Two peers in the lab's own format: one calls, the other answers.
  const a = await WeriftPeer.join({ mqttUrl: mosquitto.mqttUrl, root, id: 'weriftA' });
  const b = await WeriftPeer.join({ mqttUrl: mosquitto.mqttUrl, root, id: 'weriftB' });
  // Two peers of the Godot 3 demo.
  const dog = await GodotDemoPeer.join({ mqttUrl: mosquitto.mqttUrl, root, id: 'dog111', other: 'cat222' });
  const cat = await GodotDemoPeer.join({ mqttUrl: mosquitto.mqttUrl, root, id: 'cat222', other: 'dog111' });
  try {
    await a.waitOnline('weriftB');
    await a.call('weriftB');
    await a.channelOpen();
    await dog.webrtcConnect();
    await Promise.all([dog.channelOpen(), cat.channelOpen()]);

    // A lane for each peer as it appeared, the broker after the first.
    const lanes = lab.getByRole('list', { name: 'Lanes' }).getByRole('listitem');
    await expect(lanes).toHaveText(['weriftA', 'broker', 'weriftB', 'dog111', 'cat222'], { timeout: 20_000 });

    // Each message twice, as MQTT carries it: sender → broker, broker → recipient.
    await expect.poll(async () => (await tableRows(lab)).filter(([, , , m]) => m?.startsWith('answer')).length, { timeout: 20_000 }).toBe(4);
    const rows = await tableRows(lab);
    const kinds = (from: string, to: string) => rows.filter(([, f, t]) => f === from && t === to).map(([, , , m]) => m!.split(':')[0]!.split(' ')[0]);
    // weriftA trickles every candidate before its offer (ice before the offer is legal, RFC 8838 §18).
    const toB = kinds('broker', 'weriftB');
    expect(toB.at(-1)).toBe('offer');
    expect(toB.slice(0, -1).every((k) => k === 'candidate' || k === 'end-of-candidates')).toBe(true);
    const toA = kinds('broker', 'weriftA');
    expect(toA[0]).toBe('answer');
    expect(toA.slice(1).length).toBeGreaterThan(0);
    // The demo: the offer, then the answer, its candidates after its description.
    const toCat = kinds('broker', 'cat222');
    expect(toCat[0]).toBe('offer');
    expect(toCat.slice(1).every((k) => k === 'candidate')).toBe(true);
    const toDog = kinds('broker', 'dog111');
    expect(toDog[0]).toBe('answer');
    // Each sender's own arrows to the broker come first.
    expect(kinds('dog111', 'broker')[0]).toBe('status');

    // The narration says what the newest message is for, and claims nothing about the peers' states.
    await expect(lab.getByRole('group', { name: 'What just happened' })).toContainText('This page only watches: it sees the messages, not what the peers do with them.');
    // The inspector shows a demo message as it crossed the wire, and whose the lab takes it to be.
    await lab.getByRole('button', { name: /^offer/ }).last().click();
    const inspector = lab.getByRole('region', { name: /^Message inspector/ });
    await expect(inspector.getByRole('heading', { name: 'On the wire (godot-demo)' })).toBeVisible();
    await expect(inspector).toContainText('the lab takes it to be from dog111');

    // Something no format reads: drawn to the watcher's lane, with each format's reason.
    const raw = await connectAsync(mosquitto.mqttUrl, { clientId: `raw-${Date.now()}` });
    await raw.publishAsync(`${root}/dog111/offer`, 'not an SDP', { qos: 0 });
    await raw.endAsync();
    await expect(lanes.last()).toHaveText('watcher', { timeout: 15_000 });
    await lab.getByRole('button', { name: /^rejected: no format reads it/ }).click();
    await expect(inspector).toContainText('godot-demo: offer: an SDP starts with "v=0"');
    // Readable by everyone, in both themes, with the inspector open (WCAG 2.1 AA, as a11y.spec.ts holds every page).
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      const axe = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      expect(axe.violations.map((v) => `${scheme}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    }
    expect(errors).toEqual([]);
  } finally {
    await Promise.all([a.close(), b.close(), dog.close(), cat.close()]);
  }
});

test('the signalling chapter replays a recorded watch: the Godot peer and the browser peer on their own lanes, the demo\'s messages as sent', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('signalling/');
  await page.getByText('Recorded session: A Godot 3 demo peer and a browser peer', { exact: false }).click();
  const replay = page.getByRole('region', { name: /^Recorded session: A Godot 3 demo peer/ });
  const slider = replay.getByRole('slider', { name: 'Step' });
  await slider.focus();
  await page.keyboard.press('End');
  await expect(replay.getByRole('list', { name: 'Lanes' }).getByRole('listitem')).toHaveText(['cat222', 'broker', 'dog111']);
  const rows = await tableRows(replay);
  expect(rows.filter(([, from, to]) => from === 'broker' && to === 'cat222').map(([, , , m]) => m!.split(' ')[0])[0]).toBe('offer');
  await replay.getByRole('button', { name: /^offer/ }).first().click();
  await expect(replay.getByRole('heading', { name: 'On the wire (godot-demo)' })).toBeVisible();
  await expect(replay.getByRole('link', { name: 'Open this in the live lab' })).toHaveAttribute('href', /lab\/\?mode=watch&root=crumble77$/);
  expect(errors).toEqual([]);
});

test('wide, the inspector starts level with the diagram: no empty row of peers above them', async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto('lab/?mode=watch');
  const lab = page.getByRole('region', { name: 'Watch a root' });
  const figure = lab.getByRole('figure', { name: 'Sequence diagram' });
  const inspector = lab.getByRole('region', { name: /^Message inspector/ });
  const [fig, box] = [(await figure.boundingBox())!, (await inspector.boundingBox())!];
  // Beside it and level with it (it was 12 px lower: the gap under an empty first row).
  expect(box.x).toBeGreaterThanOrEqual(fig.x + fig.width - 1);
  expect(Math.abs(box.y - fig.y)).toBeLessThanOrEqual(1);
});

test('an empty root is a hint, not an error: Start waits for a root, and a refused root says why', async ({ page }) => {
  const errors = collectErrors(page);
  await page.goto('lab/?mode=watch');
  const lab = page.getByRole('region', { name: 'Watch a root' });
  const start = lab.getByRole('button', { name: 'Start watching' });
  const root = lab.getByRole('textbox', { name: 'Topic root' });
  await expect(lab.getByText('Type the topic root the peers use')).toBeVisible();
  await expect(lab.getByRole('alert')).toHaveCount(0);
  await expect(start).toBeDisabled();

  await root.fill('crumble/+');
  await expect(lab.getByRole('alert')).toContainText('Topic root refused');
  await expect(start).toBeDisabled();

  await root.fill('crumble77');
  await expect(lab.getByRole('alert')).toHaveCount(0);
  await expect(lab.getByText('Type the topic root the peers use')).toHaveCount(0);
  await expect(start).toBeEnabled();
  expect(errors).toEqual([]);
});
