/**
 * A brokerless, in-memory pub/sub bus with MQTT 3.1.1 semantics that matter to the lab:
 * topic wildcards (§4.7), retained messages (§3.3.1.3), QoS downgrade to the subscription's
 * QoS (§3.8.4), and the last will on an unclean disconnect (§3.1.2.5). It speaks no wire
 * protocol, so it is used for benchmarks (signalling without a broker) and as a fake in unit
 * tests. Deliveries are asynchronous (one FIFO per bus, drained in microtasks) so handlers
 * never re-enter a publish, as with a real broker; `await bus.settled()` waits for them.
 */
import { ClientEvents } from './client-events';
import type { LastWill, MqttLike, PublishOptions, ReceivedPacket } from './types';
import { utf8Length } from '../signalling/topics';

type QoS = 0 | 1 | 2;

/** True if the topic name matches the filter (MQTT 3.1.1 §4.7). */
export function topicMatches(filter: string, topic: string): boolean {
  // §4.7.2: filters starting with a wildcard must not match topics starting with '$'.
  if (topic.startsWith('$') && (filter.startsWith('+') || filter.startsWith('#'))) return false;
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    const level = f[i];
    // §4.7.1.2: '#' also matches the parent level ("sport/#" matches "sport").
    if (level === '#') return true;
    if (i >= t.length) return false;
    // §4.7.1.3: '+' matches exactly one level, which may be empty.
    if (level !== '+' && level !== t[i]) return false;
  }
  return f.length === t.length;
}

/** Why a topic filter is invalid (§4.7.1), or undefined if it is valid. */
export function filterError(filter: string): string | undefined {
  if (filter.length === 0) return 'Topic filter must not be empty (MQTT 3.1.1 §4.7.3)';
  const levels = filter.split('/');
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    if (level.includes('#') && (level !== '#' || i !== levels.length - 1)) {
      return `'#' must be a whole last level in "${filter}" (MQTT 3.1.1 §4.7.1.2)`;
    }
    if (level.includes('+') && level !== '+') {
      return `'+' must be a whole level in "${filter}" (MQTT 3.1.1 §4.7.1.3)`;
    }
  }
  return undefined;
}

/** A UTF-8 string in MQTT carries a two-byte length (MQTT 3.1.1 §1.5.3). */
export const MAX_TOPIC_BYTES = 65_535;

