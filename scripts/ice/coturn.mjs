// Starts coturn (Debian's `turnserver`) on 127.0.0.1 for the ICE scripts; stop() kills it by PID.
// One coturn on loopback serves both STUN and TURN: flags from ../coturn.mjs (docs/TOOLCHAIN.md
// explains them), with a relay port range of its own per run.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { coturnArgs, TURNSERVER } from '../coturn.mjs';

/** A port that is free for both TCP and UDP on 127.0.0.1 right now. */
export async function freePort() {
  for (let tries = 0; tries < 20; tries++) {
    const port = await new Promise((resolve, reject) => {
      const srv = createServer();
      srv.on('error', reject);
      srv.listen(0, '127.0.0.1', () => {
        const p = /** @type {import('node:net').AddressInfo} */ (srv.address()).port;
        srv.close(() => resolve(p));
      });
    });
    const udpFree = await new Promise((resolve) => {
      const sock = createSocket('udp4');
      sock.once('error', () => resolve(false));
      sock.bind(port, '127.0.0.1', () => sock.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error('no free port');
}

/**
 * @param {{ allowLoopbackPeers?: boolean }} [opts]
 * @returns {Promise<{ port: number, pid: number, stop: () => Promise<void>, logs: () => string }>}
 */
export async function startCoturn(opts = {}) {
  if (!existsSync(TURNSERVER)) throw new Error('coturn is not installed: apt-get install -y coturn (or set TURNSERVER_PATH)');
  const port = await freePort();
  const minPort = 49160 + Math.floor(Math.random() * 100) * 40;
  const args = coturnArgs({ port, minPort, maxPort: minPort + 39, loopbackPeers: opts.allowLoopbackPeers !== false });
  const child = spawn(TURNSERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out = (out + d).slice(-32768)));
  child.stderr.on('data', (d) => (out = (out + d).slice(-32768)));
  // Wait until it listens on TCP (it opens UDP at the same time).
  const deadline = Date.now() + 5000;
  for (;;) {
    const up = await new Promise((resolve) => {
      import('node:net').then(({ connect }) => {
        const s = connect(port, '127.0.0.1');
        s.once('connect', () => (s.destroy(), resolve(true)));
        s.once('error', () => resolve(false));
      });
    });
    if (up) break;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`coturn did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  return { port, pid: /** @type {number} */ (child.pid), stop, logs: () => out };
}
