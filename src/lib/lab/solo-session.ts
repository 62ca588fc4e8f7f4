/**
 * SoloSession: the two-device lab. ONE local peer per tab or device; the other peer runs in
 * another tab or on another computer, under the same topic root on the same broker (the Godot
 * demo's "dog111" and "cat222"). Framework-free: the broker connector and the
 * RTCPeerConnection factory are injected, so unit tests pass fakes.
 *
 * Join, in this order:
 *  1. connect with a last will "offline" on <root>/<self>/status (MQTT 3.1.1 §3.1.2.5);
 *  2. subscribe to <root>/+/status and to a private probe topic, publish one probe and wait
 *     for it to come back: the broker sends a new subscription's retained messages before
 *     anything published after it (§3.3.1.3, ordered delivery §4.6), so by then the roster
 *     holds every retained status;
 *  3. if our id is online already, refuse and DISCONNECT gracefully, so no will is published
 *     over the other device's status (§3.14.4);
 *  4. subscribe to our signal inbox and ping topic, then publish our status, retained.
 *
 * Presence updates the roster at once (it is the app's lobby). Every signal, statuses
 * included, also waits in the SignalQueue until Step or Play, as in the two-peer lab.
 * Latency pings travel on their own topics (<root>/<to>/ping/<from>) and never wait in the
 * queue: a held ping would measure the reader, not the network.
 */
import type { BrokerConnection, ConnectOptions, ReceivedPacket, WirePacket } from '../broker/types';
import { encodeSignal, type DecodeContext } from '../signalling/codec';
import { isValidPeerId, parseTopic, randomToken, signalTopic, statusTopic } from '../signalling/topics';
import { SIGNAL_VERSION, type ChatSignal, type StatusSignal, type WireSignal } from '../signalling/types';
import { applyPresence, idTaken, onlinePeers, type PresenceEntry, type PresenceUpdate } from '../signalling/presence';
import { presenceUpdate, type SoloPhase } from './solo-view';

export type { SoloPhase };
import type { Scheduler } from '../queue/signal-queue';
import { Trace } from '../trace/trace';
import type { TraceEvent } from '../trace/types';
import { LabPeer } from '../peer/lab-peer';
import { EchoEndpoint, type TextChannel } from '../latency/echo';
import type { LatencyPath } from '../latency/run';
import { answerRelay, openRelay, relayConfig, type RelayConnection } from '../latency/relay-link';
import { SessionCore, type HeldMessage } from '../session/core';
import { MqttEndpoint } from '../session/mqtt-endpoint';
import { EarlyCandidates, isEarlyCandidate } from './early-candidates';
import { Conversation, SUSPECT_REASON } from './conversation';


export interface SoloConfig {
  /** 'in-page', 'direct', 'tabs' or a ws:// / wss:// URL: whatever `connectBroker` takes. */
  broker: string;
  root: string;
  /** This device's peer id, e.g. "dog111". */
  self: string;
  rtcConfig?: RTCConfiguration;
  /** This device's session token (signals carry it); random when omitted. */
  session?: string;
  /** Give up waiting for the probe echo after this long (ms), and trust what arrived. */
  probeTimeoutMs?: number;
}

export interface SoloDeps {
  connectBroker: (opts: ConnectOptions) => Promise<BrokerConnection>;
  createPeerConnection: (config: RTCConfiguration) => RTCPeerConnection;
  now?: () => number;
  scheduler?: Scheduler;
}

/** Label and id of the second, negotiated data channel that carries latency pings (RFC 8832 §6.1). */
export const LATENCY_CHANNEL = { label: 'latency', id: 100 } as const;

/** One line of the chat log, and the path it took. */
export interface ChatLine {
  i: number;
  from: string;
  to: string;
  text: string;
  path: 'MQTT' | 'data channel';
}

const PROBE_TIMEOUT_MS = 2000;

