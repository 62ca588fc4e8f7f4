/**
 * WatchSession: the lab as a visual `mosquitto_sub` (`/lab/?mode=watch`). It joins no
 * conversation and publishes nothing: it connects without a will, subscribes to <root>/#, and
 * records every signalling message between any peers it sees, in any format it can read
 * (../dialects/any-format.ts). Lanes appear as peers do (../trace/lanes.ts watchedLanes).
 *
 * A message from A to B is two trace events, as MQTT carries it: 'published' (A → broker)
 * and 'held' then at once 'delivered' (broker → B). The watcher holds nothing back: it is not
 * in the path, and B has the message already. A status is only 'published' (it is for
 * everyone). What no format reads is traced as 'rejected' with the reasons, to the watcher's
 * own lane. The flood gate and its limits are the MQTT labs' own (SessionCore).
 */
import type { BrokerConnection, ConnectOptions, ReceivedPacket, WirePacket } from '../broker/types';
import { randomToken } from '../signalling/topics';
import type { Scheduler } from '../queue/signal-queue';
import type { Trace } from '../trace/trace';
import { WATCHER } from '../trace/lanes';
import { SessionCore, receivedFields, type HeldMessage } from '../session/core';
import type { DecodeContext } from '../signalling/codec';
import { MqttEndpoint } from '../session/mqtt-endpoint';
import { AnyFormat } from '../dialects/any-format';

export interface WatchConfig {
  broker: string;
  root: string;
}

export interface WatchDeps {
  connectBroker: (opts: ConnectOptions) => Promise<BrokerConnection>;
  now?: () => number;
  scheduler?: Scheduler;
}

export class WatchSession extends SessionCore {
  readonly root: string;
  readonly broker: string;
  readonly session = randomToken(6);
  /** Why watching stopped (a failed connect or subscribe), or null. */
  error: string | null = null;
  private readonly ep: MqttEndpoint;
  private readonly formats: AnyFormat;

  constructor(config: WatchConfig, deps: WatchDeps, trace?: Trace) {
    super(deps, trace);
    this.root = config.root;
    this.broker = config.broker;
    this.formats = new AnyFormat(this.root, this.session);
    this.ep = new MqttEndpoint({
      peer: WATCHER,
      broker: this.broker,
      clientId: `watch-${this.session}`,
      connectBroker: deps.connectBroker,
      emit: (body) => this.emit(body),
      onMessage: (topic, payload, packet, wire) => this.receive(topic, payload, packet, wire),
    });
  }

  /** Connects and subscribes to the whole root. Traces why it could not. */
  async start(): Promise<void> {
    this.emit({ type: 'session', session: this.session, root: this.root, broker: this.broker, peers: [WATCHER, WATCHER], watch: true });
    try {
      await this.ep.connect();
      if (this.closed) return;
      await this.ep.subscribe({ [`${this.root}/#`]: { qos: 1 } });
    } catch (err) {
      this.error = `Could not watch ${this.root}: ${err instanceof Error ? err.message : String(err)}`;
      this.emit({ type: 'phase', peer: WATCHER, phase: 'error', detail: this.error });
      await this.ep.close();
      return;
    }
    this.emit({ type: 'phase', peer: WATCHER, phase: 'joined' });
  }

  async stop(): Promise<void> {
    if (this.closed) return;
    this.closeCore();
    await this.ep.close();
    this.emit({ type: 'phase', peer: WATCHER, phase: 'left' });
  }

  protected decodeContext(_to: string, topic: string): DecodeContext {
    return { topic, root: this.root, self: WATCHER, session: null };
  }

  /** Nothing to hand over: the recipient has it already. */
  protected deliver(_message: HeldMessage): void {}

  private receive(topic: string, payload: Uint8Array, packet: ReceivedPacket, wire: WirePacket | undefined): void {
    if (this.closed || !this.passesGate(WATCHER, this.root, topic, payload)) return;
    const r = this.formats.read(topic, payload);
    if (!r.ok) return this.refuse(WATCHER, topic, payload, r.reason);
    if (r.what === 'other') return;
    if (r.what === 'cleared') {
      this.emit({ type: 'presence', peer: WATCHER, of: r.from, status: 'cleared', will: false, retained: false, ts: 0 });
      return;
    }
    const { signal } = r;
    this.emit({ type: 'published', peer: signal.from, mid: signal.mid, ...receivedFields(signal, topic, payload, packet, r.wire), ...(r.wire ? { wire: r.wire } : {}) });
    if (signal.kind === 'status') return;
    this.holdSignal(signal.to, signal, topic, payload, packet, wire, r.wire);
    this.step();
  }
}
