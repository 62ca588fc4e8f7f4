import { test, expect } from './support/mosquitto';
import { autoplayed, diagramTable, labRegion, tableRows } from './support/lab';
import { collectErrors } from './support/errors';

// The whole exchange on one diagram: each peer's API calls and states as notes over its lane,
// the peer-to-peer path as arrows from alice to bob, and a control that chooses how much to see.
test('the lab draws the API calls and the peer-to-peer path, and "Signalling only" hides them', async ({ page }) => {
  const errors = collectErrors(page);
  const lab = await autoplayed(page);
  const detail = lab.getByRole('group', { name: 'Diagram detail' });
  // /lab/ opens on the whole story.
  await expect(detail.getByRole('radio', { name: '+ peer to peer' })).toBeChecked();

  const chat = lab.getByRole('textbox', { name: 'Chat message' });
  await chat.fill('hello bob');
  await chat.press('Enter');
  const table = diagramTable(lab);
  await expect(table.getByRole('row').filter({ hasText: 'data channel: hello bob' })).toHaveCount(1);

  /** Rows as "From | To | Message": a note has no To. */
  const shown = async () => (await tableRows(lab)).map((r) => `${r[1]} | ${r[2]} | ${r[3]}`);
  const story = [
    'alice |  | createOffer()',
    'alice |  | setLocalDescription(offer)',
    'bob |  | setRemoteDescription(offer)',
    'bob |  | createAnswer()',
    'alice |  | setRemoteDescription(answer)',
    'alice | bob | DTLS connected',
    'alice | bob | data channel is open',
    'alice | bob | data channel: hello bob',
  ];
  await expect.poll(shown, { timeout: 10_000 }).toEqual(expect.arrayContaining(story));
  const rows = await shown();
  // The signalling is still there, in trace order around the calls it caused.
  expect(rows.indexOf('alice |  | createOffer()')).toBeLessThan(rows.indexOf('alice | broker | offer'));
  expect(rows.indexOf('broker | bob | offer')).toBeLessThan(rows.indexOf('bob |  | setRemoteDescription(offer)'));
  // The drawing has the peer-to-peer arrows, numbered like the table.
  const chatRow = rows.findIndex((r) => r === 'alice | bob | data channel: hello bob') + 1;
  await expect(lab.getByRole('figure', { name: 'Sequence diagram' }).locator(`svg [data-et="message"][data-row="${chatRow}"]`)).toHaveCount(1, { timeout: 10_000 });

  await detail.getByRole('radio', { name: 'Signalling only' }).check();
  await expect.poll(shown).not.toEqual(expect.arrayContaining([story[0]]));
  const signalling = await shown();
  for (const row of story) expect(signalling).not.toContain(row);
  // Only MQTT hops are left: every row goes to or from the broker.
  expect(signalling.every((r) => r.split(' | ').slice(0, 2).includes('broker'))).toBe(true);
  expect(signalling).toContain('alice | broker | offer');

  // + API calls: the calls come back, the path past the broker does not.
  await detail.getByRole('radio', { name: '+ API calls' }).check();
  await expect.poll(shown).toContain('alice |  | createOffer()');
  const api = await shown();
  expect(api).toContain('alice |  | data channel is open');
  expect(api).not.toContain('alice | bob | data channel: hello bob');
  expect(errors).toEqual([]);
});

test('each chapter opens its diagram at the detail that suits it', async ({ page }) => {
  const lab = labRegion(page);
  const detail = lab.getByRole('group', { name: 'Diagram detail' });
  // The signalling chapter's experiments are about which signals cross: signalling only.
  await page.goto('signalling/');
  await lab.scrollIntoViewIfNeeded();
  await expect(detail.getByRole('radio', { name: 'Signalling only' })).toBeChecked();
  // The SDP chapter is about the calls that make and apply descriptions.
  await page.goto('sdp/');
  await lab.scrollIntoViewIfNeeded();
  await expect(detail.getByRole('radio', { name: '+ API calls' })).toBeChecked();
  // A URL parameter wins over the chapter's choice.
  await page.goto('sdp/?detail=signalling');
  await lab.scrollIntoViewIfNeeded();
  await expect(detail.getByRole('radio', { name: 'Signalling only' })).toBeChecked();
});
