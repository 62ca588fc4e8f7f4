/**
 * "This browser's tabs": a broker shared by every tab of one browser, with no server. The
 * broker is a DirectBus (MQTT 3.1.1 semantics: wildcards, retained messages, wills; no wire
 * bytes) living in a SharedWorker (`tabs-worker.ts`); each tab's client talks to it over a
 * MessagePort. The worker lives as long as one tab uses it.
 *
 * A SharedWorker is not told when a tab closes, so the last will needs help: the tab holds a
 * Web Lock (named per client) for as long as it is connected, and the hub asks for the same
 * lock. The browser releases a closed or crashed tab's locks, the hub gets the lock, and
 * publishes the will (MQTT 3.1.1 §3.1.2.5). A graceful `end()` drops the client first, so
 * the late lock grant finds nothing to do. Without Web Locks (an insecure context) the tab
 * sends an unclean end on `pagehide` instead.
 */
import { DirectBus, type DirectClient } from './direct-bus';
import { ClientEvents } from './client-events';
import type { BrokerConnection, LastWill, MqttLike, PublishOptions, ReceivedPacket } from './types';

type QoS = 0 | 1 | 2;

/** The part of a MessagePort both ends use (a MessagePort in the browser, in Node, or a fake). */
export interface PortLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', fn: (ev: { data: unknown }) => void): void;
  start?(): void;
}

/** The part of the Web Locks API used here (navigator.locks). */
export interface LocksLike {
  request(name: string, callback: () => Promise<unknown> | unknown): Promise<unknown>;
}

export type ToHub =
  | { op: 'connect'; cid: number; clientId: string; will?: LastWill; lock?: string }
  | { op: 'publish'; cid: number; req: number; topic: string; payload: string; qos: QoS; retain: boolean }
  | { op: 'subscribe'; cid: number; req: number; topics: Record<string, { qos: QoS }> }
  | { op: 'end'; cid: number; req: number; force: boolean };

export type FromHub =
  | { ev: 'connect'; cid: number }
  | { ev: 'message'; cid: number; topic: string; payload: Uint8Array; qos: QoS; retain: boolean; messageId?: number }
  | { ev: 'close'; cid: number }
  | { ev: 'ack'; cid: number; req: number; err?: string };

/** The worker side: one bus, any number of tabs. */
export class TabsHub {
  readonly bus = new DirectBus();
  private readonly locks: LocksLike | undefined;

  constructor(opts: { locks?: LocksLike } = {}) {
    this.locks = opts.locks;
  }

  attach(port: PortLike): void {
    const clients = new Map<number, DirectClient>();
    const post = (m: FromHub) => port.postMessage(m);
    port.addEventListener('message', (ev) => {
      const m = ev.data as ToHub;
      if (!m || typeof m !== 'object' || typeof m.cid !== 'number') return;
      if (m.op === 'connect') {
        const client = this.bus.connect({ clientId: m.clientId, ...(m.will ? { will: m.will } : {}) });
        clients.set(m.cid, client);
        client.on('connect', () => post({ ev: 'connect', cid: m.cid }));
        client.on('close', () => post({ ev: 'close', cid: m.cid }));
        client.on('message', (topic, payload, packet) => {
          const out: FromHub = { ev: 'message', cid: m.cid, topic, payload, qos: packet.qos, retain: packet.retain };
          if (packet.messageId !== undefined) out.messageId = packet.messageId;
          post(out);
        });
        // Granted once the tab lets go of the lock: closed, crashed, or ended.
        if (m.lock && this.locks) void this.locks.request(m.lock, () => client.end(true)).catch(() => undefined);
        return;
      }
      const client = clients.get(m.cid);
      const ack = (err?: Error | null) => post(err ? { ev: 'ack', cid: m.cid, req: m.req, err: err.message } : { ev: 'ack', cid: m.cid, req: m.req });
      if (!client) return ack(new Error('Client is disconnected'));
      if (m.op === 'publish') client.publish(m.topic, m.payload, { qos: m.qos, retain: m.retain }, ack);
      else if (m.op === 'subscribe') client.subscribe(m.topics, ack);
      else if (m.op === 'end') {
        clients.delete(m.cid);
        client.end(m.force, () => ack());
      }
    });
    port.start?.();
  }
}