/** What a PUBLISH topic name may not be, in order (MQTT 3.1.1). */
const TOPIC_NAME_RULES: readonly { broken: (topic: string) => boolean; why: (topic: string) => string }[] = [
  { broken: (t) => t.length === 0, why: () => 'Topic name must not be empty (MQTT 3.1.1 §4.7.3)' },
  { broken: (t) => /[+#]/.test(t), why: (t) => `Topic name "${t.slice(0, 80)}" must not contain wildcards (MQTT 3.1.1 §3.3.2.1)` },
  { broken: (t) => t.includes('\u0000'), why: () => 'Topic name must not contain U+0000 (MQTT 3.1.1 §1.5.3)' },
  // With the u flag a pair of surrogates is one code point: only a lone half matches.
  { broken: (t) => /[\uD800-\uDFFF]/u.test(t), why: () => 'Topic name must be valid UTF-8: it has half of a surrogate pair (MQTT 3.1.1 §1.5.3)' },
  { broken: (t) => utf8Length(t) > MAX_TOPIC_BYTES, why: () => `Topic name must be at most ${MAX_TOPIC_BYTES.toLocaleString('en-US')} bytes of UTF-8 (MQTT 3.1.1 §1.5.3)` },
];

/** Why a topic name is invalid for PUBLISH, or undefined if it is valid. */
export function topicNameError(topic: string): string | undefined {
  return TOPIC_NAME_RULES.find((r) => r.broken(topic))?.why(topic);
}

interface Retained {
  topic: string;
  payload: Uint8Array;
  qos: QoS;
}

export interface DirectClientOptions {
  clientId: string;
  will?: LastWill;
}

const encoder = new TextEncoder();

export class DirectBus {
  private readonly clients = new Map<string, DirectClient>();
  private readonly retainedByTopic = new Map<string, Retained>();
  private readonly queue: Array<() => void> = [];
  private draining = false;
  private waiters: Array<() => void> = [];

  /** Connects a client; it emits 'connect' on the next microtask. */
  connect(opts: DirectClientOptions): DirectClient {
    // §3.1.4-2: a second connection with the same client id takes over; the old one is dropped.
    this.clients.get(opts.clientId)?.drop(true);
    const client = new DirectClient(this, opts);
    this.clients.set(opts.clientId, client);
    this.enqueue(() => client.markConnected());
    return client;
  }

  /** The retained messages, by topic (for tests and inspectors). */
  get retained(): ReadonlyMap<string, { topic: string; payload: Uint8Array; qos: QoS }> {
    return this.retainedByTopic;
  }

  /** Resolves once every queued delivery has run. */
  settled(): Promise<void> {
    if (!this.draining && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Drops every client (no wills) and forgets retained messages: a fresh bus. */
  reset(): void {
    for (const c of [...this.clients.values()]) c.drop(false);
    this.clients.clear();
    this.retainedByTopic.clear();
  }

  /** @internal */
  removeClient(client: DirectClient): void {
    if (this.clients.get(client.clientId) === client) this.clients.delete(client.clientId);
  }

  /** @internal Routes one message, as the broker would. */
  route(topic: string, payload: Uint8Array, qos: QoS, retain: boolean): void {
    if (retain) {
      // §3.3.1.3: a retained PUBLISH with a zero-byte payload deletes the retained message,
      // and is still delivered to current subscribers as normal.
      if (payload.length === 0) this.retainedByTopic.delete(topic);
      else this.retainedByTopic.set(topic, { topic, payload, qos });
    }
    for (const client of this.clients.values()) {
      const subQos = client.matchQos(topic);
      if (subQos === undefined) continue;
      // §3.3.1.3: RETAIN is 0 when delivered because of an established subscription.
      const deliveredQos = Math.min(qos, subQos) as QoS;
      this.enqueue(() => client.deliver(topic, payload.slice(), deliveredQos, false));
    }
  }

  /** @internal Sends retained messages matching a new subscription, with RETAIN=1 (§3.3.1.3). */
  sendRetained(client: DirectClient, filter: string, subQos: QoS): void {
    for (const r of this.retainedByTopic.values()) {
      if (!topicMatches(filter, r.topic)) continue;
      const deliveredQos = Math.min(r.qos, subQos) as QoS;
      this.enqueue(() => client.deliver(r.topic, r.payload.slice(), deliveredQos, true));
    }
  }

  /** @internal */
  enqueue(task: () => void): void {
    this.queue.push(task);
    if (!this.draining) {
      this.draining = true;
      queueMicrotask(() => this.drain());
    }
  }

  private drain(): void {
    // One task per microtask turn, so awaits inside handlers interleave as on a network.
    const task = this.queue.shift();
    if (task) {
      try {
        task();
      } catch (err) {
        // A throwing handler is the app's bug: surface it, but keep the bus running.
        queueMicrotask(() => {
          throw err;
        });
      }
    }
    if (this.queue.length > 0) {
      queueMicrotask(() => this.drain());
      return;
    }
    this.draining = false;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** One client of a DirectBus. Implements the slice of the mqtt.js client the lab uses. */
export class DirectClient extends ClientEvents implements MqttLike {
  readonly clientId: string;
  private readonly will: LastWill | undefined;
  private readonly subs = new Map<string, QoS>();
  private state: 'connecting' | 'connected' | 'closed' = 'connecting';
  private nextMessageId = 1;

  constructor(
    private readonly bus: DirectBus,
    opts: DirectClientOptions,
  ) {
    super();
    this.clientId = opts.clientId;
    this.will = opts.will;
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  publish(topic: string, payload: string, opts: PublishOptions, cb?: (err?: Error) => void): this {
    const problem = topicNameError(topic) ?? (this.state === 'closed' ? 'Client is disconnected' : undefined);
    if (problem !== undefined) {
      const err = new Error(problem);
      if (cb) queueMicrotask(() => cb(err));
      else this.emitLater('error', err);
      return this;
    }
    const send = (): void => {
      this.bus.route(topic, encoder.encode(payload), opts.qos, opts.retain);
      cb?.();
    };
    // Like mqtt.js, a publish before CONNACK waits for it (ordering is kept by the FIFO).
    if (this.state === 'connecting') this.bus.enqueue(send);
    else send();
    return this;
  }

  subscribe(topics: Record<string, { qos: QoS }>, cb?: (err: Error | null) => void): this {
    const entries = Object.entries(topics);
    const problem =
      entries.map(([f]) => filterError(f)).find((e) => e !== undefined) ??
      (this.state === 'closed' ? 'Client is disconnected' : undefined);
    if (problem !== undefined) {
      const err = new Error(problem);
      if (cb) queueMicrotask(() => cb(err));
      else this.emitLater('error', err);
      return this;
    }
    this.bus.enqueue(() => {
      if (this.state === 'closed') return;
      for (const [filter, { qos }] of entries) this.subs.set(filter, qos);
      cb?.(null); // SUBACK first, then the retained messages, as brokers do.
      for (const [filter, { qos }] of entries) this.bus.sendRetained(this, filter, qos);
    });
    return this;
  }

  unsubscribe(topics: string | string[], cb?: (err: Error | null) => void): this {
    for (const t of Array.isArray(topics) ? topics : [topics]) this.subs.delete(t);
    if (cb) this.bus.enqueue(() => cb(null));
    return this;
  }

  /**
   * force=true: an unclean drop, so the will is published (§3.1.2.5).
   * force=false: a graceful DISCONNECT, so the will is discarded (§3.14.4).
   */
  end(force = false, cb?: () => void): this {
    if (this.state === 'closed') {
      if (cb) queueMicrotask(cb);
      return this;
    }
    this.drop(force);
    if (cb) this.bus.enqueue(cb);
    return this;
  }

  /** @internal */
  drop(publishWill: boolean): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.subs.clear();
    this.bus.removeClient(this);
    if (publishWill && this.will) {
      const w = this.will;
      this.bus.route(w.topic, encoder.encode(w.payload), w.qos, w.retain);
    }
    this.bus.enqueue(() => {
      this.emit('close');
      this.emit('end');
    });
  }

  /** @internal */
  markConnected(): void {
    if (this.state !== 'connecting') return;
    this.state = 'connected';
    this.emit('connect');
  }

  /** @internal Highest QoS among this client's subscriptions matching the topic. */
  matchQos(topic: string): QoS | undefined {
    if (this.state === 'closed') return undefined;
    let best: QoS | undefined;
    for (const [filter, qos] of this.subs) {
      if (topicMatches(filter, topic) && (best === undefined || qos > best)) best = qos;
    }
    return best;
  }

  /** @internal */
  deliver(topic: string, payload: Uint8Array, qos: QoS, retain: boolean): void {
    if (this.state === 'closed') return;
    const packet: ReceivedPacket = { topic, payload, qos, retain };
    if (qos > 0) {
      packet.messageId = this.nextMessageId;
      this.nextMessageId = (this.nextMessageId % 65_535) + 1;
    }
    this.emit('message', topic, payload, packet);
  }

  private emitLater(event: string, ...args: unknown[]): void {
    queueMicrotask(() => this.emit(event, ...args));
  }
}

let shared: DirectBus | undefined;

/** The page-wide bus used by connectBroker({ broker: 'direct' }). */
export function getSharedDirectBus(): DirectBus {
  shared ??= new DirectBus();
  return shared;
}

/** Forgets the page-wide bus (drops its clients, clears retained messages). */
export function resetSharedDirectBus(): void {
  shared?.reset();
  shared = undefined;
}
