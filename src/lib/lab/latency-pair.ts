/**
 * The direct-path chapter's latency experiment: two peers of the two-device lab in ONE page.
 * alice and bob join a fresh root on the broker the reader chose, alice calls bob, and
 * alice's two latency paths are what gets timed: MQTT (her ping topics, client → broker →
 * client each way) and the negotiated "latency" data channel (one hop, SCTP over DTLS over
 * UDP). Every signal is delivered as it arrives (Play at 0): there is nothing to step here.
 * The machinery is SoloSession's own, so the solo lab and the chapter time the same thing.
 */
import type { BrokerConnection, ConnectOptions } from '../broker/types';
import type { LatencyPath } from '../latency/run';
import { whenOpen, withTimeout } from '../latency/relay-link';
import { randomToken } from '../signalling/topics';
import { SoloSession } from './solo-session';

export interface LatencyPairConfig {
  /** 'in-page', 'tabs' or a ws:// / wss:// URL, as the connector takes it. */
  broker: string;
  /** A fresh level is added under it for each run, so two readers on one public broker never meet. */
  root: string;
  /** How long joining and connecting may take, all told (ms). */
  timeoutMs?: number;
}

export interface LatencyPairDeps {
  connectBroker: (opts: ConnectOptions) => Promise<BrokerConnection>;
  createPeerConnection: (config: RTCConfiguration) => RTCPeerConnection;
}

export interface LatencyPair {
  /** alice's paths to bob: 'MQTT', then 'Data channel'. */
  paths: LatencyPath[];
  /** Both leave the broker and close their connections. */
  close(): Promise<void>;
}

/** What the pair is doing, for the reader while it sets up. */
export type PairStep = 'joining' | 'connecting' | 'open';

const ALICE = 'alice';
const BOB = 'bob';

/** Resolves once `ready()` holds, checked now and after every event either session traces. */
function until(sessions: readonly SoloSession[], ready: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    if (ready()) return resolve();
    const offs = sessions.map((s) =>
      s.trace.subscribe(() => {
        if (!ready()) return;
        for (const off of offs) off();
        resolve();
      }),
    );
  });
}

async function joined(s: SoloSession): Promise<void> {
  await s.join();
  if (s.phase !== 'joined') throw new Error(`${s.self} could not join: ${s.error ?? s.phase}`);
  s.play(0);
}

export async function openLatencyPair(config: LatencyPairConfig, deps: LatencyPairDeps, onStep: (step: PairStep) => void = () => {}): Promise<LatencyPair> {
  const root = `${config.root}/${randomToken(8)}`;
  const [alice, bob] = [ALICE, BOB].map((self) => new SoloSession({ broker: config.broker, root, self }, deps)) as [SoloSession, SoloSession];
  const close = async () => {
    await Promise.allSettled([alice.leave(), bob.leave()]);
  };
  const setUp = async () => {
    onStep('joining');
    await joined(alice);
    await joined(bob);
    await until([alice], () => alice.roster.get(BOB)?.status === 'online');
    onStep('connecting');
    if (!alice.connectTo(BOB)) throw new Error(`${ALICE} could not call ${BOB}`);
    await until([alice, bob], () => alice.latencyChannel !== null && bob.latencyChannel !== null);
    await Promise.all([whenOpen(alice.latencyChannel!), whenOpen(bob.latencyChannel!)]);
    onStep('open');
  };
  try {
    await withTimeout(setUp(), config.timeoutMs ?? 20_000, 'alice and bob did not connect in time');
  } catch (err) {
    await close();
    throw err;
  }
  return { paths: alice.latencyPaths().filter((p) => p.name === 'MQTT' || p.name === 'Data channel'), close };
}

/** What the MQTT numbers went through, by the broker the reader chose: the honest caveat. */
export interface BrokerPath {
  kind: 'in-page' | 'tabs' | 'loopback' | 'network';
  /** True when MQTT crossed a real socket (TCP under a WebSocket) to a broker process. */
  real: boolean;
  /** Short, for a caption: "the in-page broker". */
  label: string;
  /** One sentence: what the MQTT numbers measure. */
  says: string;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

const BROKER_PATHS: readonly { test: (broker: string) => boolean; path: BrokerPath }[] = [
  {
    test: (b) => b === 'in-page',
    path: { kind: 'in-page', real: false, label: 'the in-page broker', says: 'MQTT goes through the in-page broker: aedes, a real MQTT broker, running in this page. Its packets are encoded and parsed, then handed on through memory: no socket, no network.' },
  },
  {
    test: (b) => b === 'tabs',
    path: { kind: 'tabs', real: false, label: "this browser's tabs hub", says: "MQTT goes through this browser's tabs hub: a SharedWorker in this browser. Each message is posted from the page to the worker and back: no socket, no network." },
  },
  {
    test: (b) => hostOf(b) !== null && LOOPBACK.has(hostOf(b)!),
    path: { kind: 'loopback', real: true, label: 'a real broker on this computer', says: 'MQTT goes through a real broker on this computer: a WebSocket over TCP on the loopback interface, client → broker → client each way.' },
  },
  {
    test: (b) => hostOf(b) !== null,
    path: { kind: 'network', real: true, label: 'a real broker over the network', says: 'MQTT goes through a real broker over the network: a WebSocket over TCP, client → broker → client each way, so each message crosses the network twice.' },
  },
];

function hostOf(broker: string): string | null {
  try {
    const url = new URL(broker);
    return url.protocol === 'ws:' || url.protocol === 'wss:' ? url.hostname : null;
  } catch {
    return null;
  }
}

/** The honest caveat for a broker; null for a value that is no broker. */
export function brokerPath(broker: string): BrokerPath | null {
  return BROKER_PATHS.find((p) => p.test(broker.trim()))?.path ?? null;
}
