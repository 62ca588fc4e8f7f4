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
import { SIGNAL_VERSION, type ChatSignal, type HandshakeSignal, type StatusSignal, type WireSignal } from '../signalling/types';
import { applyPresence, idTaken, onlinePeers, type PresenceEntry, type PresenceUpdate } from '../signalling/presence';
import { presenceUpdate, type SoloPhase } from './solo-view';

export type { SoloPhase };
import type { Scheduler } from '../queue/signal-queue';
import { Trace } from '../trace/trace';
import type { DialectWire, TraceEvent } from '../trace/types';
import { LabPeer } from '../peer/lab-peer';
import { EchoEndpoint, type TextChannel } from '../latency/echo';
import type { LatencyPath } from '../latency/run';
import { answerRelay, openRelay, relayConfig, type RelayConnection } from '../latency/relay-link';
import { SessionCore, type HeldMessage } from '../session/core';
import { MqttEndpoint } from '../session/mqtt-endpoint';
import { EarlyCandidates, isEarlyCandidate } from './early-candidates';
import { Conversation, SUSPECT_REASON } from './conversation';
import type { Dialect, DialectChannel } from '../dialects/types';
import { DialectLink } from '../dialects/link';


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
  /** Speak another app's format (../dialects), e.g. the Godot 3 demo's; default the lab's own. */
  dialect?: Dialect;
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
const decoder = new TextDecoder();

const utf8 = new TextEncoder();

/**
 * An RTCDataChannel as a TextChannel. `binary`: the other app sends and expects UTF-8 bytes
 * (Godot's put_packet(), WRITE_MODE_BINARY), not text messages (RFC 8831 §6.6, PPIDs).
 */
