// A stranger's peer for the two-device lab: werift (a WebRTC stack in pure TypeScript) in
// Node, speaking the lab's wire format over MQTT from its own, hand-written payloads (it shares
// no code with the lab, as a peer someone else wrote would not):
//   <root>/<id>/status  retained {v,kind:"status",from,session,mid,ts,status}, with a will "offline";
//   <root>/<to>/signal  {v,kind,from,to,session,mid,ts,…}, QoS 1, not retained.
// Loopback only: no STUN servers, one host candidate on 127.0.0.1, and remote candidates on
// other addresses (Chromium's mDNS names among them) are not added, so werift never sends
// mDNS queries or packets off this machine; the browser's checks reach it as peer-reflexive.
import { connectAsync, type MqttClient } from 'mqtt';
import { RTCPeerConnection, type RTCDataChannel } from 'werift';

/** A werift connection that gathers one host candidate, on 127.0.0.1, bound there, and no other. */
export function loopbackPeerConnection(): RTCPeerConnection {
  return new RTCPeerConnection({
    iceServers: [],
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceUseTcp: false,
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
  });
}

export interface WeriftPeerOptions {
  mqttUrl: string;
  root: string;
  id: string;
}

type Json = Record<string, unknown>;

export class WeriftPeer {
  readonly id: string;
  /** Our session; an answerer takes the offer's (the lab's format, docs/wire-format.md). */
  session = `werift-${Math.random().toString(36).slice(2, 10)}`;
  /** What happened, in order, for a failing test's message. */
  readonly log: string[] = [];
  /** Text messages received on the chat channel. */
  readonly received: string[] = [];
  /** Signals we published, in order: kind and JSON payload. */
  readonly sent: { kind: string; payload: string }[] = [];
  private readonly root: string;
  private readonly client: MqttClient;
  private readonly online = new Set<string>();
  private pc: RTCPeerConnection | null = null;
  private channel: RTCDataChannel | null = null;
  private remote: string | null = null;
  private mid = 0;
  /** Candidates that came before the offer they belong to, when we answer (RFC 8838 §18). */
  private early: Json[] = [];

  private constructor(client: MqttClient, opts: WeriftPeerOptions) {
    this.client = client;
    this.root = opts.root;
    this.id = opts.id;
  }

  /** Connects with a will, subscribes to presence and our inbox, then announces itself (retained). */
  static async join(opts: WeriftPeerOptions): Promise<WeriftPeer> {
    const session = `werift-will`;
    const will: Json = { v: 1, kind: 'status', from: opts.id, session, mid: `${opts.id}-will`, ts: Date.now(), status: 'offline', reason: 'will' };
    const client = await connectAsync(opts.mqttUrl, {
      clientId: `werift-${opts.id}-${Date.now()}`,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
      will: { topic: `${opts.root}/${opts.id}/status`, payload: Buffer.from(JSON.stringify(will)), qos: 1, retain: true },
    });
    const peer = new WeriftPeer(client, opts);
    client.on('message', (topic, payload) => peer.onMessage(topic, payload.toString()));
    await client.subscribeAsync({ [`${opts.root}/+/status`]: { qos: 1 }, [`${opts.root}/${opts.id}/signal`]: { qos: 1 } });
    await client.publishAsync(`${opts.root}/${opts.id}/status`, JSON.stringify(peer.envelope('status', { status: 'online' })), { qos: 1, retain: true });
    peer.note('joined');
    return peer;
  }

  /** Resolves once `id` has a status "online" (retained or live). */
  waitOnline(id: string, timeoutMs = 15_000): Promise<void> {
    return this.until(() => this.online.has(id), `${id} online`, timeoutMs);
  }

  /**
   * Offers `to` a connection with a data channel "chat", the wrong way round on purpose: it
   * gathers every candidate and publishes them all (and end-of-candidates) BEFORE the offer.
   * The offer is createOffer()'s SDP, which has no candidates in it. Its candidates leave
   * `sdpMid` out and name the m-section by `sdpMLineIndex` alone, as RTCIceCandidateInit allows.
   */
  async call(to: string): Promise<void> {
    this.remote = to;
    const pc = loopbackPeerConnection();
    this.pc = pc;
    pc.connectionStateChange.subscribe((s) => this.note(`connection ${s}`));
    const channel = pc.createDataChannel('chat');
    this.channel = channel;
    channel.stateChanged.subscribe((s) => this.note(`channel ${s}`));
    channel.onMessage.subscribe((data) => {
      if (typeof data === 'string') this.received.push(data);
    });
    const candidates: Json[] = [];
    const gathered = new Promise<void>((resolve) => {
      pc.onIceCandidate.subscribe((c) => {
        if (!c) return resolve();
        const j = c.toJSON();
        candidates.push({ candidate: j.candidate, sdpMLineIndex: j.sdpMLineIndex ?? 0, usernameFragment: j.usernameFragment ?? null });
      });
    });
    const offer = await pc.createOffer();
    await pc.setLocalDescription(offer);
    await gathered;
    this.note(`gathered ${candidates.length} candidate(s)`);
    for (const c of candidates) await this.signal('candidate', c);
    await this.signal('end-of-candidates', {});
    await this.signal('offer', { sdp: offer.sdp });
  }

