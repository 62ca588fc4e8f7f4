/**
 * Test support: the real `npm run lobby-server` script as a child process on 127.0.0.1 (a free
 * port). Imported by the integration tests only, never by the site.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));

export interface Server {
  url: string;
  proc: ChildProcess;
  output: () => string;
}

/** Starts scripts/lobby-server.mjs with `flags`; resolves once it says where it listens. */
export function startServer(flags: readonly string[] = []): Promise<Server> {
  const proc = spawn(process.execPath, ['scripts/lobby-server.mjs', '--port', '0', ...flags], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stderr?.on('data', (d) => (out += String(d)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 20_000);
    proc.stdout?.on('data', (d) => {
      out += String(d);
      const m = /Lobby server listening on (ws:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ url: m[1]!, proc, output: () => out });
      }
    });
    proc.on('exit', (code) => reject(new Error(`server exited ${code}:\n${out}`)));
  });
}
