/**
 * A real MQTT broker (aedes) running inside this page. Each mqtt.js client talks to it over
 * an in-memory duplex pair, so every byte crosses a "wire" we can tap and frame into packets.
 * This module is heavy (aedes + mqtt.js + stream polyfills): load it only via dynamic import.
 */
import { Aedes } from 'aedes';
import { Duplex } from 'readable-stream';
import type { StreamBuilder } from 'mqtt';
import { MqttFramer, PacketSizeGuard, packetTypeName } from './framer';
import { openClient, toConnection } from './mqtt-client';
import type { BrokerConnection, ConnectOptions, WirePacket } from './types';
import { MAX_PAYLOAD_BYTES } from '../signalling/types';

/**
 * Largest packet the in-page broker accepts (aedes has no such option). Twice the signal
 * payload limit, so a payload just over that limit still arrives and is rejected with its
 * reason; anything bigger closes the connection, as mosquitto's max_packet_size does.
 */
export const MAX_PACKET_BYTES = 2 * MAX_PAYLOAD_BYTES;

let broker: Promise<Aedes> | undefined;

/** The page's one aedes instance, created on first use and shared by all its clients. */
export function getInPageBroker(): Promise<Aedes> {
  broker ??= Aedes.createBroker({
    // No other broker instances exist, so the cluster heartbeat only costs timers.
    heartbeatInterval: 60 * 60 * 1000,
  }).catch((err: unknown) => {
    broker = undefined; // let the next Start try again
    throw err;
  });
  return broker;
}

/**
 * Closes the in-page broker (dropping its clients) and forgets it, so retained messages and
 * sessions are gone; the next connect creates a fresh one.
 */
export async function resetInPageBroker(): Promise<void> {
  const current = broker;
  broker = undefined;
  if (!current) return;
  const aedes = await current.catch(() => undefined);
  if (!aedes) return;
  await new Promise<void>((resolve) => aedes.close(() => resolve()));
}

type Tap = (chunk: Uint8Array) => void;
/** Why the broker would close the connection on this chunk, or null to pass it on. */
type Guard = (chunk: Uint8Array) => string | null;

/** One end of an in-memory pipe: what is written here is read at the peer end. */
class PipeEnd extends Duplex {
  peer: PipeEnd | undefined;

  constructor(
    private readonly tap: Tap,
    private readonly guard: Guard = () => null,
  ) {
    super();
  }

  override _read(): void {
    // Data is pushed by the peer's _write; nothing to pull.
  }

  override _write(chunk: Uint8Array, _enc: string, cb: (err?: Error | null) => void): void {
    const refused = this.guard(chunk);
    if (refused) {
      // The broker drops the connection before reading the packet: tear down both ends.
      cb(new Error(refused));
      return;
    }
    this.tap(chunk);
    this.peer?.push(chunk);
    cb();
  }

  override _final(cb: (err?: Error | null) => void): void {
    // Half-close: the peer reads EOF, as after a TCP FIN.
    this.peer?.push(null);
    cb();
  }

  override _destroy(err: Error | null, cb: (err: Error | null) => void): void {
    // Like a dropped socket, destroying one end tears down the other.
    if (this.peer && !this.peer.destroyed) this.peer.destroy();
    cb(err);
  }
}

/** The broker's side of the size limit, on what a client sends it. */
function sizeGuard(maxBytes: number): Guard {
  const guard = new PacketSizeGuard(maxBytes);
  return (chunk) => {
    let size: number | null;
    try {
      size = guard.push(chunk);
    } catch (err) {
      return `the in-page broker closed the connection: ${err instanceof Error ? err.message : String(err)}`;
    }
    return size === null ? null : `the in-page broker closed the connection: a ${size}-byte packet is over its ${maxBytes}-byte limit`;
  };
}

function pipePair(tapClientToBroker: Tap, tapBrokerToClient: Tap): [client: PipeEnd, broker: PipeEnd] {
  const client = new PipeEnd(tapClientToBroker, sizeGuard(MAX_PACKET_BYTES));
  const brokerEnd = new PipeEnd(tapBrokerToClient);
  client.peer = brokerEnd;
  brokerEnd.peer = client;
  return [client, brokerEnd];
}

/** Frames one direction's bytes into whole packets and reports each one. */
function makeTap(direction: WirePacket['direction'], onPacket: ConnectOptions['onPacket']): Tap {
  if (!onPacket) return () => {};
  const framer = new MqttFramer();
  let broken = false;
  return (chunk) => {
    if (broken) return;
    let packets: Uint8Array[];
    try {
      packets = framer.push(chunk);
    } catch {
      broken = true; // Malformed stream: the broker will drop it; stop reporting.
      return;
    }
    for (const bytes of packets) {
      const packet: WirePacket = { direction, type: packetTypeName(bytes[0]!), bytes, at: Date.now() };
      try {
        onPacket(packet);
      } catch (err) {
        // An inspector bug must not break the transport; surface it asynchronously.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  };
}

export async function connectInPage(opts: ConnectOptions): Promise<BrokerConnection> {
  const aedes = await getInPageBroker();
  // A fresh pipe for every (re)connect; the broker takes its end like an accepted socket.
  const streamBuilder: StreamBuilder = () => {
    const [clientEnd, brokerEnd] = pipePair(makeTap('out', opts.onPacket), makeTap('in', opts.onPacket));
    aedes.handle(brokerEnd as unknown as Parameters<Aedes['handle']>[0]);
    return clientEnd;
  };
  const client = await openClient(opts, {
    label: 'the in-page broker',
    streamBuilder,
    reconnectPeriod: 0, // a torn-down pipe cannot come back
  });
  return toConnection(client);
}
