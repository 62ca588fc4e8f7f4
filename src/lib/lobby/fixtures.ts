/**
 * Test support for the lobby lab, imported by *.test.ts only, never by the site: a MeshSession
 * over the in-page LobbyServer (fixed ids, fake timers) with fake RTCPeerConnections that pair
 * up, and the loops that let it run; and the real `npm run lobby-server` script as a child
 * process on 127.0.0.1 (a free port), for the integration tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach } from 'vitest';
import { FakePeerConnection, pairFakes } from '../testing/fake-peer-connection';
import { FakeTimers } from '../testing/fake-timers';
import { InMemoryLobbyNetwork, type InMemorySocket } from './in-memory';
import { MeshSession } from './mesh-session';
import { HOST_ID } from './protocol';
import { LobbyServer } from './server';

/** Lets microtasks and the fakes' promise chains run. */
export async function settle(rounds = 20): Promise<void> {
  for (let k = 0; k < rounds; k++) await new Promise<void>((resolve) => setImmediate(resolve));
}

export interface Harness {
  session: MeshSession;
  server: LobbyServer;
  timers: FakeTimers;
  pcs: Map<string, FakePeerConnection>;
  /** Each client's socket to the server, in the order they connected (p1, p2, p3, p4…). */
  sockets: InMemorySocket[];
}

let open: Harness[] = [];
/** Closes every harness a test made, or handed to `track` (a test file that imports this gets the hook). */
afterEach(() => {
  for (const h of open) {
    h.session.close();
    h.server.dispose();
  }
  open = [];
});

/** The in-page server with fixed ids (after the host, `ids` in join order) and fake peer connections that pair up. */
export function harness(ids: number[] = [3000, 2000, 5000, 6000, 7000, 8000]): Harness {
  const timers = new FakeTimers();
  const queue = [1000, ...ids];
  const server = new LobbyServer({ timers, randomId: () => queue.shift() ?? 9999, randomSecret: () => 'LOBBYNAME0123456' });
  const network = new InMemoryLobbyNetwork(server);
  const pcs = new Map<string, FakePeerConnection>();
  const sockets: InMemorySocket[] = [];
  let session!: MeshSession;
  const nameOf = (remote: number, viewer: string) => {
    if (remote === HOST_ID && viewer !== 'p1') return 'p1';
    for (const [name, s] of Object.entries(session.states())) if (s.id === remote) return name;
    return `#${remote}`;
  };
  session = new MeshSession({
    transport: 'in-page',
    connect: () => {
      const s = network.connect();
      sockets.push(s);
      return s;
    },
    createPeerConnection: (config, { peer, remote }) => {
      const pc = new FakePeerConnection(config);
      // Like a browser: gather one host candidate once the local description is set, then end.
      pc.onLocalDescriptionApplied = (p) =>
        queueMicrotask(() => {
          p.gather();
          p.completeGathering();
        });
      const other = nameOf(remote, peer);
      pcs.set(`${peer}>${other}`, pc);
      const far = pcs.get(`${other}>${peer}`);
      if (far) pairFakes(pc, far, { autoConnect: true });
      return pc as unknown as RTCPeerConnection;
    },
  });
  const h = { session, server, timers, pcs, sockets };
  open.push(h);
  return h;
}

/** Steps until nothing more is held (the peers' reactions included). Returns the steps taken. */
export async function stepAll(session: MeshSession, max = 200): Promise<number> {
  let steps = 0;
  await settle();
  while (session.queue.size > 0) {
    if (steps >= max) throw new Error(`still holding after ${max} steps`);
    session.step();
    steps++;
    await settle();
  }
  return steps;
}

/** Closes this session and server after the test, as harness() does for its own. */
export function track(h: Harness): void {
  open.push(h);
}

// ---------------------------------------------------------------- the real server script

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
