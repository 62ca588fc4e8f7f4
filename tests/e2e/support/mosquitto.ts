import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from '@playwright/test';
import { findMosquitto, mosquittoConfig } from './mosquitto-config';
import { freePorts, waitForPorts } from './free-port';

/** A mosquitto 2.x broker on 127.0.0.1, started by this test run. */
export interface Mosquitto {
  /** MQTT over WebSocket, e.g. ws://127.0.0.1:40123 (what the lab's `broker=` takes). */
  readonly wsUrl: string;
  /** Plain MQTT, e.g. mqtt://127.0.0.1:40122 (for mqtt.js in Node or mosquitto_sub). */
  readonly mqttUrl: string;
  readonly mqttPort: number;
  readonly wsPort: number;
  /** PID of the running mosquitto, or undefined while stopped. */
  readonly pid: number | undefined;
  /** stdout+stderr of mosquitto so far (all runs, last 64 KB). */
  logs(): string;
  /** SIGTERM, then SIGKILL after 3 s. Idempotent. */
  stop(): Promise<void>;
  /** Stops it and starts it again on the SAME ports (retained messages are lost: persistence is off). */
  restart(): Promise<void>;
  /** SIGKILL, as a crash would: no goodbye to any client. Start it again with start(). */
  kill(): Promise<void>;
  /** Starts it again on the SAME ports after kill(); a no-op while it runs. */
  start(): Promise<void>;
}

export interface StartMosquittoOptions {
  /** Fixed ports (defaults: free ports picked on 127.0.0.1). */
  mqttPort?: number;
  wsPort?: number;
  /** How long to wait for both listeners (default 10 s). */
  startTimeoutMs?: number;
  /** Extra lines appended to the generated mosquitto.conf. */
  extraConfig?: string;
}

const INSTALL_HINT =
  'mosquitto is not installed, but this test needs a real MQTT broker.\n' +
  '  Install it with:  apt-get install -y mosquitto   (Debian/Ubuntu; .ci/run does this)\n' +
  '                    brew install mosquitto         (macOS)\n' +
  '  or set MOSQUITTO_PATH to a mosquitto 2.x binary.';

// Every mosquitto we spawned and have not seen exit: killed if this process exits first.
const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const child of live) {
      try {
        if (child.pid) process.kill(child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

/**
 * Starts mosquitto on free loopback ports and waits until both listeners accept TCP.
 * Throws a clear error if mosquitto is missing, and mosquitto's own output if it fails to start.
 */
export async function startMosquitto(options: StartMosquittoOptions = {}): Promise<Mosquitto> {
  const bin = findMosquitto();
  if (!bin) throw new Error(INSTALL_HINT);

  let mqttPort = options.mqttPort;
  let wsPort = options.wsPort;
  if (mqttPort === undefined || wsPort === undefined) {
    const [a, b] = await freePorts(2);
    mqttPort ??= a === wsPort ? b : a;
    wsPort ??= b === mqttPort ? a : b;
  }
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;

  const dir = mkdtempSync(join(tmpdir(), 'lab-mosquitto-'));
  const confFile = join(dir, 'mosquitto.conf');
  writeFileSync(confFile, mosquittoConfig(mqttPort, wsPort, options.extraConfig));

  let output = '';
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > 65_536) output = output.slice(-65_536);
  };
  let child: ChildProcess | undefined;
  let removed = false;

  const launch = async (): Promise<void> => {
    const proc = spawn(bin, ['-c', confFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = proc;
    live.add(proc);
    installExitHook();
    proc.stdout?.on('data', append);
    proc.stderr?.on('data', append);
    let spawnError: Error | undefined;
    proc.once('error', (err) => {
      spawnError = err;
    });
    proc.once('exit', () => live.delete(proc));
    try {
      await waitForPorts([mqttPort, wsPort], {
        timeoutMs: startTimeoutMs,
        abort: () => {
          if (spawnError) return new Error(`Could not run ${bin}: ${spawnError.message}`);
          if (proc.exitCode !== null || proc.signalCode !== null) {
            return new Error(
              `mosquitto exited (${proc.exitCode ?? proc.signalCode}) before listening on ` +
                `127.0.0.1:${mqttPort} (mqtt) and :${wsPort} (websockets). Its output:\n${output}`,
            );
          }
          return undefined;
        },
      });
    } catch (err) {
      await stopChild();
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(
        message.includes('Its output:') ? message : `${message}\nmosquitto (${bin} -c ${confFile}) output:\n${output}`,
      );
    }
  };

  const killChild = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.pid === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    try {
      process.kill(proc.pid, 'SIGKILL');
    } catch {
      return;
    }
    await waitForExit(proc, 3000);
  };

  const stopChild = async (): Promise<void> => {
    const proc = child;
    child = undefined;
    if (!proc || proc.pid === undefined) return;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    try {
      process.kill(proc.pid, 'SIGTERM');
    } catch {
      return;
    }
    if (await waitForExit(proc, 3000)) return;
    try {
      process.kill(proc.pid, 'SIGKILL');
    } catch {
      return;
    }
    await waitForExit(proc, 3000);
  };

  try {
    await launch();
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }

  const broker: Mosquitto = {
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    mqttPort,
    wsPort,
    get pid() {
      return child?.pid;
    },
    logs: () => output,
    async stop() {
      await stopChild();
      if (!removed) {
        removed = true;
        rmSync(dir, { recursive: true, force: true });
      }
    },
    async restart() {
      if (removed) throw new Error('restart() after stop(): start a new broker with startMosquitto() instead');
      await stopChild();
      await launch();
    },
    kill: killChild,
    async start() {
      if (removed) throw new Error('start() after stop(): start a new broker with startMosquitto() instead');
      if (!child) await launch();
    },
  };
  return broker;
}

/**
 * Playwright fixtures: `mosquitto` is one broker per worker, started on first use.
 * A test may call `mosquitto.restart()`; it must not call `stop()` (later tests in the
 * worker share the broker) — use `startMosquitto()` directly for a broker of its own.
 */
export const test = base.extend<object, { mosquitto: Mosquitto }>({
  mosquitto: [
    async ({}, use) => {
      const broker = await startMosquitto();
      try {
        await use(broker);
      } finally {
        await broker.stop();
      }
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';
