/**
 * MqttEndpoint: one peer's MQTT client as every lab uses it. It connects with a last will,
 * follows the connection (lost, reconnecting, back), records every packet in the trace,
 * publishes signals (traced as 'published') and hands each incoming message, with the
 * PUBLISH that carried it, to the session. The broker connector is injected.
 */
import { DEFAULT_KEEPALIVE_S, type BrokerConnection, type ConnectOptions, type LastWill, type MqttLike, type ReceivedPacket, type WirePacket } from '../broker/types';
import { takeWire } from '../mqtt/handshake';
import { encodeSignal, payloadBytes } from '../signalling/codec';
import type { WireSignal } from '../signalling/types';
import { KEEP } from '../signalling/keep-limits';
import { packetEvent, packetKeeps } from '../trace/packets';
import type { DialectWire, TraceEventBody } from '../trace/types';

/** Signals kept while the link is down; a peer sends a few dozen per session. */
export const MAX_OUTBOX = 256;

/** A signal on its way out: kept in the outbox while the link is down. */
interface Outgoing {
  topic: string;
  signal: WireSignal;
  retain: boolean;
  qos: 0 | 1 | 2;
  /** The signal in another app's dialect (../dialects): what goes on the wire instead of its lab JSON. */
  wire?: DialectWire;
}

export type MessageHandler = (topic: string, payload: Uint8Array, packet: ReceivedPacket, wire: WirePacket | undefined) => void;

export interface EndpointOptions {
  /** The peer this client speaks for: its lane in the trace. */
  peer: string;
  broker: string;
  clientId: string;
  /** Absent for a client that speaks for no peer (the watch mode): it publishes nothing. */
  will?: LastWill;
  keepaliveS?: number;
  connectBroker: (opts: ConnectOptions) => Promise<BrokerConnection>;
  emit: (body: TraceEventBody) => void;
  onMessage: MessageHandler;
  /** Back after a drop: the broker may have published our will meanwhile (MQTT 3.1.1 §3.1.2.5). */
  onReconnect?: () => void;
}

export class MqttEndpoint {
  readonly peer: string;
  private conn: BrokerConnection | null = null;
  private inbox: WirePacket[] = [];
  private recorded = 0;
  private keptBytes = 0;
  private lastOutAt = 0;
  private closed = false;
  /** The reader pulled the plug: no more publishing, no reconnect news. */
  unplugged = false;
  /** Pulled silently: the link is cut but open, so its packets are no longer recorded. */
  private silent = false;
  /**
   * The lab's own outbox. mqtt.js keeps a QoS 1 PUBLISH made offline and resends it right
   * after the next CONNACK, but that is too early: when the broker itself restarted, it lost
   * every subscription (a kept session, clean: false, survives only on a broker that
   * persists sessions, and mosquitto does not by default), so a signal resent before the
   * recipient has subscribed again is acknowledged and dropped: nobody is subscribed
   * (MQTT 3.1.1 §4.4 resends, it does not wait for subscribers). So the signal waits here
   * until the link is back and the session has seen the recipient online (flushOutbox).
   */
  private outbox: Outgoing[] = [];
  /** QoS > 0 signals written but not yet acknowledged, by MQTT packet id. */
  private readonly unacked = new Map<number, Outgoing>();

  constructor(private readonly opts: EndpointOptions) {
    this.peer = opts.peer;
  }

  get connected(): boolean {
    return this.conn !== null;
  }

  /** Connects; traces 'connecting' and then 'connected' or 'error'. Throws with the reason on failure. */
  async connect(): Promise<void> {
    const { peer, broker } = this.opts;
    this.emit({ type: 'broker', peer, state: 'connecting', detail: broker });
    let conn: BrokerConnection;
    try {
      conn = await this.opts.connectBroker({
        broker,
        clientId: this.opts.clientId,
        will: this.opts.will,
        onPacket: (p) => this.record(p),
        ...(this.opts.keepaliveS !== undefined ? { keepaliveS: this.opts.keepaliveS } : {}),
      });
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      this.emit({ type: 'broker', peer, state: 'error', detail });
      throw new Error(detail);
    }
    if (this.closed) {
      void conn.close().catch(() => undefined);
      return;
    }
    this.conn = conn;
    this.follow(conn);
    this.emit({ type: 'broker', peer, state: 'connected', detail: broker });
  }

