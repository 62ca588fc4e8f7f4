/**
 * The one mqtt.js client set-up shared by the in-page and ws:// paths. mqtt.js is imported
 * from its compiled sources (`mqtt/lib/client`), not from the package root: in the browser
 * the root resolves to the prebuilt dist/mqtt.esm.js, which bundles its own copies of the
 * Node polyfills and would double the lazy chunk.
 */
import * as clientModule from 'mqtt/lib/client';
import type { IClientOptions, MqttClient, StreamBuilder } from 'mqtt';
import { CONNECT_TIMEOUT_MS, connectDeadline, deadlineText } from '../signalling/connect-deadline';
import { DEFAULT_KEEPALIVE_S, type BrokerConnection, type ConnectOptions, type MqttLike } from './types';

/** Seconds; the broker drops us after 1.5× this without a packet (MQTT 3.1.1 §3.1.2.10). */
export const KEEPALIVE_S = DEFAULT_KEEPALIVE_S;
const CLOSE_GRACE_MS = 3000;

type MqttClientCtor = new (streamBuilder: StreamBuilder, options: IClientOptions) => MqttClient;

/**
 * build/lib/client.js is CommonJS with `exports.default = MqttClient`. Bundlers honour
 * __esModule and hand us the class as `default`; Node's ESM loader hands us module.exports,
 * so the class sits one `default` deeper. Accept both.
 */
function resolveCtor(mod: unknown): MqttClientCtor {
  let v: unknown = mod;
  for (let i = 0; i < 3 && typeof v !== 'function' && v !== null && typeof v === 'object'; i++) {
    v = (v as { default?: unknown }).default;
  }
  if (typeof v !== 'function') throw new Error('mqtt/lib/client did not export the MqttClient class');
  return v as MqttClientCtor;
}

export interface ClientSetup {
  /** How errors name the broker, e.g. "ws://127.0.0.1:9001/" or "the in-page broker". */
  label: string;
  streamBuilder: StreamBuilder;
  /** 0 for transports that cannot come back (in-page); ~1000 ms for ws. */
  reconnectPeriod: number;
  extra?: Partial<IClientOptions>;
}

/**
 * Creates the client and resolves on CONNACK. Rejects on the first failure (transport closed,
 * CONNACK refused, or timeout) and then stops the client, so nothing retries in the background.
 */
export function openClient(opts: ConnectOptions, setup: ClientSetup): Promise<MqttClient> {
  const timeoutMs = opts.connectTimeoutMs ?? CONNECT_TIMEOUT_MS;
  const MqttClientClass = resolveCtor(clientModule);
  const options: IClientOptions = {
    clientId: opts.clientId,
    protocolVersion: 4, // aedes speaks MQTT 3.1.1 only
    clean: true,
    keepalive: opts.keepaliveS ?? KEEPALIVE_S,
    reconnectPeriod: setup.reconnectPeriod,
    connectTimeout: timeoutMs,
    // Every peer's client carries a will, so pulling the plug always tells the other peer
    // (§3.1.2.5); a watcher speaks for no peer and has none.
    ...(opts.will ? { will: { topic: opts.will.topic, payload: opts.will.payload, qos: opts.will.qos, retain: opts.will.retain } } : {}),
    // Off: mqtt-packet would otherwise build 65,536 two-byte Buffers on its first write
    // (~10 ms and a GC on this machine), for a few dozen packet ids. Also turns it off for
    // aedes, which shares the module.
    writeCache: false,
    ...setup.extra,
  };

  return new Promise<MqttClient>((resolve, reject) => {
    let settled = false;
    let client: MqttClient | undefined;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      cancel();
      client?.end(true);
      reject(new Error(`Could not connect to ${setup.label}: ${why}`));
    };
    const cancel = connectDeadline(timeoutMs, () => fail(`connection refused or timed out (${deadlineText('no CONNACK', timeoutMs)})`));
    try {
      client = new MqttClientClass(setup.streamBuilder, options);
    } catch (err) {
      fail(describeError(err));
      return;
    }
    const c = client;
    const onConnect = (): void => {
      if (settled) return;
      settled = true;
      cancel();
      c.removeListener('close', onClose);
      c.removeListener('error', onError);
      resolve(c);
    };
    const onClose = (): void => fail('connection refused or timed out');
    const onError = (err: Error): void => fail(describeError(err));
    c.once('connect', onConnect);
    c.on('close', onClose);
    c.on('error', onError);
  });
}

/** The parts of mqtt.js's client that going silent needs; not in its public types. */
interface MqttInternals {
  _destroyKeepaliveManager(): void;
  options: { reconnectPeriod?: number };
  stream: { unpipe(): unknown; write: (...args: unknown[]) => boolean };
}

/**
 * Cuts the client off without closing its socket. mqtt.js's KeepaliveManager would send a
 * PINGREQ and, with no PINGRESP, close the socket itself after 1.5 × keep-alive (mqtt.js
 * 5.16 KeepaliveManager: third tick → onKeepaliveTimeout → _cleanUp(true)); that close would
 * fire the will early and at a time the broker did not choose. So: no keep-alive manager, no
 * reconnect, every write swallowed, and nothing read (the stream is unpiped from the parser).
 */
function silence(client: MqttClient): void {
  const c = client as unknown as MqttInternals;
  c._destroyKeepaliveManager();
  c.options.reconnectPeriod = 0;
  c.stream.unpipe();
  c.stream.write = (...args: unknown[]): boolean => {
    const cb = args.findLast((a): a is () => void => typeof a === 'function');
    if (cb) queueMicrotask(cb);
    return true;
  };
}

/** Wraps a connected client in the lab's BrokerConnection. */
export function toConnection(client: MqttClient): BrokerConnection {
  let silent = false;
  return {
    // mqtt.js's typed emitter is wider than MqttLike's overloads; the shapes agree at runtime.
    client: client as unknown as MqttLike,
    pullPlug() {
      // end(true) destroys the stream without DISCONNECT, so the broker publishes the will.
      client.end(true);
    },
    goSilent() {
      if (silent) return;
      silent = true;
      silence(client);
    },
    close() {
      return new Promise<void>((resolve) => {
        // A graceful end waits for DISCONNECT to be written; if the link is down (or we
        // went silent, so nothing is written), force it.
        if (!client.connected || silent) {
          client.end(true, () => resolve());
          return;
        }
        const guard = setTimeout(() => {
          client.stream.destroy();
          resolve();
        }, CLOSE_GRACE_MS);
        client.end(false, () => {
          clearTimeout(guard);
          resolve();
        });
      });
    },
  };
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    if (err.name === 'SecurityError') {
      return `${err.message} (an https:// page can only open wss:// connections)`;
    }
    return err.message;
  }
  return String(err);
}
