/**
 * LabSession: wires two LabPeers to a broker through the SignalQueue, and records
 * everything in one Trace. Framework-free: the broker connector and the
 * RTCPeerConnection factory are injected, so unit tests pass fakes.
 */
import { DEFAULT_KEEPALIVE_S, type BrokerConnection, type ConnectOptions, type MqttLike, type ReceivedPacket, type WirePacket } from '../broker/types';
import { decodeSignal, encodeSignal, payloadBytes, previewPayload } from '../signalling/codec';
import { parseTopic, randomToken, signalTopic, statusTopic, subscriptionsFor } from '../signalling/topics';
import { SIGNAL_VERSION, type ChatSignal, type DirectedSignal, type StatusSignal, type WireSignal } from '../signalling/types';
import { SignalQueue, type QueueEdit } from '../queue/signal-queue';
import { checkEdit } from './tamper';
import { CandidateFilter, discardReason, signalCandidateType, type CandidateType } from './candidate-filter';
import { Trace } from '../trace/trace';
import type { MessageInfo, TraceEventBody } from '../trace/types';
import { LabPeer, glareRole, type GlareMode, type IceMode } from '../peer/lab-peer';
import { takeWire } from '../mqtt/handshake';
import { bytesToHex } from '../mqtt/hex';
import { FloodGate } from '../signalling/flood-gate';

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

/** A message waiting in the queue for one recipient. */
export interface HeldMessage extends MessageInfo {
  signal: WireSignal;
}

interface PeerSlot {
  id: string;
  /** null when the session runs without WebRTC. */
  peer: LabPeer | null;
  conn: BrokerConnection | null;
  /** Incoming PUBLISH packets not yet matched to a 'message' event (same order, per client). */
  inbox: WirePacket[];
  packets: WirePacket[];
  unplugged: boolean;
  /** Pulled silently: the link is cut but open, so its packets are no longer recorded. */
  silent: boolean;
  /** Waiting for our own status to come back, by mid. */
  echoes: Map<string, () => void>;
}

const MAX_PACKETS_PER_PEER = 2000;
/** Give up waiting for our own status to come back after this long (ms). */
const ECHO_TIMEOUT_MS = 2000;

export class LabSession {
  readonly trace: Trace;
  readonly queue: SignalQueue<HeldMessage>;
  readonly config: Required<Omit<LabConfig, 'rtcConfig' | 'keepaliveS'>> & { rtcConfig: RTCConfiguration; keepaliveS?: number };
  private readonly slots = new Map<string, PeerSlot>();
  private qidCounter = 0;
  private midCounter = 0;
  private closed = false;
  private readonly deps: LabDeps;
  private readonly discards = new CandidateFilter();
  /** Topics we published retained chats on, cleared again on close. */
  private readonly retainedChats = new Set<string>();
  /** Incoming messages per recipient and topic: a flood is dropped undecoded and summed. */
  private readonly gate: FloodGate;

  constructor(config: LabConfig, deps: LabDeps, trace?: Trace) {
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
    this.trace = trace ?? new Trace(deps.now);
    this.queue = new SignalQueue<HeldMessage>({
      deliver: (m) => this.deliver(m),
      scheduler: deps.scheduler,
    });
    this.gate = new FloodGate({ now: deps.now, scheduler: deps.scheduler, report: (r) => this.emit({ type: 'rejected', ...r }) });
  }

  get peers(): [string, string] {
    return this.config.peers;
  }

  /** MQTT packets one peer's client sent and received, oldest first. */
  packetsOf(peer: string): readonly WirePacket[] {
    return this.slots.get(peer)?.packets ?? [];
  }

  /** One peer's current getStats() output as plain objects. */
  statsOf(peer: string): Promise<RTCStats[]> {
    return this.slots.get(peer)?.peer?.getStats() ?? Promise.resolve([]);
  }

