/**
 * LabSession: two LabPeers in one page, each with its own MQTT client, signalling through
 * the session core's queue. Only the topology lives here (who joins first, who receives
 * what); the queue, the trace, the flood gate and fault injection are in ../session/core,
 * the MQTT client in ../session/mqtt-endpoint. Framework-free: the broker connector and the
 * RTCPeerConnection factory are injected, so unit tests pass fakes.
 */
import type { BrokerConnection, ConnectOptions, ReceivedPacket, WirePacket } from '../broker/types';
import { decodeSignal, encodeSignal, type DecodeContext } from '../signalling/codec';
import { parseTopic, randomToken, signalTopic, statusTopic, subscriptionsFor } from '../signalling/topics';
import { SIGNAL_VERSION, type ChatSignal, type DirectedSignal, type StatusSignal, type WireSignal } from '../signalling/types';
import { CandidateFilter, discardReason, signalCandidateType, type CandidateType } from './candidate-filter';
import { Trace } from '../trace/trace';
import { packetsOf, type TracedPacket } from '../trace/packets';
import { LabPeer, glareRole, type GlareMode, type IceMode } from '../peer/lab-peer';
import { SessionCore, type HeldMessage } from '../session/core';
import { MqttEndpoint } from '../session/mqtt-endpoint';
import { FOREIGN_REASON, PublishedLedger } from './published-ledger';

export type { HeldMessage };

export interface LabConfig {
  /** 'in-page', 'direct' or a ws:// / wss:// URL. */
  broker: string;
  root: string;
  /** [offerer, answerer] */
  peers: [string, string];
  rtcConfig?: RTCConfiguration;
  /** Session id shared by both peers; random when omitted. */
  session?: string;
  /**
   * false: MQTT only (the MQTT chapter). No RTCPeerConnection is created; the session
   * delivers signals itself and records presence. Default true.
   */
  webrtc?: boolean;
  /** Keep-alive in CONNECT, seconds (MQTT 3.1.1 §3.1.2.10); the transport's default when omitted. */
  keepaliveS?: number;
  /** Highest QoS each subscription asks for (§3.8.3.1). Default 1. */
  subscribeQos?: 0 | 1 | 2;
  /** Trickle candidates one by one, or vanilla: one description with all of them. Default 'trickle'. */
  iceMode?: IceMode;
  /** The glare experiment: 'naive' or 'polite' makes both peers offer. Default 'off'. */
  glare?: GlareMode;
  /** Naive peers: no buffering of candidates that arrive before the description. Default false. */
  naivePeers?: boolean;
}

export interface PublishChatOptions {
  qos: 0 | 1 | 2;
  retain: boolean;
}

export interface LabDeps {
  connectBroker: (opts: ConnectOptions) => Promise<BrokerConnection>;
  createPeerConnection: (config: RTCConfiguration) => RTCPeerConnection;
  now?: () => number;
  scheduler?: { setTimeout: typeof setTimeout; clearTimeout: typeof clearTimeout };
}

interface PeerSlot {
  id: string;
  /** null when the session runs without WebRTC. */
  peer: LabPeer | null;
  ep: MqttEndpoint;
  /** Waiting for our own status to come back, by mid. */
  echoes: Map<string, () => void>;
}

const decoder = new TextDecoder();

/** Give up waiting for our own status to come back after this long (ms). */
const ECHO_TIMEOUT_MS = 2000;

export class LabSession extends SessionCore {
  readonly config: Required<Omit<LabConfig, 'rtcConfig' | 'keepaliveS'>> & { rtcConfig: RTCConfiguration; keepaliveS?: number };
  private readonly slots = new Map<string, PeerSlot>();
  private midCounter = 0;
  private readonly deps: LabDeps;
  private readonly discards = new CandidateFilter();
  /** Topics we published retained chats on, cleared again on close. */
  private readonly retainedChats = new Set<string>();
  /** Every message this lab published: anything else on its topics is foreign. */
  private readonly ledger: PublishedLedger;