/** An RTCDataChannel as a TextChannel (text messages only). */
export function channelText(ch: RTCDataChannel): TextChannel {
  return {
    send: (text) => ch.send(text),
    onMessage: (fn) => {
      const on = (ev: Event) => {
        const data = (ev as MessageEvent).data as unknown;
        if (typeof data === 'string') fn(data);
      };
      ch.addEventListener('message', on);
      return () => ch.removeEventListener('message', on);
    },
  };
}

const decoder = new TextDecoder();

/** `<root>/<to>/ping/<from>`: round-trip messages from `from` to `to`, outside the signal queue. */
export function pingTopic(root: string, to: string, from: string): string {
  return `${root}/${to}/ping/${from}`;
}

export class SoloSession extends SessionCore {
  readonly self: string;
  readonly root: string;
  readonly broker: string;
  readonly session: string;
  private readonly deps: SoloDeps;
  private readonly rtcConfig: RTCConfiguration;
  private readonly probeTimeoutMs: number;

  phase: SoloPhase = 'idle';
  /** Why the join was refused or failed. */
  error: string | null = null;
  roster: ReadonlyMap<string, PresenceEntry> = new Map();
  /** The peer we are connecting or connected to. */
  remote: string | null = null;
  peer: LabPeer | null = null;
  /** The current RTCPeerConnection (for the latency channel and getStats). */
  pc: RTCPeerConnection | null = null;
  latencyChannel: RTCDataChannel | null = null;
  /** Ping/pong ends for the current peer: over MQTT topics and over the latency channel. */
  private echo: { mqtt: EchoEndpoint; dc: EchoEndpoint | null } | null = null;
  /** The TURN path: a relay-only second connection, opened on the first relay ping. */
  private relay: { link: Promise<RelayConnection> | null; echoes: EchoEndpoint[]; stop: () => void } | null = null;

  private readonly ep: MqttEndpoint;
  private mid = 0;
  private readonly ownMids = new Set<string>();
  private probe: { topic: string; done: () => void } | null = null;
  private readonly pingListeners = new Map<string, Set<(text: string) => void>>();
  /** Candidates from a peer whose offer has not come yet. */
  private readonly early: EarlyCandidates;
  /** What the current connection is bound to: a signal that contradicts it is held apart. */
  private readonly conversation = new Conversation();
  /** The session each peer announced in its latest "online" status. */
  private readonly announced = new Map<string, string>();

  constructor(config: SoloConfig, deps: SoloDeps, trace?: Trace) {
    super(deps, trace);
    this.deps = deps;
    this.self = config.self;
    this.root = config.root;
    this.broker = config.broker;
    this.session = config.session ?? randomToken(6);
    this.rtcConfig = config.rtcConfig ?? { iceServers: [] };
    this.probeTimeoutMs = config.probeTimeoutMs ?? PROBE_TIMEOUT_MS;
    this.ep = new MqttEndpoint({
      peer: this.self,
      broker: this.broker,
      clientId: `solo-${this.session}-${this.self}`,
      will: { topic: statusTopic(this.root, this.self), payload: encodeSignal(this.status('offline', 'will')), qos: 1, retain: true },
      connectBroker: deps.connectBroker,
      emit: (body) => this.emit(body),
      onMessage: (topic, payload, packet, wire) => this.receive(topic, payload, packet, wire),
      // The broker may have published our will meanwhile: say we are back (retained).
      onReconnect: () => {
        if (this.phase === 'joined') this.publish(statusTopic(this.root, this.self), this.status('online'), true);
      },
    });
    this.early = new EarlyCandidates(this.self, (body) => this.emit(body));
  }

  get online(): PresenceEntry[] {
    return onlinePeers(this.roster, this.self);
  }

