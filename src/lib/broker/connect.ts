/**
 * connectBroker(): one entry point for every transport the lab can use. This module is
 * light; each transport is loaded on demand, so a page that never starts a lab (or uses
 * only a ws:// broker) never downloads aedes.
 */
import type { BrokerConnection, ConnectOptions, MqttLike } from './types';

export type BrokerSpec =
  | { kind: 'in-page' }
  | { kind: 'direct' }
  | { kind: 'ws'; url: URL };

/** Parses the `broker` option / URL parameter. Throws an Error that explains what is allowed. */
export function parseBroker(broker: string): BrokerSpec {
  const b = broker.trim();
  if (b === 'in-page') return { kind: 'in-page' };
  if (b === 'direct') return { kind: 'direct' };
  let url: URL;
  try {
    url = new URL(b);
  } catch {
    throw new Error(`Invalid broker "${broker}": use 'in-page', 'direct', or a ws:// or wss:// URL`);
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new Error(
      `Unsupported broker URL "${broker}": browsers reach MQTT brokers only over WebSockets, so use ws:// or wss://`,
    );
  }
  return { kind: 'ws', url };
}

let inPageUsed = false;
let directUsed = false;

export async function connectBroker(opts: ConnectOptions): Promise<BrokerConnection> {
  const spec = parseBroker(opts.broker);
  switch (spec.kind) {
    case 'in-page': {
      inPageUsed = true;
      const { connectInPage } = await import('./in-page');
      return connectInPage(opts);
    }
    case 'direct': {
      directUsed = true;
      const { getSharedDirectBus } = await import('./direct-bus');
      const client = getSharedDirectBus().connect({ clientId: opts.clientId, will: opts.will });
      await whenConnected(client);
      return {
        client,
        pullPlug: () => void client.end(true),
        close: () => new Promise<void>((resolve) => client.end(false, resolve)),
      };
    }
    case 'ws': {
      const { connectWebSocket } = await import('./ws');
      return connectWebSocket(opts, spec.url);
    }
  }
}

/**
 * Starts downloading the transport for `broker` without connecting, so the fetch overlaps
 * with whatever else the caller is loading; for the in-page broker, also starts aedes.
 * Errors surface later, in connectBroker().
 */
export function preloadBroker(broker: string): void {
  let spec: BrokerSpec;
  try {
    spec = parseBroker(broker);
  } catch {
    return;
  }
  const loading =
    spec.kind === 'in-page'
      ? import('./in-page').then((m) => {
          inPageUsed = true;
          return m.getInPageBroker();
        })
      : spec.kind === 'ws'
        ? import('./ws')
        : import('./direct-bus');
  loading.catch(() => undefined);
}

/**
 * Forgets every broker that lives in this page: closes the in-page aedes (its retained
 * messages go with it) and empties the shared direct bus. Close the lab's connections first.
 * Loads nothing that was not already loaded.
 */
export async function resetInPageBroker(): Promise<void> {
  const jobs: Promise<void>[] = [];
  if (inPageUsed) jobs.push(import('./in-page').then((m) => m.resetInPageBroker()));
  if (directUsed) jobs.push(import('./direct-bus').then((m) => m.resetSharedDirectBus()));
  await Promise.all(jobs);
}

function whenConnected(client: MqttLike): Promise<void> {
  if (client.connected) return Promise.resolve();
  return new Promise((resolve) => client.on('connect', resolve));
}

export type { BrokerConnection, ConnectOptions, LastWill, MqttLike, ReceivedPacket, WirePacket } from './types';
