// Issue 14: the lobby lab against a server that takes the TCP connection and never answers the
// WebSocket upgrade. It must not say "Connecting…" for ever: after the labs' one connect
// timeout (8 s, as the MQTT labs) it says what happened and what to do.
import { createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { test, expect } from '@playwright/test';
import { collectErrors } from './support/errors';
import { openLobbyLab } from './support/lab';

test('a server that never completes the handshake: a clear error after 8 s, and the settings to fix it', async ({ page }) => {
  test.setTimeout(60_000);
  const sockets = new Set<Socket>();
  let requests = 0;
  // Accepts, reads the upgrade request, answers nothing.
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', () => (requests += 1));
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  try {
    const errors = collectErrors(page);
    const lab = await openLobbyLab(page, `?lobby=${encodeURIComponent(url)}`);
    await lab.getByRole('button', { name: 'Start' }).click();
    const started = Date.now();
    const alert = lab.getByRole('alert');
    await expect(alert).toContainText('no answer to the WebSocket opening handshake after 8 s', { timeout: 12_000 });
    const waited = Date.now() - started;
    expect(waited).toBeGreaterThan(7_000);
    expect(requests).toBeGreaterThan(0);
    await expect(alert).toContainText(url);
    await expect(alert).toContainText('Press Reset, check the URL, and try again.');
    await expect(lab.getByText('Connecting…')).toHaveCount(0);
    // The way forward: Reset, and the settings can be changed again.
    await lab.getByRole('button', { name: 'Reset' }).click();
    await expect(lab.getByRole('alert')).toHaveCount(0);
    await expect(lab.getByRole('button', { name: 'Start' })).toBeEnabled();
    // The browser's own "WebSocket connection … failed" line is expected: we closed it.
    expect(errors.filter((e) => !/WebSocket connection to .* failed/.test(e))).toEqual([]);
  } finally {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});
