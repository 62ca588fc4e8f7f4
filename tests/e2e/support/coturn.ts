import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort, waitForPorts } from './free-port';

/** A coturn STUN/TURN server on 127.0.0.1, started by the test itself. */
export interface Coturn {
  readonly port: number;
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
   * CREATE_PERMISSION with 403 Forbidden IP and ICE fails (TOOLCHAIN.md).
   */
  allowLoopbackPeers?: boolean;
}

const TURNSERVER = process.env.TURNSERVER_PATH ?? '/usr/bin/turnserver';

/** Starts coturn with the flags TOOLCHAIN.md verified on these machines. */
export async function startCoturn(opts: StartCoturnOptions = {}): Promise<Coturn> {
  if (!existsSync(TURNSERVER)) {
    throw new Error(`coturn is not installed (${TURNSERVER} missing): apt-get install -y coturn (.ci/run does this), or set TURNSERVER_PATH.`);
  }
  const port = await freePort();
  const user = 'test';
  const password = 'test';
  const args = [
    '-n',
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    `--listening-port=${port}`,
    '--lt-cred-mech',
    `--user=${user}:${password}`,
    '--realm=example.org',
    '--no-tls',
    '--no-dtls',
    '--fingerprint',
    '--no-cli',
    '--min-port=49160',
    '--max-port=49200',
    '--log-file=stdout',
    '--simple-log',
  ];
  if (opts.allowLoopbackPeers ?? true) args.push('--allow-loopback-peers');
  const child = spawn(TURNSERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-65536);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let exited = false;
  child.on('exit', () => (exited = true));
  const stop = () =>
    new Promise<void>((resolve) => {
      if (exited) return resolve();
      const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      child.kill('SIGTERM');
    });
  try {
    await waitForPorts([port], { timeoutMs: 10_000, abort: () => (exited ? new Error('turnserver exited') : undefined) });
  } catch (err) {
    await stop();
    throw new Error(`coturn did not start on 127.0.0.1:${port}: ${err instanceof Error ? err.message : err}\n${log}`);
  }
  return {
    port,
    user,
    password,
    stunUrl: `stun:127.0.0.1:${port}`,
    turnUrl: `turn:127.0.0.1:${port}`,
    logs: () => log,
    stop,
  };
}