let nextCid = 1;

/** The tab side: the slice of the mqtt.js client the lab uses, over a port to the hub. */
export class TabsClient extends ClientEvents implements MqttLike {
  private state: 'connecting' | 'connected' | 'closed' = 'connecting';
  private readonly cid = nextCid++;
  private req = 0;
  private readonly acks = new Map<number, (err?: Error) => void>();

  constructor(private readonly port: PortLike) {
    super();
    port.addEventListener('message', (ev) => this.onHub(ev.data as FromHub));
    port.start?.();
  }

  get connected(): boolean {
    return this.state === 'connected';
  }

  /** @internal */
  open(clientId: string, will: LastWill | undefined, lock: string | undefined): void {
    this.send({ op: 'connect', cid: this.cid, clientId, ...(will ? { will } : {}), ...(lock ? { lock } : {}) });
  }

  publish(topic: string, payload: string, opts: PublishOptions, cb?: (err?: Error) => void): this {
    const req = this.track(cb);
    this.send({ op: 'publish', cid: this.cid, req, topic, payload, qos: opts.qos, retain: opts.retain });
    return this;
  }

  subscribe(topics: Record<string, { qos: QoS }>, cb?: (err: Error | null) => void): this {
    const req = this.track(cb ? (err) => cb(err ?? null) : undefined);
    this.send({ op: 'subscribe', cid: this.cid, req, topics });
    return this;
  }

  /** force=true: unclean, the hub publishes the will (§3.1.2.5); false: DISCONNECT (§3.14.4). */
  end(force = false, cb?: () => void): this {
    if (this.state === 'closed') {
      if (cb) queueMicrotask(cb);
      return this;
    }
    const req = this.track(() => cb?.());
    this.send({ op: 'end', cid: this.cid, req, force });
    return this;
  }

  private track(cb: ((err?: Error) => void) | undefined): number {
    this.req += 1;
    if (cb) this.acks.set(this.req, cb);
    return this.req;
  }

  private send(m: ToHub): void {
    this.port.postMessage(m);
  }

  private onHub(m: FromHub): void {
    if (!m || typeof m !== 'object' || m.cid !== this.cid) return;
    switch (m.ev) {
      case 'connect':
        this.state = 'connected';
        return this.emit('connect');
      case 'message': {
        const packet: ReceivedPacket = { topic: m.topic, payload: m.payload, qos: m.qos, retain: m.retain };
        if (m.messageId !== undefined) packet.messageId = m.messageId;
        return this.emit('message', m.topic, m.payload, packet);
      }
      case 'close':
        if (this.state === 'closed') return;
        this.state = 'closed';
        this.emit('close');
        return this.emit('end');
      case 'ack': {
        const cb = this.acks.get(m.req);
        this.acks.delete(m.req);
        cb?.(m.err ? new Error(m.err) : undefined);
      }
    }
  }
}

export interface TabsDeps {
  /** A port to the shared hub (the SharedWorker's `port`). */
  port: PortLike;
  locks?: LocksLike;
  /** Registers a callback for when the page goes away (pagehide); used only without locks. */
  onPageHide?: (fn: () => void) => void;
}

/** Connects to the tabs hub; resolves once connected. */
export async function connectTabs(opts: { clientId: string; will?: LastWill | undefined }, deps: TabsDeps): Promise<BrokerConnection> {
  const client = new TabsClient(deps.port);
  let release: (() => void) | undefined;
  let lock: string | undefined;
  if (deps.locks) {
    lock = `webrtc-lab-tabs/${opts.clientId}/${Math.random().toString(36).slice(2)}`;
    // Hold the lock from now until the end; the hub's request for it waits behind us.
    await new Promise<void>((held) => {
      void deps.locks!.request(lock!, () => {
        held();
        return new Promise<void>((r) => (release = r));
      });
    });
  } else {
    deps.onPageHide?.(() => void client.end(true));
  }
  const connected = new Promise<void>((resolve) => client.on('connect', resolve));
  client.open(opts.clientId, opts.will, lock);
  await connected;
  client.on('close', () => release?.());
  return {
    client,
    pullPlug: () => void client.end(true),
    close: () => new Promise<void>((resolve) => client.end(false, resolve)),
  };
}