  async join(): Promise<void> {
    if (this.phase !== 'idle') throw new Error(`cannot join: ${this.phase}`);
    if (!isValidPeerId(this.self)) throw new Error(`"${this.self.slice(0, 40)}" is not a valid peer id: use 1–32 letters, digits, - or _`);
    this.emit({ type: 'session', session: this.session, root: this.root, broker: this.broker, peers: [this.self, this.self] });
    this.setPhase('joining');
    try {
      await this.ep.connect();
    } catch (err) {
      return this.fail(err instanceof Error ? err.message : String(err), false);
    }
    if (this.closed) return;

    // 2. Learn who is here before saying anything.
    const probeTopic = `${this.root}/${this.self}/probe/${randomToken(8)}`;
    const probed = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.probeTimeoutMs);
      this.probe = {
        topic: probeTopic,
        done: () => {
          clearTimeout(timer);
          resolve();
        },
      };
    });
    try {
      await this.subscribeTopics({ [`${this.root}/+/status`]: { qos: 1 }, [probeTopic]: { qos: 1 } });
    } catch (err) {
      return this.fail(`subscribe failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.ep.publishRaw(probeTopic, 'probe');
    await probed;
    this.probe = null;
    if (this.closed) return;

    // 3. Duplicate id: the Godot demo refused it too.
    if (idTaken(this.roster, this.self)) {
      this.error = `The id "${this.self}" is already online under ${this.root}. Pick another id, or close the other tab or device first.`;
      this.emit({ type: 'api', peer: this.self, call: 'join', ok: false, detail: `id ${this.self} is taken` });
      await this.disconnect();
      this.setPhase('refused', this.error);
      return;
    }

    // 4. Inbox first, then announce: others may offer as soon as they see us.
    try {
      await this.subscribeTopics({ [signalTopic(this.root, this.self)]: { qos: 1 }, [pingTopic(this.root, this.self, '+')]: { qos: 1 } });
    } catch (err) {
      return this.fail(`subscribe failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    const online = this.status('online');
    this.publish(statusTopic(this.root, this.self), online, true);
    this.setPhase('joined');
  }

  private subscribeTopics(topics: Record<string, { qos: 0 | 1 | 2 }>): Promise<void> {
    return this.ep.subscribe(topics);
  }

  /** `traced`: false when the endpoint has already traced the error (a failed connect). */
  private async fail(detail: string, traced = true): Promise<void> {
    this.error = `Could not join: ${detail}`;
    if (traced) this.emit({ type: 'broker', peer: this.self, state: 'error', detail });
    await this.disconnect();
    this.setPhase('error', this.error);
  }

  private disconnect(clear: readonly string[] = []): Promise<void> {
    return this.ep.close(clear);
  }

  /** Every step of the join is a trace event, so the page and a replay read it from there. */
  private setPhase(phase: Exclude<SoloPhase, 'idle'>, detail?: string): void {
    this.phase = phase;
    this.emit({ type: 'phase', peer: this.self, phase, ...(detail ? { detail } : {}) });
  }

  private status(status: 'online' | 'offline', reason?: 'will'): StatusSignal {
    const signal: StatusSignal = { v: SIGNAL_VERSION, kind: 'status', from: this.self, session: this.session, mid: this.nextMid(), ts: Date.now(), status };
    if (reason) signal.reason = reason;
    return signal;
  }

  private nextMid(): string {
    this.mid += 1;
    const mid = `${this.self}-${this.session}-${this.mid}`;
    this.ownMids.add(mid);
    return mid;
  }

  private publish(topic: string, signal: WireSignal, retain: boolean): boolean {
    return this.ep.publish(topic, signal, retain) !== null;
  }

  protected decodeContext(_to: string, topic: string): DecodeContext {
    // No session is pinned: each conversation names its own, and LabPeer checks it.
    return { topic, root: this.root, self: this.self, session: null };
  }

  /** The device expects the peer it talks to. */
  protected expectsSender(_to: string, sender: string): boolean {
    return sender === this.remote;
  }

  private receive(topic: string, payload: Uint8Array, packet: ReceivedPacket, wire: WirePacket | undefined): void {
    if (this.closed) return;
    if (this.probe && topic === this.probe.topic) return this.probe.done();
    const pingPrefix = `${this.root}/${this.self}/ping/`;
    if (topic.startsWith(pingPrefix)) {
      const from = topic.slice(pingPrefix.length);
      const text = decoder.decode(payload);
      for (const fn of this.pingListeners.get(from) ?? []) fn(text);
      return;
    }
    const parsed = parseTopic(this.root, topic);
    if (parsed?.kind === 'status') {
      // An empty retained payload clears a status (MQTT 3.1.1 §3.3.1.3): the peer left gracefully.
      if (payload.length === 0) {
        if (parsed.peer !== this.self) this.updateRoster({ peer: parsed.peer, cleared: true });
        this.early.forget(parsed.peer, `${parsed.peer} left`);
        return;
      }
    }
    const signal = this.admit(this.self, topic, payload);
    if (!signal) return;
    if (signal.kind === 'status') {
      // Our own status coming back is no news.
      if (this.ownMids.has(signal.mid)) return;
      // Our id, but not our message: another client with this id spoke for us, e.g. a duplicate
      // we refused whose connection dropped before its DISCONNECT, so the broker published its
      // will (MQTT 3.1.1 §3.1.2.5) over our retained status. Put the record straight.
      if (signal.from === this.self) {
        if (this.phase !== 'joined') {
          // While joining, this is how a duplicate id is found (idTaken reads the roster).
          this.updateRoster({ peer: signal.from, status: signal.status, will: signal.reason === 'will', retained: packet.retain, ts: signal.ts });
        } else if (signal.status === 'offline') {
          this.emit({ type: 'api', peer: this.self, call: 'republish status', ok: true, detail: 'another client with this id went offline; we are still online' });
          this.publish(statusTopic(this.root, this.self), this.status('online'), true);
        }
        return;
      }
    }
    const announced = this.announced.get(signal.from);
    const suspect = this.conversation.judge(signal, announced);
    if (suspect) {
      const reason = SUSPECT_REASON[suspect]({ signal, bound: this.conversation.bound, announced });
      return this.holdApart(this.self, signal, topic, payload, packet, wire, 'suspicious', reason);
    }
    if (signal.kind === 'status') {
      if (signal.status === 'online') this.announced.set(signal.from, signal.session);
      this.updateRoster({ peer: signal.from, status: signal.status, will: signal.reason === 'will', retained: packet.retain, ts: signal.ts });
      // The sender is subscribed again (it subscribes before it says so): what waited for it goes out.
      if (signal.status === 'online') this.ep.flushOutbox(signal.from);
    }
    this.holdSignal(this.self, signal, topic, payload, packet, wire);
  }

  private updateRoster(update: PresenceUpdate): void {
    const body =
      'cleared' in update
        ? ({ type: 'presence', peer: this.self, of: update.peer, status: 'cleared', will: false, retained: false, ts: 0 } as const)
        : ({ type: 'presence', peer: this.self, of: update.peer, status: update.status, will: update.will, retained: update.retained, ts: update.ts } as const);
    this.emit(body);
    this.roster = applyPresence(this.roster, presenceUpdate(body));
  }

  protected deliver(message: HeldMessage): void {
    const signal = message.signal;
    if (signal.kind === 'chat') return;
    if (signal.kind === 'status') {
      if (signal.status === 'offline') this.early.forget(signal.from, `${signal.from} went offline`);
      if (this.peer && signal.from === this.remote) this.peer.handleSignal(signal);
      else this.emit({ type: 'remote-status', peer: this.self, of: signal.from, status: signal.status, will: signal.reason === 'will' });
      return;
    }
    if (signal.kind === 'offer' && (!this.peer || this.remote !== signal.from)) {
      if (this.peer) {
        this.emit({ type: 'api', peer: this.self, call: 'handleSignal', ok: false, detail: `ignored offer from ${signal.from}: already connected to ${this.remote}` });
        return;
      }
      // The offer names the conversation's session: answer in it.
      return this.early.release(signal, this.startPeer(signal.from, 'answerer', signal.session));
    }
    if (isEarlyCandidate(signal) && !this.peer) return this.early.hold(signal);
    if (!this.peer || signal.from !== this.remote) {
      this.emit({ type: 'api', peer: this.self, call: 'handleSignal', ok: false, detail: `ignored ${signal.kind} from ${signal.from}: no connection with ${signal.from}` });
      return;
    }
    this.peer.handleSignal(signal);
  }

  /**
   * "Connect to <id>": we offer. LabPeer offers once it learns the other peer is online, so
   * it is handed that peer's presence, as a status in this conversation's session.
   */
  connectTo(id: string): boolean {
    const entry = this.roster.get(id);
    if (this.phase !== 'joined' || this.peer || entry?.status !== 'online' || id === this.self) return false;
    this.conversation.open(id, this.session);
    const peer = this.startPeer(id, 'offerer', this.session);
    peer.handleSignal({ v: SIGNAL_VERSION, kind: 'status', from: id, session: this.session, mid: `presence-${id}`, ts: entry.ts, status: 'online' });
    return true;
  }

  private startPeer(remote: string, role: 'offerer' | 'answerer', session: string): LabPeer {
    this.remote = remote;
    const peer = new LabPeer({
      id: this.self,
      remoteId: remote,
      role,
      session,
      rtcConfig: this.rtcConfig,
      createPeerConnection: (config) => this.createPeerConnection(config),
      emit: (body) => this.emit(body),
      send: (signal) => this.publish(signalTopic(this.root, signal.to), signal, false),
      now: this.deps.now,
      traceReceivedChat: true,
    });
    this.peer = peer;
    peer.start();
    const ch = this.latencyChannel;
    this.echo = { mqtt: new EchoEndpoint(this.mqttChannel(remote)), dc: ch ? new EchoEndpoint(channelText(ch)) : null };
    if (ch) {
      const echoes: EchoEndpoint[] = [];
      const stop = answerRelay({
        ...this.relayOptions(ch),
        onChannel: (relayChannel) => echoes.push(new EchoEndpoint(channelText(relayChannel))),
      });
      this.relay = { link: null, echoes, stop };
    }
    return peer;
  }

  /** The RTCPeerConnection, plus a negotiated "latency" channel made before LabPeer's chat channel. */
  private createPeerConnection(config: RTCConfiguration): RTCPeerConnection {
    const pc = this.deps.createPeerConnection(config);
    this.pc = pc;
    try {
      this.latencyChannel = pc.createDataChannel(LATENCY_CHANNEL.label, { negotiated: true, id: LATENCY_CHANNEL.id });
      this.emit({ type: 'api', peer: this.self, call: 'createDataChannel', ok: true, detail: `${LATENCY_CHANNEL.label} (negotiated, id ${LATENCY_CHANNEL.id}; latency pings only)` });
    } catch (err) {
      this.emit({ type: 'api', peer: this.self, call: 'createDataChannel', ok: false, detail: err instanceof Error ? err.message : String(err) });
    }
    return pc;
  }

  /** Ends the connection with the current peer (not the broker connection). */
  hangUp(): void {
    this.conversation.end();
    this.closeEcho();
    this.peer?.close();
    this.peer = null;
    this.pc = null;
    this.latencyChannel = null;
    this.remote = null;
  }

  /**
   * Chat: over the data channel once it is open, else as a 'chat' signal over MQTT (it
   * waits in the other side's queue like any signal). Returns the path, or null if neither works.
   */
  sendChat(to: string, text: string): ChatLine['path'] | null {
    if (this.peer && this.remote === to && this.peer.channelOpen) return this.peer.sendChat(text) ? 'data channel' : null;
    if (this.phase !== 'joined' || !isValidPeerId(to) || to === this.self) return null;
    const signal: ChatSignal = { v: SIGNAL_VERSION, kind: 'chat', from: this.self, to, session: this.session, mid: this.nextMid(), ts: Date.now(), text };
    return this.publish(signalTopic(this.root, to), signal, false) ? 'MQTT' : null;
  }

  /** A text channel to `to` over MQTT topics, for the latency test (not through the queue). */
  mqttChannel(to: string): TextChannel {
    return {
      send: (text) => {
        if (!this.ep.publishRaw(pingTopic(this.root, to, this.self), text)) throw new Error('not connected to the broker');
      },
      onMessage: (fn) => {
        const set = this.pingListeners.get(to) ?? new Set();
        set.add(fn);
        this.pingListeners.set(to, set);
        return () => set.delete(fn);
      },
    };
  }

  /** The round-trip paths to the current peer: MQTT (topics, not the queue) and the data channel. */
  latencyPaths(): LatencyPath[] {
    const echo = this.echo;
    if (!echo) return [];
    const paths: LatencyPath[] = [{ name: 'MQTT', roundTrip: (size) => echo.mqtt.roundTrip(size) }];
    const dc = echo.dc;
    if (dc) paths.push({ name: 'Data channel', roundTrip: (size) => dc.roundTrip(size) });
    const relay = this.relay;
    const ch = this.latencyChannel;
    if (relay && ch && relayConfig(this.rtcConfig)) {
      let relayEcho: Promise<EchoEndpoint> | null = null;
      paths.push({
        name: 'TURN relay',
        roundTrip: async (size) => {
          relayEcho ??= (relay.link ??= openRelay(this.relayOptions(ch))).then((link) => {
            const e = new EchoEndpoint(channelText(link.channel));
            relay.echoes.push(e);
            return e;
          });
          return (await relayEcho).roundTrip(size);
        },
      });
    }
    return paths;
  }

  private relayOptions(ch: RTCDataChannel) {
    return {
      signal: channelText(ch),
      createPeerConnection: this.deps.createPeerConnection,
      config: relayConfig(this.rtcConfig),
      note: (ok: boolean, detail: string) => this.emit({ type: 'api', peer: this.self, call: 'relay', ok, detail }),
    };
  }

  private closeEcho(): void {
    this.echo?.mqtt.close();
    this.echo?.dc?.close();
    this.echo = null;
    const relay = this.relay;
    this.relay = null;
    if (!relay) return;
    relay.stop();
    for (const e of relay.echoes) e.close();
    void relay.link?.then((l) => l.close()).catch(() => undefined);
  }

  statsOf(): Promise<RTCStats[]> {
    return this.peer?.getStats() ?? Promise.resolve([]);
  }

  /** Ungraceful: the broker publishes our will (as when the tab is closed). */
  pullPlug(): void {
    this.ep.pullPlug();
  }

  /** Leaves gracefully: clears our retained status, then DISCONNECT (no will, MQTT 3.1.1 §3.14.4). */
  async leave(): Promise<void> {
    if (this.closed) return;
    this.closeCore();
    this.closeEcho();
    this.peer?.close();
    await this.disconnect(this.phase === 'joined' ? [statusTopic(this.root, this.self)] : []);
    if (this.phase === 'joined' || this.phase === 'joining') this.setPhase('left');
  }

}

/** The chat log from a solo trace: MQTT chats we published or had delivered, and data-channel chats. */
export function soloChatLog(events: readonly TraceEvent[], self: string): ChatLine[] {
  const delivered = new Set<string>();
  for (const e of events) if (e.type === 'delivered') delivered.add(e.qid);
  const lines: ChatLine[] = [];
  for (const e of events) {
    if (e.type === 'chat') lines.push({ i: e.i, from: e.from, to: e.to, text: e.text, path: 'data channel' });
    else if ((e.type === 'published' && e.peer === self) || (e.type === 'held' && delivered.has(e.qid))) {
      if (e.kind !== 'chat') continue;
      const chat = parseChat(e.payload);
      if (chat) lines.push({ i: e.i, from: chat.from, to: chat.to, text: chat.text, path: 'MQTT' });
    }
  }
  return lines.sort((a, b) => a.i - b.i);
}

function parseChat(payload: string): { from: string; to: string; text: string } | null {
  try {
    const v = JSON.parse(payload) as Record<string, unknown>;
    return typeof v.from === 'string' && typeof v.to === 'string' && typeof v.text === 'string' ? { from: v.from, to: v.to, text: v.text } : null;
  } catch {
    return null;
  }
}
