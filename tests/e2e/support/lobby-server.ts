import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A real `npm run lobby-server` (scripts/lobby-server.mjs) on 127.0.0.1, on a free port. */
export interface LobbyServerProcess {
  /** e.g. ws://127.0.0.1:40123/ (what the lobby lab's `lobby=` takes). */
  readonly url: string;
  /** Everything it printed so far (server.js's log lines). */
  output(): string;
  /** SIGTERM (the server closes its clients with 1001), then SIGKILL after 3 s. */
  stop(): Promise<void>;
}

export function startLobbyServer(args: string[] = []): Promise<LobbyServerProcess> {
  // node directly, not npm: SIGTERM must reach the server, not an npm wrapper.
  const proc = spawn(process.execPath, ['scripts/lobby-server.mjs', '--host', '127.0.0.1', '--port', '0', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout.on('data', (d) => (out += String(d)));
  proc.stderr.on('data', (d) => (out += String(d)));
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`lobby-server did not start within 20 s:\n${out}`));
    }, 20_000);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`lobby-server exited with ${code}:\n${out}`));
    });
    proc.stdout.on('data', () => {
      const m = /Lobby server listening on (ws:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      resolve({ url: m[1]!, output: () => out, stop });
    });
  });
}