  /** Resolves when the chat channel is open. */
  channelOpen(timeoutMs = 30_000): Promise<void> {
    return this.until(() => this.channel?.readyState === 'open', 'chat channel open', timeoutMs);
  }

  /** Resolves when `text` has arrived on the chat channel. */
  waitForMessage(text: string, timeoutMs = 15_000): Promise<void> {
    return this.until(() => this.received.includes(text), `message "${text}"`, timeoutMs);
  }

  send(text: string): void {
    if (!this.channel) throw new Error('no channel');
    this.channel.send(text);
  }

  /** Closes the connection and leaves: clears our retained status, then DISCONNECT (no will). */
  async close(): Promise<void> {
    await this.pc?.close().catch(() => undefined);
    if (this.client.connected) {
      await this.client.publishAsync(`${this.root}/${this.id}/status`, '', { qos: 1, retain: true }).catch(() => undefined);
      await this.client.endAsync().catch(() => undefined);
    }
  }

  private envelope(kind: string, body: Json): Json {
    this.mid += 1;
    return { v: 1, kind, from: this.id, ...(kind === 'status' ? {} : { to: this.remote }), session: this.session, mid: `${this.id}-${this.mid}`, ts: Date.now(), ...body };
  }

  private async signal(kind: string, body: Json): Promise<void> {
    const payload = JSON.stringify(this.envelope(kind, body));
    this.sent.push({ kind, payload });
    await this.client.publishAsync(`${this.root}/${this.remote}/signal`, payload, { qos: 1, retain: false });
  }

  private onMessage(topic: string, text: string): void {
    const status = new RegExp(`^${escape(this.root)}/([A-Za-z0-9_-]{1,32})/status$`).exec(topic);
    let msg: Json;
    try {
      msg = text === '' ? {} : (JSON.parse(text) as Json);
    } catch {
      return this.note(`not JSON on ${topic}`);
    }
    if (status) {
      if (msg.status === 'online') this.online.add(status[1]!);
      else this.online.delete(status[1]!);
      return;
    }
    // Nobody to talk to yet: an offer makes us its answerer.
    if (this.remote === null && msg.kind === 'offer' && typeof msg.from === 'string' && typeof msg.session === 'string') {
      this.remote = msg.from;
      this.session = msg.session;
    }
    if (this.remote === null && msg.kind === 'candidate') return void this.early.push(msg);
    if (msg.from !== this.remote || msg.session !== this.session) return this.note(`ignored ${String(msg.kind)} from ${String(msg.from)}`);
    void this.onSignal(msg).catch((err: unknown) => this.note(`${String(msg.kind)} failed: ${String(err)}`));
  }

  private async onSignal(msg: Json): Promise<void> {
    if (msg.kind === 'offer' && !this.pc) return this.answer(String(msg.sdp));
    const pc = this.pc;
    if (!pc) {
      if (msg.kind === 'candidate') this.early.push(msg);
      return;
    }
    this.note(`got ${String(msg.kind)}`);
    if (msg.kind === 'answer') {
      await pc.setRemoteDescription({ type: 'answer', sdp: String(msg.sdp) });
    } else if (msg.kind === 'candidate') {
      const line = String(msg.candidate);
      // RFC 8839 §5.1: candidate:<foundation> <component> <transport> <priority> <address> <port> typ …
      const address = line.split(' ')[4] ?? '';
      if (!address.startsWith('127.')) return this.note(`not added (not loopback): ${line}`);
      await pc.addIceCandidate({ candidate: line, sdpMid: msg.sdpMid as string, sdpMLineIndex: msg.sdpMLineIndex as number });
    }
  }

  /** We answer an offer: the channel arrives by DCEP; candidates trickle after the answer. */
  private async answer(sdp: string): Promise<void> {
    this.note('got offer');
    const pc = loopbackPeerConnection();
    this.pc = pc;
    pc.connectionStateChange.subscribe((s) => this.note(`connection ${s}`));
    pc.onDataChannel.subscribe((channel) => {
      this.channel = channel;
      channel.stateChanged.subscribe((s) => this.note(`channel ${s}`));
      channel.onMessage.subscribe((data) => {
        if (typeof data === 'string') this.received.push(data);
      });
      if (channel.readyState === 'open') this.note('channel open');
    });
    const pending: Json[] = [];
    let described = false;
    pc.onIceCandidate.subscribe((c) => {
      if (!c) return;
      const j = c.toJSON();
      const body = { candidate: j.candidate, sdpMid: j.sdpMid ?? '0', sdpMLineIndex: j.sdpMLineIndex ?? 0 };
      if (described) void this.signal('candidate', body);
      else pending.push(body);
    });
    await pc.setRemoteDescription({ type: 'offer', sdp });
    const answer = await pc.createAnswer();
    await pc.setLocalDescription(answer);
    await this.signal('answer', { sdp: answer.sdp });
    described = true;
    for (const body of pending) await this.signal('candidate', body);
    const early = this.early;
    this.early = [];
    for (const msg of early) await this.onSignal(msg);
  }

  private note(line: string): void {
    this.log.push(line);
  }

  /** Polls `ok` every 50 ms (werift's events and MQTT's arrive on their own schedules). */
  private async until(ok: () => boolean, what: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ok()) {
      if (Date.now() > deadline) throw new Error(`werift peer ${this.id}: timed out waiting for ${what}. Log:\n${this.log.join('\n')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