  isUnplugged(peer: string): boolean {
    return this.slots.get(peer)?.unplugged ?? false;
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
    const results = await Promise.allSettled(slots.map((slot) => this.connectTransport(slot)));
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      for (const slot of slots) slot.peer?.close();
      await Promise.all(slots.map((slot) => slot.conn?.close().catch(() => undefined)));
      for (const slot of slots) slot.conn = null;
      throw failure.reason instanceof Error ? failure.reason : new Error(String(failure.reason));
    }
    for (const slot of slots) {
      if (this.closed) return;
      await this.join(slot);
    }
  }

  private createSlot(id: string, remoteId: string, role: 'offerer' | 'answerer'): PeerSlot {
    const peer = !this.config.webrtc ? null : new LabPeer({
      id,
      remoteId,
      role,
      session: this.config.session,
      createPeerConnection: this.deps.createPeerConnection,
      rtcConfig: this.config.rtcConfig,
      emit: (body) => this.emit(body),
      send: (signal) => this.publishSignal(id, signal),
      now: this.deps.now,
      iceMode: this.config.iceMode,
      glare: glareRole(this.config.glare, role),
      bufferEarlyCandidates: !this.config.naivePeers,
    });
    const slot: PeerSlot = { id, peer, conn: null, inbox: [], packets: [], unplugged: false, silent: false, echoes: new Map() };
    this.slots.set(id, slot);
    return slot;
  }

  private async connectTransport(slot: PeerSlot): Promise<void> {
    const { root, broker, session } = this.config;
    const will: StatusSignal = this.statusSignal(slot.id, 'offline', 'will');
    this.emit({ type: 'broker', peer: slot.id, state: 'connecting', detail: broker });
    let conn: BrokerConnection;
    try {
      conn = await this.deps.connectBroker({
        broker,
        clientId: `lab-${session}-${slot.id}`,
        will: { topic: statusTopic(root, slot.id), payload: encodeSignal(will), qos: 1, retain: true },
        onPacket: (p) => this.recordPacket(slot, p),
        ...(this.config.keepaliveS !== undefined ? { keepaliveS: this.config.keepaliveS } : {}),
      });
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      this.emit({ type: 'broker', peer: slot.id, state: 'error', detail });
      throw new Error(detail);
    }
    if (this.closed) {
      void conn.close();
      return;
    }
    slot.conn = conn;
    this.wireClient(slot, conn.client);
    this.emit({ type: 'broker', peer: slot.id, state: 'connected', detail: broker });
  }

  /** Subscribe to the session's topics, then announce ourselves (retained). */
  private async join(slot: PeerSlot): Promise<void> {
    const conn = slot.conn;
    if (!conn) return;
    await new Promise<void>((resolve, reject) => {
      const subs = subscriptionsFor(this.config.root, slot.id, this.config.subscribeQos);
      conn.client.subscribe(subs, (err) => (err ? reject(err) : resolve()));
    });
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
    await this.publish(slot, statusTopic(this.config.root, slot.id), signal, true);
    await echoed;
    slot.echoes.delete(signal.mid);
  }

  private wireClient(slot: PeerSlot, client: MqttLike): void {
    let lost = false;
    client.on('message', (topic, payload, packet) => this.receive(slot, topic, payload, packet));
    const onLost = () => {
      if (lost || this.closed || slot.unplugged) return;
      lost = true;
      this.emit({ type: 'broker', peer: slot.id, state: 'lost', detail: 'connection to the broker dropped' });
    };
    client.on('close', onLost);
    client.on('offline', onLost);
    client.on('reconnect', () => {
      if (this.closed || slot.unplugged) return;
      this.emit({ type: 'broker', peer: slot.id, state: 'reconnecting' });
    });
    client.on('connect', () => {
      // mqtt.js emits connect again after an automatic reconnect; the broker may have
      // fired our will meanwhile, so publish "online" again (it is retained).
      if (!lost || this.closed || slot.unplugged) return;
      lost = false;
      this.emit({ type: 'broker', peer: slot.id, state: 'connected', detail: 'reconnected' });
      this.publishStatus(slot, 'online');
    });
    client.on('error', (err) => {
      if (this.closed) return;
      this.emit({ type: 'broker', peer: slot.id, state: 'error', detail: err.message });
    });
  }

  private recordPacket(slot: PeerSlot, packet: WirePacket): void {
    // A silent peer's wire is cut: nothing it "sends" leaves, nothing sent to it arrives.
    if (slot.silent) return;
    slot.packets.push(packet);
    if (slot.packets.length > MAX_PACKETS_PER_PEER) slot.packets.splice(0, slot.packets.length - MAX_PACKETS_PER_PEER);
    if (packet.direction === 'in' && packet.type === 'PUBLISH') slot.inbox.push(packet);
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

  private publishStatus(slot: PeerSlot, status: 'online' | 'offline'): void {
    const signal = this.statusSignal(slot.id, status);
    void this.publish(slot, statusTopic(this.config.root, slot.id), signal, true);
  }

  private publishSignal(from: string, signal: DirectedSignal): void {
    const slot = this.slots.get(from);
    if (!slot) return;
    void this.publish(slot, signalTopic(this.config.root, signal.to), signal, false);
  }

  /**
   * Publishes a short text to the other peer over MQTT itself, with the reader's QoS and
   * retain flag: the MQTT chapter uses it to show each QoS handshake. False when the
   * sender is unknown or unplugged.
   */
  publishChat(from: string, text: string, opts: PublishChatOptions): boolean {
    const slot = this.slots.get(from);
    const to = this.config.peers.find((p) => p !== from);
    if (!slot || !to || !slot.conn || slot.unplugged) return false;
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
    void this.publish(slot, topic, signal, opts.retain, opts.qos);
    return true;
  }

  /** Resolves once the broker acknowledged it (PUBACK, or PUBCOMP for QoS 2) or it failed; never rejects. */
  private publish(slot: PeerSlot, topic: string, signal: WireSignal, retain: boolean, qos: 0 | 1 | 2 = 1): Promise<void> {
    const payload = encodeSignal(signal);
    const client = slot.conn?.client;
    if (!client || slot.unplugged) {
      this.emit({
        type: 'api',
        peer: slot.id,
        call: `publish ${signal.kind}`,
        ok: false,
        detail: slot.unplugged ? 'the plug is pulled: no broker connection' : 'not connected to the broker',
      });
      return Promise.resolve();
    }
    this.emit({
      type: 'published',
      peer: slot.id,
      mid: signal.mid,
      kind: signal.kind,
      topic,
      payload,
      bytes: payloadBytes(payload),
      qos,
      retain,
    });
    return new Promise((resolve) => {
      client.publish(topic, payload, { qos, retain }, (err) => {
        if (err && !this.closed) {
          this.emit({ type: 'api', peer: slot.id, call: `publish ${signal.kind}`, ok: false, detail: err.message });
        }
        resolve();
      });
    });
  }

  /** Every message from the broker lands here: validate, then hold it for Step. */
  private receive(slot: PeerSlot, topic: string, payload: Uint8Array, packet: ReceivedPacket): void {
    const wire = takeWire(slot.inbox, topic, packet.messageId);
    if (this.closed || slot.silent) return;
    const { root, session } = this.config;
    const parsed = parseTopic(root, topic);
    // Our own status comes back to us through the +/status subscription.
    if (parsed?.kind === 'status' && parsed.peer === slot.id) {
      const result = decodeSignal(payload, { topic, root, self: slot.id, session });
      if (result.ok) slot.echoes.get(result.signal.mid)?.();
      return;
    }
    // An empty retained payload deletes a retained message (MQTT 3.1.1 §3.3.1.3); brokers
    // pass it on to current subscribers. It carries no signal.
    if (payload.length === 0 && parsed?.kind === 'status') return;
    if (!this.gate.admit(slot.id, topic, payload)) return;
    const result = decodeSignal(payload, { topic, root, self: slot.id, session });
    const bytes = payload.length;
    if (!result.ok) {
      this.emit({ type: 'rejected', to: slot.id, topic, reason: result.reason, bytes, preview: previewPayload(payload) });
      return;
    }
    const signal = result.signal;
    this.qidCounter += 1;
    const held: HeldMessage = {
      qid: `q${this.qidCounter}`,
      to: slot.id,
      from: signal.from,
      kind: signal.kind,
      topic,
      payload: new TextDecoder().decode(payload),
      bytes,
      qos: packet.qos,
      retain: packet.retain,
      will: signal.kind === 'status' && signal.reason === 'will',
      mid: signal.mid,
      signal,
    };
    if (wire) held.packetHex = bytesToHex(wire.bytes, '');
    const { signal: _signal, ...info } = held;
    this.emit({ type: 'held', ...info });
    this.queue.hold(held);
    // A standing discard switch: it arrives (held, drawn) and is dropped at once.
    const discard = this.discards.reasonFor(held);
    if (discard) this.drop(held.qid, discard);
  }

  private deliver(message: HeldMessage): void {
    this.emit({ type: 'delivered', qid: message.qid, to: message.to });
    const signal = message.signal;
    // A chat is for the app, not for the RTCPeerConnection: its delivery is the whole story.
    if (signal.kind === 'chat') return;
    const peer = this.slots.get(message.to)?.peer;
    if (peer) {
      peer.handleSignal(signal);
    } else if (signal.kind === 'status' && this.slots.has(message.to)) {
      // Without WebRTC nobody else records presence, so the session does (as LabPeer would).
      this.emit({ type: 'remote-status', peer: message.to, of: signal.from, status: signal.status, will: signal.reason === 'will' });
    }
  }

  step(): HeldMessage | undefined {
    return this.queue.step();
  }

  play(intervalMs: number): void {
    this.queue.play(intervalMs);
  }

  pause(): void {
    this.queue.pause();
  }

  /** Fault injection: take one held message out of the queue. It never reaches its peer. */
  drop(qid: string, reason?: string): HeldMessage | undefined {
    const message = this.queue.drop(qid);
    if (!message) return undefined;
    this.emit({ type: 'dropped', qid, to: message.to, by: 'reader', ...(reason ? { reason } : {}) });
    return message;
  }

  // #region fault-injection
  /** Fault injection: every message held now goes first; this one moves to the tail. */
  delay(qid: string): QueueEdit<HeldMessage> {
    const result = this.queue.delay(qid);
    if (result.ok) this.emit({ type: 'tampered', qid, to: result.item.to, action: 'delay' });
    return result;
  }

  /** Fault injection: swap a held message with the one before (-1) or after (+1) it. */
  move(qid: string, by: -1 | 1): QueueEdit<HeldMessage> {
    const result = this.queue.move(qid, by);
    if (result.ok) this.emit({ type: 'tampered', qid, to: result.item.to, action: 'move', by });
    return result;
  }

  /**
   * Fault injection: a second copy of the same signal (same payload, same mid), held right
   * after it under a new qid, so the peer really receives it twice.
   */
  duplicate(qid: string): QueueEdit<HeldMessage> {
    const result = this.queue.duplicate(qid, (m) => {
      this.qidCounter += 1;
      return { ...m, qid: `q${this.qidCounter}` };
    });
    if (!result.ok) return result;
    const { signal: _signal, ...info } = result.item;
    this.emit({ type: 'held', ...info });
    this.emit({ type: 'tampered', qid, to: result.item.to, action: 'duplicate', copy: result.item.qid });
    return result;
  }

  /**
   * Fault injection: replace a held message's payload. The new text goes through the same
   * decoder as anything from the broker (with this recipient's topic and session), plus the
   * checks in ./tamper (same kind, well-formed SDP lines); a refused edit changes nothing.
   */
  edit(qid: string, payload: string): { ok: true; message: HeldMessage } | { ok: false; reason: string } {
    const index = this.queue.indexOf(qid);
    const message = this.queue.held[index];
    if (!message) return { ok: false, reason: `${qid} is no longer held: it was delivered or dropped` };
    if (payload === message.payload) return { ok: false, reason: 'nothing changed' };
    const { root, session } = this.config;
    const result = decodeSignal(payload, { topic: message.topic, root, self: message.to, session });
    if (!result.ok) return { ok: false, reason: result.reason };
    const refused = checkEdit(message.signal, result.signal);
    if (refused) return { ok: false, reason: refused };
    const bytes = payloadBytes(payload);
    const next: HeldMessage = { ...message, payload, bytes, from: result.signal.from, mid: result.signal.mid, signal: result.signal };
    this.queue.replace(qid, next);
    this.emit({ type: 'tampered', qid, to: message.to, action: 'edit', payload, bytes });
    return { ok: true, message: next };
  }
  // #endregion fault-injection

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

  /**
   * Ungraceful disconnect: no DISCONNECT packet, so the broker publishes the will.
   * By default the socket closes and the broker fires the will at once. `silent: true`
   * cuts the link but closes nothing (Wi-Fi gone): the broker fires the will only after
   * 1.5 × keep-alive without a packet (MQTT 3.1.1 §3.1.2.10), counted from the peer's last
   * packet. Transports without a keep-alive fall back to the immediate pull.
   */
  pullPlug(peer: string, opts: { silent?: boolean } = {}): void {
    const slot = this.slots.get(peer);
    if (!slot?.conn || slot.unplugged) return;
    slot.unplugged = true;
    const conn = slot.conn;
    if (opts.silent && conn.goSilent) {
      const lastOut = slot.packets.findLast((p) => p.direction === 'out');
      const quietMs = lastOut ? Math.max(0, Date.now() - lastOut.at) : 0;
      slot.silent = true;
      conn.goSilent();
      this.emit({ type: 'plug-pulled', peer, keepaliveS: this.config.keepaliveS ?? DEFAULT_KEEPALIVE_S, quietMs });
      return;
    }
    this.emit({ type: 'plug-pulled', peer });
    conn.pullPlug();
  }

  sendChat(from: string, text: string): boolean {
    return this.slots.get(from)?.peer?.sendChat(text) ?? false;
  }

  /**
   * Tears both peers down. A graceful DISCONNECT does not fire the will (MQTT 3.1.1
   * §3.14.4), so clear our retained statuses first with an empty retained payload.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.queue.clear();
    const closing: Promise<void>[] = [];
    for (const slot of this.slots.values()) {
      slot.peer?.close();
      const conn = slot.conn;
      if (conn && !slot.unplugged) {
        conn.client.publish(statusTopic(this.config.root, slot.id), '', { qos: 1, retain: true });
        for (const topic of this.retainedChats) conn.client.publish(topic, '', { qos: 1, retain: true });
        this.retainedChats.clear();
        closing.push(conn.close().catch(() => undefined));
      } else if (conn) {
        closing.push(conn.close().catch(() => undefined));
      }
    }
    this.closed = true;
    this.gate.close();
    await Promise.all(closing);
  }

  private emit(body: TraceEventBody): void {
    this.trace.append(body);
  }
}