  constructor(config: LabConfig, deps: LabDeps, trace?: Trace) {
    super(deps, trace);
    this.deps = deps;
    this.config = {
      broker: config.broker,
      root: config.root,
      peers: config.peers,
      rtcConfig: config.rtcConfig ?? { iceServers: [] },
      session: config.session ?? randomToken(6),
      webrtc: config.webrtc ?? true,
      subscribeQos: config.subscribeQos ?? 1,
      iceMode: config.iceMode ?? 'trickle',
      glare: config.glare ?? 'off',
      naivePeers: config.naivePeers ?? false,
    };
    if (config.keepaliveS !== undefined) this.config.keepaliveS = config.keepaliveS;
    this.ledger = new PublishedLedger(this.config.peers, this.config.session);
  }

  get peers(): [string, string] {
    return this.config.peers;
  }

  /** MQTT packets one peer's client sent and received, oldest first (read from the trace). */
  packetsOf(peer: string): TracedPacket[] {
    return packetsOf(this.trace.events, peer);
  }

  /** One peer's current getStats() output as plain objects. */
  statsOf(peer: string): Promise<RTCStats[]> {
    return this.slots.get(peer)?.peer?.getStats() ?? Promise.resolve([]);
  }

  isUnplugged(peer: string): boolean {
    return this.slots.get(peer)?.ep.unplugged ?? false;
  }