  subscribe(topics: Record<string, { qos: 0 | 1 | 2 }>): Promise<void> {
    const client = this.conn?.client;
    if (!client) return Promise.reject(new Error('not connected'));
    return new Promise((resolve, reject) => client.subscribe(topics, (err) => (err ? reject(err) : resolve())));
  }

  /**
   * Publishes a signal and traces it. Null when it could not be sent (traced with why);
   * else a promise that settles once the broker acknowledged it or it failed, or at once
   * when the link is down and it waits in the outbox ('queued-offline'). Never rejects.
   */
  publish(topic: string, signal: WireSignal, retain: boolean, qos: 0 | 1 | 2 = 1, wire?: DialectWire): Promise<void> | null {
    const { peer } = this.opts;
    const client = this.conn?.client;
    const full = this.outbox.length >= MAX_OUTBOX;
    if (!client || this.unplugged || (!client.connected && full)) {
      const detail = this.unplugged ? 'the plug is pulled: no broker connection' : client ? `the outbox is full (${MAX_OUTBOX} signals)` : 'not connected to the broker';
      this.emit({ type: 'api', peer, call: `publish ${signal.kind}`, ok: false, detail });
      return null;
    }
    const out: Outgoing = { topic, signal, retain, qos, ...(wire ? { wire } : {}) };
    if (!client.connected) {
      this.keep(out, 'the link to the broker is down');
      return Promise.resolve();
    }
    return this.send(client, out, false);
  }

  /**
   * The session saw `to` online: it is subscribed again, so what waits for it (and anything
   * addressed to nobody in particular) goes out now, in the order it was published. Does
   * nothing while the link is still down.
   */
  flushOutbox(to: string): void {
    const client = this.conn?.client;
    if (!client?.connected || this.unplugged || this.closed || this.outbox.length === 0) return;
    const ready = this.outbox.filter((o) => !('to' in o.signal) || o.signal.to === to);
    this.outbox = this.outbox.filter((o) => !ready.includes(o));
    for (const out of ready) void this.send(client, out, true);
  }

  private keep(out: Outgoing, reason: string): void {
    const { signal } = out;
    this.outbox.push(out);
    const to = 'to' in signal ? { to: signal.to } : {};
    this.emit({ type: 'queued-offline', peer: this.opts.peer, mid: signal.mid, kind: signal.kind, topic: out.topic, ...to, reason });
  }

  private send(client: MqttLike, out: Outgoing, fromOutbox: boolean): Promise<void> {
    const { peer } = this.opts;
    const { topic, signal, retain, qos, wire } = out;
    const payload = encodeSignal(signal);
    const sent = wire?.payload ?? payload;
    this.emit({ type: 'published', peer, mid: signal.mid, kind: signal.kind, topic, payload, bytes: payloadBytes(sent), qos, retain, ...(wire ? { wire } : {}), ...(fromOutbox ? { fromOutbox } : {}) });
    return new Promise((resolve) => {
      let settled = false;
      let id: number | undefined;
      client.publish(topic, sent, { qos, retain }, (err) => {
        settled = true;
        // Taken back into the outbox when the link dropped (onLost): not a failure.
        if (id !== undefined && !this.unacked.delete(id)) return resolve();
        if (err && !this.closed) this.emit({ type: 'api', peer, call: `publish ${signal.kind}`, ok: false, detail: err.message });
        resolve();
      });
      // mqtt.js numbers a QoS > 0 PUBLISH synchronously (MQTT 3.1.1 §2.3.1).
      id = qos > 0 && !settled ? client.getLastMessageId?.() : undefined;
      if (id !== undefined) this.unacked.set(id, out);
    });
  }

  /**
   * The link dropped: what was written without a PUBACK may or may not have reached the
   * broker. Take it back from mqtt.js (which would resend it too early, see `outbox`) into
   * the outbox. The recipient may then get it twice; QoS 1 is "at least once" (§4.3.2).
   */
  private reclaimUnacked(client: MqttLike): void {
    for (const [id, out] of this.unacked) {
      this.unacked.delete(id);
      client.removeOutgoingMessage?.(id);
      this.keep(out, 'written just before the link dropped, with no PUBACK');
    }
  }

  /** Publishes text that is not a signal (a probe, a ping, a cleared status). False when not connected. */
  publishRaw(topic: string, text: string, retain = false, qos: 0 | 1 | 2 = 1): boolean {
    const client = this.conn?.client;
    if (!client || this.unplugged) return false;
    client.publish(topic, text, { qos, retain });
    return true;
  }

