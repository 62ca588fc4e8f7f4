import { createServer, connect } from 'node:net';

/** Asks the OS for a free TCP port on `host` (127.0.0.1 by default) and returns it. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error(`freePort: unexpected server address ${String(address)}`));
        return;
      }
      const { port } = address;
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

/** Returns `count` distinct free ports on `host`. */
export async function freePorts(count: number, host = '127.0.0.1'): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort(host));
  return [...ports];
}

/** Resolves true if a TCP connection to host:port succeeds within `timeoutMs`. */
export function canConnect(port: number, host = '127.0.0.1', timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok: boolean) => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/**
 * Polls until every port accepts TCP connections on `host`.
 * `abort` is checked between polls: if it returns an Error, that error is thrown
 * at once (e.g. the server process already exited).
 */
export async function waitForPorts(
  ports: number[],
  { host = '127.0.0.1', timeoutMs = 10_000, intervalMs = 50, abort }: {
    host?: string;
    timeoutMs?: number;
    intervalMs?: number;
    abort?: () => Error | undefined;
  } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const aborted = abort?.();
    if (aborted) throw aborted;
    const results = await Promise.all(ports.map((p) => canConnect(p, host, 500)));
    if (results.every(Boolean)) return;
    if (Date.now() >= deadline) {
      const closed = ports.filter((_, i) => !results[i]);
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${host}:${closed.join(', ')} to accept connections`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
