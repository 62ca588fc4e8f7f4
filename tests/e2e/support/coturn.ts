// coturn, started by the tests themselves on 127.0.0.1 (flags in docs/TOOLCHAIN.md), for STUN
// (srflx candidates) and TURN (relay candidates, real 401 / 403 errors).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from '@playwright/test';
import { findExecutable } from './find-executable';
import { COTURN_PASSWORD, COTURN_USER, coturnArgs, freeCoturnPort } from '../../../scripts/coturn.mjs';


export interface Coturn {
  readonly port: number;
  readonly pid: number;
  readonly user: string;
  readonly password: string;
  /** `stun:127.0.0.1:<port>` */
  readonly stunUrl: string;
  /** `turn:127.0.0.1:<port>` */
  readonly turnUrl: string;
  logs(): string;
  stop(): Promise<void>;
}

export interface StartCoturnOptions {
  /**
   * Let TURN relay to loopback peers (default true). Without it coturn answers
   * CREATE_PERMISSION with 403 Forbidden IP and ICE fails.
   */
  allowLoopbackPeers?: boolean;
}

/** Resolves true when a STUN Binding request to 127.0.0.1:port gets any answer within `ms`. */
function stunAnswers(port: number, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createSocket('udp4');
    const done = (ok: boolean) => {
      clearTimeout(timer);
      sock.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), ms);
    sock.once('message', () => done(true));
    sock.once('error', () => done(false));
    // Binding request: type 0x0001, length 0, magic cookie, random transaction ID (RFC 8489 §5).
    const header = Buffer.concat([Buffer.from('000100002112a442', 'hex'), randomBytes(12)]);
    sock.send(header, port, '127.0.0.1');
  });
}

/** coturn on 127.0.0.1; ready once it answers a STUN Binding request; stop() kills it by PID. */
export async function startCoturn(opts: StartCoturnOptions = {}): Promise<Coturn> {
  const turnserver = findExecutable('turnserver', 'TURNSERVER_PATH', ['/usr/bin/turnserver']);
  if (!turnserver) {
    throw new Error(
      `coturn is not installed (${process.env.TURNSERVER_PATH ? `TURNSERVER_PATH=${process.env.TURNSERVER_PATH} names no file` : 'no turnserver at /usr/bin or on PATH'}), but this test needs a real STUN/TURN server.\n` +
        '  Install it with: apt-get install coturn (Debian/Ubuntu; .ci/run does this) or brew install coturn (macOS),\n' +
        '  or set TURNSERVER_PATH to its turnserver binary.',
    );
  }
  const port = await freeCoturnPort();
  const user = COTURN_USER;
  const password = COTURN_PASSWORD;
  const dir = mkdtempSync(join(tmpdir(), 'e2e-coturn-'));
  const args = coturnArgs({ port, pidDir: dir, loopbackPeers: opts.allowLoopbackPeers ?? true });
  const child: ChildProcess = spawn(turnserver, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (d: Buffer) => (output = (output + d.toString()).slice(-32768));
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const stop = async () => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 10_000;
  while (!(await stunAnswers(port, 200))) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`coturn did not answer STUN on 127.0.0.1:${port}. Its output:\n${output}`);
    }
  }
  return {
    port,
    pid: child.pid!,
    user,
    password,
    stunUrl: `stun:127.0.0.1:${port}`,
    turnUrl: `turn:127.0.0.1:${port}`,
    logs: () => output,
    stop,
  };
}

/**
 * Starts coturn before the tests of this file (or of the describe block it is called in) and
 * stops it after them. Returns a getter for the running server, to call inside those tests.
 */
export function useCoturn(opts: StartCoturnOptions = {}): () => Coturn {
  let coturn: Coturn | undefined;
  test.beforeAll(async () => {
    coturn = await startCoturn(opts);
  });
  test.afterAll(async () => {
    await coturn?.stop();
  });
  return () => {
    if (!coturn) throw new Error('coturn is not running: call useCoturn() at the top of a file or describe block');
    return coturn;
  };
}
