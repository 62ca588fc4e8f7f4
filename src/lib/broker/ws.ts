/**
 * mqtt.js over a WebSocket to a real broker (mosquitto, test.mosquitto.org …). Uses the
 * platform WebSocket (browsers, Node >= 22), through mqtt.js's own browser stream builder.
 * Load via dynamic import.
 */
import { browserStreamBuilder } from 'mqtt/lib/connect/ws';
import { generate, type Packet } from 'mqtt-packet';
import type { IClientOptions, StreamBuilder } from 'mqtt';
import { openClient, toConnection } from './mqtt-client';
import type { BrokerConnection, ConnectOptions, WirePacket } from './types';

/** Wait this long before retrying after a dropped connection. */
export const RECONNECT_PERIOD_MS = 1000;

export async function connectWebSocket(opts: ConnectOptions, url: URL): Promise<BrokerConnection> {
  const protocol = url.protocol === 'wss:' ? 'wss' : 'ws';
  const label = url.href;
  // mqtt.js rebuilds the URL from these parts (buildUrl in connect/ws.js).
  const target: IClientOptions = {
    protocol,
    hostname: url.hostname,
    ...(url.port ? { port: Number(url.port) } : {}),
    path: `${url.pathname || '/'}${url.search}`,
  };
  const credentials: Partial<IClientOptions> = {};
  // The rebuilt URL drops user:pass@; send them as MQTT credentials (§3.1.3.4, §3.1.3.5).
  if (url.username) credentials.username = decodeURIComponent(url.username);
  if (url.password) credentials.password = decodeURIComponent(url.password);

  let tapped = false;
  const streamBuilder: StreamBuilder = (client) => {
    // mqtt.js calls this just before it writes CONNECT, so listening here catches every packet.
    if (!tapped && opts.onPacket) {
      tapped = true;
      const report = reporter(opts.onPacket);
      client.on('packetsend', (p: Packet) => report('out', p));
      client.on('packetreceive', (p: Packet) => report('in', p));
    }
    // A fresh object each time: the builder fills in defaults by mutating it.
    return browserStreamBuilder(client, { ...client.options, ...target });
  };

  const client = await openClient(opts, {
    label,
    streamBuilder,
    reconnectPeriod: RECONNECT_PERIOD_MS,
    extra: credentials,
  });
  return toConnection(client);
}

/**
 * The WebSocket hides the raw bytes, so re-encode the decoded packets. For MQTT 3.1.1 this
 * reproduces the wire bytes, since lengths are always minimally encoded (§2.2.3).
 */
function reporter(onPacket: NonNullable<ConnectOptions['onPacket']>) {
  return (direction: WirePacket['direction'], packet: Packet): void => {
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(generate(packet, { protocolVersion: 4 }));
    } catch {
      return; // not re-encodable; the inspector simply misses it
    }
    try {
      onPacket({ direction, type: packet.cmd.toUpperCase(), bytes, at: Date.now() });
    } catch (err) {
      queueMicrotask(() => {
        throw err;
      });
    }
  };
}