export function channelText(ch: RTCDataChannel, binary = false): TextChannel {
  if (binary) ch.binaryType = 'arraybuffer';
  return {
    send: (text) => (binary ? ch.send(utf8.encode(text)) : ch.send(text)),
    onMessage: (fn) => {
      const on = (ev: Event) => {
        const data = (ev as MessageEvent).data as unknown;
        if (typeof data === 'string') fn(data);
        else if (binary && data instanceof ArrayBuffer) fn(decoder.decode(data));
      };
      ch.addEventListener('message', on);
      return () => ch.removeEventListener('message', on);
    },
  };
}

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
  /** Set when this peer speaks another app's format: it reads and writes every signal. */
  readonly link: DialectLink | null;
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
  /**
   * In a dialect with a handshake (the workbench), what this peer's status says in the app's
   * words: "serveropen" once it takes connections, "connectto" and its server as a client.
   */
  private ownStatus: { detail: string; server?: string } | undefined;

  constructor(config: SoloConfig, deps: SoloDeps, trace?: Trace) {
    super(deps, trace);
    this.deps = deps;
    this.self = config.self;
    this.root = config.root;
    this.broker = config.broker;
    this.session = config.session ?? randomToken(6);
    this.rtcConfig = config.rtcConfig ?? { iceServers: [] };
    this.probeTimeoutMs = config.probeTimeoutMs ?? PROBE_TIMEOUT_MS;
    this.link = config.dialect ? new DialectLink(config.dialect, this.root, this.self, this.session) : null;
    this.ep = new MqttEndpoint({
      peer: this.self,
      broker: this.broker,
      clientId: `solo-${this.session}-${this.self}`,
      will: config.dialect
        ? config.dialect.presence(this.root, this.self).will
        : { topic: statusTopic(this.root, this.self), payload: encodeSignal(this.status('offline', 'will')), qos: 1, retain: true },
      connectBroker: deps.connectBroker,
      emit: (body) => this.emit(body),
      onMessage: (topic, payload, packet, wire) => this.receive(topic, payload, packet, wire),
      // The broker may have published our will meanwhile: say we are back (retained).
      onReconnect: () => {
        if (this.phase === 'joined') this.publish(this.status('online'), this.ownStatus);
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
    const dialect = this.link?.dialect;
    const refused = dialect && (dialect.idProblem(this.self) ?? dialect.rootProblem(this.root));
    if (dialect && refused) throw new Error(`${dialect.label}: ${refused}`);
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
      await this.subscribeTopics({ [this.link?.statusFilter ?? `${this.root}/+/status`]: { qos: this.link ? 0 : 1 }, [probeTopic]: { qos: 1 } });
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
      await this.subscribeTopics(this.link?.inbox() ?? { [signalTopic(this.root, this.self)]: { qos: 1 }, [pingTopic(this.root, this.self, '+')]: { qos: 1 } });
    } catch (err) {
      return this.fail(`subscribe failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.publish(this.status('online'));
    this.setPhase('joined');
    this.openServerIfNone();
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

  /** A signal on its topic: a status retained on ours, anything else to its recipient's inbox. */
  private publish(signal: WireSignal, status?: { detail: string; server?: string }): boolean {
    const link = this.link;
    if (!link) {
      const topic = signal.kind === 'status' ? statusTopic(this.root, this.self) : signalTopic(this.root, signal.to);
      return this.ep.publish(topic, signal, signal.kind === 'status') !== null;
    }
    const out = link.write(signal, status);
    if ('refused' in out) {
      // The Godot apps have no end-of-candidates: not sending it is the dialect, not a failure.
      this.emit({ type: 'api', peer: this.self, call: `publish ${signal.kind}`, ok: signal.kind === 'end-of-candidates', detail: `not sent in ${link.dialect.label}: ${out.refused}` });
      return false;
    }
    const { message, wire } = out;
    return this.ep.publish(message.topic, signal, message.retain, message.qos, wire) !== null;
  }

  protected decodeContext(_to: string, topic: string): DecodeContext {
    // In a dialect, an edit is made to the lab's reading, as if it had come on our signal topic.
    const labTopic = this.link && parseTopic(this.root, topic)?.kind !== 'status' ? signalTopic(this.root, this.self) : topic;
    // No session is pinned: each conversation names its own, and LabPeer checks it.
    return { topic: labTopic, root: this.root, self: this.self, session: null };
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
    const read = this.link ? this.readDialect(topic, payload) : this.readLab(topic, payload);
    if (!read) return;
    if ('cleared' in read) {
      // An empty retained payload clears a status (MQTT 3.1.1 §3.3.1.3): the peer left gracefully.
      if (read.cleared !== this.self) this.updateRoster({ peer: read.cleared, cleared: true });
      this.early.forget(read.cleared, `${read.cleared} left`);
      return;
    }
    const { signal, dialect, status } = read;
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
          this.publish(this.status('online'), this.ownStatus);
        }
        return;
      }
    }
    const announced = this.announced.get(signal.from);
    const suspect = this.conversation.judge(signal, announced);
    if (suspect) {
      const reason = SUSPECT_REASON[suspect]({ signal, bound: this.conversation.bound, announced });
      return this.holdApart(this.self, signal, topic, payload, packet, wire, 'suspicious', reason, dialect);
    }
    if (signal.kind === 'status') {
      if (signal.status === 'online') this.announced.set(signal.from, signal.session);
      this.updateRoster({ peer: signal.from, status: signal.status, will: signal.reason === 'will', retained: packet.retain, ts: signal.ts, ...(status?.detail ? { detail: status.detail } : {}) });
      // The sender is subscribed again (it subscribes before it says so): what waited for it goes out.
      if (signal.status === 'online') this.ep.flushOutbox(signal.from);
    }
    this.holdSignal(this.self, signal, topic, payload, packet, wire, dialect);
  }

  /** A message in the lab's own format: a cleared status, an admitted signal, or null (refused and traced). */
  private readLab(topic: string, payload: Uint8Array): { cleared: string } | { signal: WireSignal; dialect?: undefined; status?: undefined } | null {
    const parsed = parseTopic(this.root, topic);
    if (parsed?.kind === 'status' && payload.length === 0) return { cleared: parsed.peer };
    const signal = this.admit(this.self, topic, payload);
    return signal && { signal };
  }

  /**
   * A message in the dialect: through the flood gate, then read by the link. A latency probe
   * or its answer goes straight to the latency test, outside the queue (as pings do above).
   */
  private readDialect(topic: string, payload: Uint8Array): { cleared: string } | { signal: WireSignal; dialect: DialectWire; status?: { detail: string } } | null {
    const link = this.link!;
    if (!this.passesGate(this.self, this.root, topic, payload)) return null;
    // Refused before it is even decoded: a huge payload costs nothing (the dialect says so too).
    if (payload.length > link.dialect.maxPayloadBytes) {
      this.refuse(this.self, topic, payload, `payload of ${payload.length} bytes, over the ${link.dialect.maxPayloadBytes}-byte limit of ${link.dialect.label}`);
      return null;
    }
    const r = link.read(topic, decoder.decode(payload), { remote: this.remote, online: this.online.map((p) => p.id) });
    if (!r.ok) {
      this.refuse(this.self, topic, payload, r.reason);
      return null;
    }
    if (r.what === 'cleared') return { cleared: r.from };
    if (r.what === 'latency') {
      for (const fn of this.pingListeners.get(r.from) ?? []) fn(r.text);
      return null;
    }
    return { signal: r.signal, dialect: r.wire, ...(r.status ? { status: r.status } : {}) };
  }

  private updateRoster(update: PresenceUpdate): void {
    const body =
      'cleared' in update
        ? ({ type: 'presence', peer: this.self, of: update.peer, status: 'cleared', will: false, retained: false, ts: 0 } as const)
        : ({ type: 'presence', peer: this.self, of: update.peer, status: update.status, will: update.will, retained: update.retained, ts: update.ts, ...(update.detail ? { detail: update.detail } : {}) } as const);
    this.emit(body);
    this.roster = applyPresence(this.roster, presenceUpdate(body));
  }

  protected deliver(message: HeldMessage): void {
    const signal = message.signal;
    if (signal.kind === 'chat') return;
    if (signal.kind === 'handshake') return this.handshakeStep(signal);
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
    const handshake = this.link?.dialect.handshake;
    if (handshake) {
      // The app's server offers, once asked: we open the handshake as its client.
      // The conversation binds to the server's offer when it comes (Conversation.judge).
      if (this.remote !== null) return false;
      this.remote = id;
      return this.sendHandshake(id, handshake.opening);
    }
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
      send: (signal) => this.publish(signal),
      now: this.deps.now,
      traceReceivedChat: true,
      ...this.dialectChannel(),
    });
    this.peer = peer;
    peer.start();
    const dialect = this.link?.dialect;
    if (dialect) {
      // The app's own latency test, on its chat topic and its chat channel.
      const format = dialect.latency;
      const dc = peer.dataChannel;
      this.echo = format ? { mqtt: new EchoEndpoint(this.mqttChannel(remote), { format }), dc: dc ? new EchoEndpoint(channelText(dc, dialect.binary), { format }) : null } : null;
      return peer;
    }
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

  /** LabPeer's chat channel in the dialect: the app's first channel, which both ends create. */
  private dialectChannel(): { channel?: DialectChannel; binaryChat?: boolean; notChat?: (text: string) => boolean } {
    const dialect = this.link?.dialect;
    if (!dialect) return {};
    const format = dialect.latency;
    return { channel: dialect.channels[0], binaryChat: dialect.binary, ...(format ? { notChat: (text: string) => format.read(text) !== null } : {}) };
  }

  /**
   * In a dialect with a handshake: take connections (the app's server) when nobody in the room
   * does yet, as the workbench's "As necessary" does (MQTTsignalling.gd:239-243).
   */
  private openServerIfNone(): void {
    const handshake = this.link?.dialect.handshake;
    if (!handshake || this.phase !== 'joined') return;
    const served = [...this.roster.values()].some((e) => e.id !== this.self && e.status === 'online' && e.detail === handshake.serverStatus);
    if (served) return;
    this.ownStatus = { detail: handshake.serverStatus };
    this.publish(this.status('online'), this.ownStatus);
  }

  /** A handshake step delivered: answer it as the app's table says (Handshake.on). */
  private handshakeStep(signal: HandshakeSignal): void {
    const handshake = this.link?.dialect.handshake;
    const step = handshake?.on[signal.subject];
    const busy = this.remote !== null && this.remote !== signal.from;
    if (!handshake || !step || busy) {
      const why = step ? `already talking to ${this.remote}` : 'not a step this app takes';
      this.emit({ type: 'api', peer: this.self, call: 'handshake', ok: false, detail: `ignored "${signal.subject}" from ${signal.from}: ${why}` });
      return;
    }
    this.remote = signal.from;
    if (step.status) {
      this.ownStatus = step.status === handshake.serverStatus ? { detail: step.status } : { detail: step.status, server: signal.from };
      this.publish(this.status('online'), this.ownStatus);
    }
    if (step.reply) this.sendHandshake(signal.from, step.reply);
    if (step.offer && !this.peer) {
      // The server offers, as connectTo does in the lab's own format.
      this.conversation.open(signal.from, this.session);
      const peer = this.startPeer(signal.from, 'offerer', this.session);
      peer.handleSignal({ v: SIGNAL_VERSION, kind: 'status', from: signal.from, session: this.session, mid: `presence-${signal.from}`, ts: Date.now(), status: 'online' });
    }
  }

  private sendHandshake(to: string, subject: string): boolean {
    return this.publish({ v: SIGNAL_VERSION, kind: 'handshake', from: this.self, to, session: this.session, mid: this.nextMid(), ts: Date.now(), subject });
  }

  /**
   * The RTCPeerConnection, plus the channels made before LabPeer's chat channel: in the lab's
   * format a negotiated "latency" channel; in a dialect the app's other channels, as its peer
   * makes them (a Godot peer counts as connected only when all of them are open).
   */
  private createPeerConnection(config: RTCConfiguration): RTCPeerConnection {
    const pc = this.deps.createPeerConnection(config);
    this.pc = pc;
    const extra = this.link ? this.link.dialect.channels.slice(1) : [{ label: LATENCY_CHANNEL.label, init: { negotiated: true as const, id: LATENCY_CHANNEL.id }, why: 'latency pings only' }];
    for (const spec of extra) {
      try {
        const ch = pc.createDataChannel(spec.label, spec.init);
        if (!this.link) this.latencyChannel = ch;
        const why = 'why' in spec ? `; ${spec.why}` : '';
        this.emit({ type: 'api', peer: this.self, call: 'createDataChannel', ok: true, detail: `${spec.label} (negotiated, id ${spec.init.id}${why})` });
      } catch (err) {
        this.emit({ type: 'api', peer: this.self, call: 'createDataChannel', ok: false, detail: err instanceof Error ? err.message : String(err) });
      }
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
    const overChannel = this.link?.dialect.channelChat ?? true;
    if (overChannel && this.peer && this.remote === to && this.peer.channelOpen) return this.peer.sendChat(text) ? 'data channel' : null;
    if (this.phase !== 'joined' || !isValidPeerId(to) || to === this.self) return null;
    const signal: ChatSignal = { v: SIGNAL_VERSION, kind: 'chat', from: this.self, to, session: this.session, mid: this.nextMid(), ts: Date.now(), text };
    return this.publish(signal) ? 'MQTT' : null;
  }

  /**
   * A text channel to `to` over MQTT topics, for the latency test (not through the queue): the
   * lab's ping topics, or in a dialect the app's own latency messages (the demo's chat topic).
   */
  mqttChannel(to: string): TextChannel {
    const link = this.link;
    return {
      send: (text) => {
        const m = link ? link.latencyMessage(to, text) : { topic: pingTopic(this.root, to, this.self), payload: text, retain: false, qos: 1 as const };
        if (!m) throw new Error(`${link?.dialect.label ?? 'this format'} has no latency test over MQTT`);
        if (!this.ep.publishRaw(m.topic, m.payload, m.retain, m.qos)) throw new Error('not connected to the broker');
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
