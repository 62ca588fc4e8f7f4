import { expect, type Locator, type Page } from '@playwright/test';

/** Opens the two-device lab at `lab/?mode=solo&<search>` and joins as `id`; returns the lab. */
export async function joinSolo(page: Page, search: string, id: string): Promise<Locator> {
  await page.goto(`lab/?mode=solo&${search}`);
  const lab = page.getByRole('region', { name: 'Two-device lab' });
  await expect(lab.getByRole('button', { name: 'Join' })).toBeEnabled({ timeout: 15_000 });
  await lab.getByRole('textbox', { name: 'Your id' }).fill(id);
  await lab.getByRole('button', { name: 'Join' }).click();
  await expect(lab.getByText(`You are ${id}`)).toBeVisible();
  return lab;
}

/** Kills `peer`'s app (it sends no DISCONNECT): the broker publishes its will, and the lab lists `id` offline by it. */
export async function killAndSeeWill(lab: Locator, peer: { kill(): void }, id: string): Promise<void> {
  peer.kill();
  const offline = lab.getByRole('list', { name: 'Offline peers' });
  await expect(offline).toContainText(id, { timeout: 15_000 });
  await expect(offline).toContainText('last will');
}

/**
 * A test fixture: a function that joins peers with `join` (the Godot peers' static join), each
 * closed after the test, passed or failed: `test.extend({ joinGodot: peersClosedAfter(GodotDemoPeer.join) })`.
 */
export function peersClosedAfter<O, P extends { close(): Promise<void> }>(join: (opts: O) => Promise<P>) {
  return async ({}, use: (joinPeer: (opts: O) => Promise<P>) => Promise<void>): Promise<void> => {
    const peers: P[] = [];
    try {
      await use(async (opts) => {
        const peer = await join(opts);
        peers.push(peer);
        return peer;
      });
    } finally {
      for (const peer of peers) await peer.close();
    }
  };
}
