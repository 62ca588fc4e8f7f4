/**
 * Issue 14, "nothing lost in an outage": mosquitto dies while signals are in flight, comes
 * back on the same port 3 s later (with nothing: persistence is off, so no session, no
 * subscription, no retained status survives), and the session still opens.
 */
import { readFile } from 'node:fs/promises';
import { test, expect, startMosquitto } from './support/mosquitto';
import { exportTrace, heldList, labOnBroker, stepUntilOpen } from './support/lab';
import { collectErrors } from './support/errors';

interface Event {
  type: string;
  peer?: string;
  kind?: string;
  mid?: string;
  state?: string;
  fromOutbox?: boolean;
}

test('the broker dies while bob answers: his signals wait in the outbox and the session opens', async ({ page }) => {
  test.setTimeout(120_000);
  const broker = await startMosquitto();
  try {
    const errors = collectErrors(page);
    const { lab } = await labOnBroker(page, broker.wsUrl, 'outage');
    const step = lab.getByRole('button', { name: 'Step', exact: true });
    const head = heldList(lab).getByRole('listitem').first();
    // Step until alice's offer to bob is next.
    for (let i = 0; !/^offer/.test((await head.locator('.kind').textContent({ timeout: 15_000 })) ?? ''); i++) {
      expect(i, 'the offer never reached the head of the queue').toBeLessThan(20);
      await step.click();
    }
    await broker.kill();
    await expect(lab.getByRole('status').filter({ hasText: 'lost its broker connection' })).toBeVisible({ timeout: 10_000 });
    const down = Date.now();
    // bob takes the offer and answers into the dead link; his candidates follow.
    await step.click();
    await expect(lab.getByText(/queued while offline/).first()).toBeVisible({ timeout: 10_000 });
    await page.waitForTimeout(Math.max(0, 3000 - (Date.now() - down)));
    await broker.start();
    await expect(lab.getByRole('status').filter({ hasText: 'lost its broker connection' })).toBeHidden({ timeout: 20_000 });

    await stepUntilOpen(lab);

    const trace = JSON.parse(await readFile(await exportTrace(page, lab), 'utf8')) as { events: Event[] };
    const answer = trace.events.filter((e) => e.peer === 'bob' && e.kind === 'answer');
    // Queued while offline, then sent once the link (and alice) was back.
    expect(answer.map((e) => `${e.type}${e.fromOutbox ? ' from the outbox' : ''}`)).toEqual(['queued-offline', 'published from the outbox']);
    expect(answer[0]!.mid).toBe(answer[1]!.mid);
    const lost = trace.events.findIndex((e) => e.type === 'broker' && e.peer === 'bob' && e.state === 'lost');
    const back = trace.events.findIndex((e, i) => i > lost && e.type === 'broker' && e.peer === 'bob' && e.state === 'connected');
    const queued = trace.events.indexOf(answer[0]!);
    const sent = trace.events.indexOf(answer[1]!);
    expect(lost).toBeLessThan(queued);
    expect(queued).toBeLessThan(back);
    expect(back).toBeLessThan(sent);
    expect(errors.filter((e) => !/WebSocket connection to .* failed/.test(e))).toEqual([]);
  } finally {
    await broker.stop();
  }
});