  /**
   * Ungraceful disconnect: no DISCONNECT packet, so the broker publishes the will. By default
   * the socket closes and the will fires at once. `silent` cuts the link but closes nothing
   * (Wi-Fi gone): the broker fires the will only after 1.5 × keep-alive without a packet
   * (MQTT 3.1.1 §3.1.2.10). Transports without a keep-alive fall back to the plain pull.
   */
  pullPlug(opts: { silent?: boolean } = {}): void {
    const conn = this.conn;
    if (!conn || this.unplugged) return;
    this.unplugged = true;
    const peer = this.opts.peer;
    if (opts.silent && conn.goSilent) {
      const quietMs = this.lastOutAt ? Math.max(0, Date.now() - this.lastOutAt) : 0;
      this.silent = true;
      conn.goSilent();
      this.emit({ type: 'plug-pulled', peer, keepaliveS: this.opts.keepaliveS ?? DEFAULT_KEEPALIVE_S, quietMs });
      return;
    }
    this.emit({ type: 'plug-pulled', peer });
    conn.pullPlug();
  }

  /**
   * Leaves. A graceful DISCONNECT does not fire the will (MQTT 3.1.1 §3.14.4), so the
   * retained topics in `clear` are emptied first (an empty retained payload deletes, §3.3.1.3).
   */
  async close(clear: readonly string[] = []): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.outbox = [];
    this.unacked.clear();
    const conn = this.conn;
    this.conn = null;
    if (!conn) return;
    if (!this.unplugged) for (const topic of clear) conn.client.publish(topic, '', { qos: 1, retain: true });
    await conn.close().catch(() => undefined);
  }

  private follow(conn: BrokerConnection): void {
    const { client } = conn;
    const { peer } = this.opts;
    let lost = false;
    const quiet = () => this.closed || this.unplugged;
    client.on('message', (topic, payload, packet) => {
      const wire = takeWire(this.inbox, topic, packet.messageId);
      // A silent peer's wire is cut: nothing sent to it arrives.
      if (!this.closed && !this.silent) this.opts.onMessage(topic, payload, packet, wire);
    });
    const onLost = () => {
      if (lost || quiet()) return;
      lost = true;
      this.emit({ type: 'broker', peer, state: 'lost', detail: 'connection to the broker dropped' });
      this.reclaimUnacked(client);
    };
    client.on('close', onLost);
    client.on('offline', onLost);
    client.on('reconnect', () => {
      if (!quiet()) this.emit({ type: 'broker', peer, state: 'reconnecting' });
    });
    client.on('connect', () => {
      // mqtt.js emits connect again after an automatic reconnect.
      if (!lost || quiet()) return;
      lost = false;
      this.emit({ type: 'broker', peer, state: 'connected', detail: 'reconnected' });
      this.opts.onReconnect?.();
    });
    client.on('error', (err) => {
      if (!this.closed) this.emit({ type: 'broker', peer, state: 'error', detail: err.message });
    });
  }

  private record(packet: WirePacket): void {
    // A silent peer's wire is cut: nothing it "sends" leaves, nothing sent to it arrives.
    if (this.silent || this.closed) return;
    if (packet.direction === 'out') this.lastOutAt = packet.at;
    if (packet.direction === 'in' && packet.type === 'PUBLISH') {
      // Matched to its 'message' by topic and packet id, and kept with a held signal, which is
      // never over MAX_PAYLOAD_BYTES: a bigger one waits here as a copy of its kept start, so
      // an unmatched 10 MB PUBLISH does not stay in memory until 64 more have arrived.
      const keep = packetKeeps(packet.bytes);
      this.inbox.push(keep < packet.bytes.length ? { ...packet, bytes: packet.bytes.slice(0, keep) } : packet);
      if (this.inbox.length > KEEP.inboxPackets) this.inbox.shift();
    }
    if (this.recorded >= KEEP.packetsPerClient) return;
    this.recorded += 1;
    const event = packetEvent(this.opts.peer, packet, Math.max(KEEP.packetHeadBytes, KEEP.packetBytesPerClient - this.keptBytes));
    this.keptBytes += event.hex.length / 2;
    this.emit(event);
  }

  private emit(body: TraceEventBody): void {
    this.opts.emit(body);
  }
}
