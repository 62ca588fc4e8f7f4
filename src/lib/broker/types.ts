/**
 * The slice of an mqtt.js v5 client that the lab uses. The real client (in-page aedes or
 * ws:// broker) satisfies it, and so does the in-memory DirectBus and the test fakes.
 */
export interface PublishOptions {
  qos: 0 | 1 | 2;
  retain: boolean;
}

/** The subset of mqtt-packet's IPublishPacket the lab reads. */
export interface ReceivedPacket {
  topic: string;
  payload: Uint8Array;
  qos: 0 | 1 | 2;
  retain: boolean;
  messageId?: number;
}

export interface MqttLike {
  readonly connected: boolean;
  publish(topic: string, payload: string, opts: PublishOptions, cb?: (err?: Error) => void): unknown;
  subscribe(topics: Record<string, { qos: 0 | 1 | 2 }>, cb?: (err: Error | null) => void): unknown;
  on(event: 'message', cb: (topic: string, payload: Uint8Array, packet: ReceivedPacket) => void): unknown;
  on(event: 'connect', cb: () => void): unknown;
  on(event: 'close' | 'offline' | 'reconnect' | 'end', cb: () => void): unknown;
  on(event: 'error', cb: (err: Error) => void): unknown;
  /** force=true drops the transport without DISCONNECT, so the broker fires the will. */
  end(force?: boolean, cb?: () => void): unknown;
  /** mqtt.js: the packet id of the last QoS > 0 PUBLISH (transports without ids leave it out). */
  getLastMessageId?(): number | undefined;
  /** mqtt.js: forget a QoS > 0 PUBLISH it would otherwise resend after reconnecting. */
  removeOutgoingMessage?(messageId: number): unknown;
}

/** Seconds; the broker drops a client after 1.5× this without a packet (MQTT 3.1.1 §3.1.2.10). */
export const DEFAULT_KEEPALIVE_S = 30;

export interface LastWill {
  topic: string;
  payload: string;
  qos: 0 | 1 | 2;
  retain: boolean;
}

/** One framed MQTT control packet as it crossed the wire, for the inspector. */
export interface WirePacket {
  direction: 'out' | 'in';
  /** Packet type name from the fixed header, e.g. PUBLISH, CONNACK. */
  type: string;
  bytes: Uint8Array;
  at: number;
}

export interface ConnectOptions {
  /** 'in-page' (aedes in this page), 'direct' (no broker, in-memory bus), or a ws:// / wss:// URL. */
  broker: string;
  clientId: string;
  /** Absent for a client that speaks for no peer (the watch mode). */
  will?: LastWill;
  /** Give up on the first connect after this long (ms). */
  connectTimeoutMs?: number;
  /** Keep-alive in seconds, sent in CONNECT (§3.1.2.10); the transport's default when omitted. */
  keepaliveS?: number;
  /** Called for every MQTT packet sent or received, where the transport can see bytes. */
  onPacket?: (packet: WirePacket) => void;
}

export interface BrokerConnection {
  client: MqttLike;
  /** Drop the connection without DISCONNECT: the broker publishes the will. */
  pullPlug(): void;
  /**
   * Fall silent without closing anything, as when Wi-Fi dies: the client writes nothing more
   * (no PINGREQ, no acknowledgements) and ignores what arrives. The broker notices only after
   * 1.5 × keep-alive without a packet (MQTT 3.1.1 §3.1.2.10), then publishes the will.
   * Transports without a keep-alive (the direct bus) leave it out.
   */
  goSilent?(): void;
  /** Graceful DISCONNECT (no will). */
  close(): Promise<void>;
}