  /**
   * Opens both broker connections at once, then joins in order: the offerer subscribes and
   * publishes its retained status first, the answerer second. So the answerer receives the
   * offerer's status as a retained message (MQTT 3.1.1 §3.3.1.3): the classic "late joiner".
   */
  async start(): Promise<void> {
    const { session, peers } = this.config;
    this.emit({ type: 'session', session, root: this.config.root, broker: this.config.broker, peers });
    const slots = peers.map((id, index) => this.createSlot(id, peers[1 - index]!, index === 0 ? 'offerer' : 'answerer'));
    // The RTCPeerConnections need no broker to exist; signals reach them only via the queue.
    for (const slot of slots) slot.peer?.start();
    const results = await Promise.allSettled(slots.map((slot) => slot.ep.connect()));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      for (const slot of slots) slot.peer?.close();
      await Promise.all(slots.map((slot) => slot.ep.close()));
      throw failure.reason instanceof Error ? failure.reason : new Error(String(failure.reason));
    }
    for (const slot of slots) {
      if (this.closed) return;
      await this.join(slot);
    }
  }

  private createSlot(id: string, remoteId: string, role: 'offerer' | 'answerer'): PeerSlot {
    const { root, session, broker } = this.config;
    const peer = !this.config.webrtc ? null : new LabPeer({
      id,
      remoteId,
      role,
      session,
      createPeerConnection: this.deps.createPeerConnection,
      rtcConfig: this.config.rtcConfig,
      emit: (body) => this.emit(body),
      send: (signal) => this.publishSignal(id, signal),
      now: this.deps.now,
      iceMode: this.config.iceMode,
      glare: glareRole(this.config.glare, role),
      bufferEarlyCandidates: !this.config.naivePeers,
    });
    const will = { topic: statusTopic(root, id), payload: encodeSignal(this.statusSignal(id, 'offline', 'will')), qos: 1 as const, retain: true };
    this.ledger.will(id, will.topic, will.payload);
    const slot: PeerSlot = {
      id,
      peer,
      echoes: new Map(),
      ep: new MqttEndpoint({
        peer: id,
        broker,
        clientId: `lab-${session}-${id}`,
        will,
        ...(this.config.keepaliveS !== undefined ? { keepaliveS: this.config.keepaliveS } : {}),
        connectBroker: this.deps.connectBroker,
        emit: (body) => {
          // A lost connection may fire the will (MQTT 3.1.1 §3.1.2.5): from now on it is genuine.
          if (body.type === 'broker' && body.state === 'lost') this.ledger.dropped(id);
          this.emit(body);
        },
        onMessage: (topic, payload, packet, wire) => this.receive(slot, topic, payload, packet, wire),
        // The broker may have fired our will meanwhile, so say "online" again (it is retained).
        onReconnect: () => void this.send(slot, statusTopic(root, id), this.statusSignal(id, 'online'), true),
      }),
    };
    this.slots.set(id, slot);
    return slot;
  }

  /** Subscribe to the session's topics, then announce ourselves (retained). */
  private async join(slot: PeerSlot): Promise<void> {
    if (!slot.ep.connected) return;
    await slot.ep.subscribe(subscriptionsFor(this.config.root, slot.id, this.config.subscribeQos));
    // Wait until our own status comes back through our +/status subscription. A PUBACK is
    // not enough: aedes acknowledges before it has forwarded the message, so the next peer's
    // SUBSCRIBE could overtake it and receive the status twice, live and retained.
    const signal = this.statusSignal(slot.id, 'online');
    const echoed = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ECHO_TIMEOUT_MS);
      slot.echoes.set(signal.mid, () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await this.send(slot, statusTopic(this.config.root, slot.id), signal, true);
    await echoed;
    slot.echoes.delete(signal.mid);
  }

  private nextMid(from: string): string {
    this.midCounter += 1;
    return `${from}-${this.midCounter}-${randomToken(4)}`;
  }

  private statusSignal(from: string, status: 'online' | 'offline', reason?: 'will' | 'bye'): StatusSignal {
    const signal: StatusSignal = {
      v: SIGNAL_VERSION,
      kind: 'status',
      from,
      session: this.config.session,
      mid: this.nextMid(from),
      ts: Date.now(),
      status,
    };
    if (reason) signal.reason = reason;
    return signal;
  }

  private publishSignal(from: string, signal: DirectedSignal): void {
    const slot = this.slots.get(from);
    if (slot) void this.send(slot, signalTopic(this.config.root, signal.to), signal, false);
  }

  /** Every publish goes through here, so the ledger knows it before its copy can come back. */
  private send(slot: PeerSlot, topic: string, signal: WireSignal, retain: boolean, qos?: 0 | 1 | 2): Promise<void> | null {
    this.ledger.published(topic, encodeSignal(signal), signal, retain);
    return slot.ep.publish(topic, signal, retain, qos);
  }

  /**
   * Publishes a short text to the other peer over MQTT itself, with the reader's QoS and
   * retain flag: the MQTT chapter uses it to show each QoS handshake. False when the
   * sender is unknown or unplugged.
   */
  publishChat(from: string, text: string, opts: PublishChatOptions): boolean {
    const slot = this.slots.get(from);
    const to = this.config.peers.find((p) => p !== from);
    if (!slot || !to || !slot.ep.connected || slot.ep.unplugged) return false;
    const signal: ChatSignal = {
      v: SIGNAL_VERSION,
      kind: 'chat',
      from,
      to,
      session: this.config.session,
      mid: this.nextMid(from),
      ts: Date.now(),
      text,
    };
    const topic = signalTopic(this.config.root, to);
    if (opts.retain) this.retainedChats.add(topic);
    void this.send(slot, topic, signal, opts.retain, opts.qos);
    return true;
  }

  protected decodeContext(to: string, topic: string): DecodeContext {
    return { topic, root: this.config.root, self: to, session: this.config.session };
  }

  /** Each peer expects the other: the lab started both. */
  protected expectsSender(to: string, sender: string): boolean {
    return sender !== to && this.config.peers.includes(sender);
  }

  /** Every message from the broker lands here: validate, then hold it for Step. */
  private receive(slot: PeerSlot, topic: string, payload: Uint8Array, packet: ReceivedPacket, wire: WirePacket | undefined): void {
    if (this.closed) return;
    const parsed = parseTopic(this.config.root, topic);
    if (parsed?.kind === 'status') {
      // Our own status comes back to us through the +/status subscription.
      if (parsed.peer === slot.id) {
        const own = decodeSignal(payload, this.decodeContext(slot.id, topic));
        if (own.ok) slot.echoes.get(own.signal.mid)?.();
        return;
      }
      // An empty retained payload deletes a retained message (MQTT 3.1.1 §3.3.1.3); brokers
      // pass it on to current subscribers. It carries no signal.
      if (payload.length === 0) return;
    }
    const signal = this.admit(slot.id, topic, payload);
    if (!signal) return;
    const foreign = this.ledger.judge(topic, decoder.decode(payload), signal);
    if (foreign) return this.holdApart(slot.id, signal, topic, payload, packet, wire, 'foreign', FOREIGN_REASON[foreign](signal));
    // The sender is subscribed again (it subscribes before it says so): what waited for it goes out.
    if (signal.kind === 'status' && signal.status === 'online') slot.ep.flushOutbox(signal.from);
    const held = this.holdSignal(slot.id, signal, topic, payload, packet, wire);
    // A standing discard switch: it arrives (held, drawn) and is dropped at once.
    const discard = this.discards.reasonFor(held);
    if (discard) this.drop(held.qid, discard);
  }

  protected deliver(message: HeldMessage): void {
    const signal = message.signal;
    // A chat is for the app, not for the RTCPeerConnection: its delivery is the whole story.
    // Both peers here speak the lab's own format, which has no handshake.
    if (signal.kind === 'chat' || signal.kind === 'handshake') return;
    const peer = this.slots.get(message.to)?.peer;
    if (peer) {
      peer.handleSignal(signal);
    } else if (signal.kind === 'status' && this.slots.has(message.to)) {
      // Without WebRTC nobody else records presence, so the session does (as LabPeer would).
      this.emit({ type: 'remote-status', peer: message.to, of: signal.from, status: signal.status, will: signal.reason === 'will' });
    }
  }

  /**
   * A standing switch: discard `from`'s candidates of this type as they arrive. Turning it
   * on also drops the matching ones already held. Returns what it dropped now.
   */
  discardCandidates(from: string, type: CandidateType, discard: boolean): HeldMessage[] {
    this.discards.set(from, type, discard);
    if (!discard) return [];
    const matching = this.queue.held.filter((m) => m.from === from && signalCandidateType(m.signal) === type);
    return matching.flatMap((m) => this.drop(m.qid, discardReason(from, type)) ?? []);
  }

  /** Ungraceful disconnect: the broker publishes the will (see MqttEndpoint.pullPlug). */
  pullPlug(peer: string, opts: { silent?: boolean } = {}): void {
    const slot = this.slots.get(peer);
    if (!slot?.ep.connected || slot.ep.unplugged) return;
    // Before the pull: the will may arrive at the other peer before pullPlug returns.
    this.ledger.dropped(peer);
    slot.ep.pullPlug(opts);
  }

  sendChat(from: string, text: string): boolean {
    return this.slots.get(from)?.peer?.sendChat(text) ?? false;
  }

  /**
   * The reader's ICE restart (its button: New ICE credentials): the offerer (the lab's first peer) restarts ICE (RFC 8445 §9), and
   * its new offer, the answer and the new candidates go through the queue like any signal.
   * False without WebRTC.
   */
  restartIce(): boolean {
    const peer = this.slots.get(this.config.peers[0])?.peer;
    if (!peer || this.closed) return false;
    peer.restartIce();
    return true;
  }

  /** Tears both peers down, clearing our retained statuses and chats first. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closeCore();
    // One client clears the retained chats; each clears its own status.
    let chats = [...this.retainedChats];
    this.retainedChats.clear();
    const closing: Promise<void>[] = [];
    for (const slot of this.slots.values()) {
      slot.peer?.close();
      closing.push(slot.ep.close([statusTopic(this.config.root, slot.id), ...chats]));
      if (!slot.ep.unplugged) chats = [];
    }
    await Promise.all(closing);
  }
}
