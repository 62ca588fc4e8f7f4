// A peer of the Godot 4 networking workbench (goatchurchprime/godot_multiplayer_networking_workbench,
// addons/player-networking/MQTTsignalling.gd) for the two-device lab's `?dialect=godot-workbench`:
// werift in Node, doing on the wire what the GDScript does, from its own hand-written payloads
// (it shares no code with the lab). JSON as Godot's JSON.stringify writes it: keys sorted, no spaces.
//   CONNECT   client id = peer id "x<n>", keep-alive 120, clean, will <room>/<id>/status =
//             {"comment":"by_will","subject":"closed"}, retained, QoS 0 (:187-199)
//   SUBSCRIBE <room>/+/status, <room>/+/packet/<id>, <room>/+/message/<id>, QoS 0 (:172-177)
//   status    {"playername":…,"subject":"unconnected"}, retained (:178); when its own comes back
//             (the "caboose"), a client picks the newest open server (:239-253)
//   client    request_connection → (connection_accepted) → status connectto, request_offer (:254, :381-418)
//   server    status serveropen; request_connection → connection_accepted + serveropen again;
//             request_offer → the offer (:298-348)
//   packets   {"data":sdp,"subject":"offer"|"answer"}, {"index_name","mid_name","sdp_name","subject":"ice_candidate"}
//   channels  WebRTCMultiplayerPeer.add_peer(): negotiated ids 1 "reliable", 2 "ordered"
//             (maxPacketLifeTime 1), 3 "unreliable" (unordered, maxPacketLifeTime 1)
//   message   raw text on <room>/<from>/message/<to> (:234-236)
// Loopback only, as ./werift-peer.ts.
import { connectAsync, type MqttClient } from 'mqtt';
import type { RTCDataChannel, RTCPeerConnection } from 'werift';
import { loopbackPeerConnection } from './werift-peer';

export interface GodotWorkbenchPeerOptions {
  mqttUrl: string;
  room: string;
  /** "x" and a number (:191). */
  id: string;
  playername: string;
  role: 'client' | 'server';
}

type Json = Record<string, string | number>;
const sorted = (v: Json) => JSON.stringify(Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])));

export class GodotWorkbenchPeer {
  readonly log: string[] = [];
  /** Raw text received on <room>/<from>/message/<id>. */
  readonly messages: { from: string; text: string }[] = [];
  /** The latest status of every peer, as its JSON (or "" once cleared). */
  readonly statuses = new Map<string, string>();
  /** Every packet we published: to whom and its payload. */
  readonly sent: { to: string; payload: string }[] = [];
  channels: RTCDataChannel[] = [];
  private pc: RTCPeerConnection | null = null;
  /**
   * Candidates werift finds while setLocalDescription() runs wait for the description: Godot
   * publishes it from session_description_created, and its candidates come in later frames.
   */
  private pending: Json[] | null = null;
  private server: string | null = null;
  private client: string | null = null;
  /** Packets are handled one after another, as Godot's one-thread frame loop does. */
  private chain: Promise<void> = Promise.resolve();

  private constructor(
    private readonly mqtt: MqttClient,
    private readonly opts: GodotWorkbenchPeerOptions,
  ) {}

  static async join(opts: GodotWorkbenchPeerOptions): Promise<GodotWorkbenchPeer> {
    const mqtt = await connectAsync(opts.mqttUrl, {
      clientId: opts.id,
      protocolVersion: 4,
      clean: true,
      keepalive: 120,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
      will: { topic: `${opts.room}/${opts.id}/status`, payload: Buffer.from(sorted({ subject: 'closed', comment: 'by_will' })), qos: 0, retain: true },
    });
    const peer = new GodotWorkbenchPeer(mqtt, opts);
    mqtt.on('message', (topic, payload) => peer.onMessage(topic, payload.toString('latin1')));
    const { room, id } = opts;
    for (const t of [`${room}/+/status`, `${room}/+/packet/${id}`, `${room}/+/message/${id}`]) await mqtt.subscribeAsync(t, { qos: 0 });
    peer.status({ subject: 'unconnected' });
    return peer;
  }

  /** Raw text to `to` on <room>/<id>/message/<to> (sendmessage_toclient, :234-236). */
  message(to: string, text: string): void {
    this.mqtt.publish(`${this.opts.room}/${this.opts.id}/message/${to}`, text, { qos: 0, retain: false });
  }

  /** Resolves when every one of the three channels is open (Godot counts the peer connected only then). */
  allChannelsOpen(timeoutMs = 30_000): Promise<void> {
    return this.until(() => this.channels.length === 3 && this.channels.every((c) => c.readyState === 'open'), 'all three channels open', timeoutMs);
  }

  until(ok: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    return (async () => {
      while (!ok()) {
        if (Date.now() > deadline) throw new Error(`workbench peer ${this.opts.id}: timed out waiting for ${what}. Log:\n${this.log.join('\n')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
  }

  /** The app is killed: the broker publishes its will. */
  kill(): void {
    void this.pc?.close().catch(() => undefined);
    this.mqtt.stream.destroy();
  }

  async close(): Promise<void> {
    await this.pc?.close().catch(() => undefined);
    if (this.mqtt.connected) await this.mqtt.endAsync(true).catch(() => undefined);
  }

  private status(extra: Json): void {
    this.mqtt.publish(`${this.opts.room}/${this.opts.id}/status`, sorted({ playername: this.opts.playername, ...extra }), { qos: 0, retain: true });
  }

  private packet(to: string, body: Json): void {
    const payload = sorted(body);
    this.sent.push({ to, payload });
    this.mqtt.publish(`${this.opts.room}/${this.opts.id}/packet/${to}`, payload, { qos: 0, retain: false });
  }

  private onMessage(topic: string, payload: string): void {
    // The room is read from the end of the topic (:258-290).
    const levels = topic.split('/');
    const what = levels.at(-1) === 'status' ? 'status' : levels.at(-2);
    const from = what === 'status' ? levels.at(-2)! : levels.at(-3)!;
    if (what === 'status') return this.onStatus(from, payload);
    if (what === 'message') {
      this.messages.push({ from, text: payload });
      return;
    }
    const v = JSON.parse(payload) as Record<string, unknown>;
    this.log.push(`got ${String(v.subject)} from ${from}`);
    this.chain = this.chain.then(() => this.onPacket(from, v)).catch((err: unknown) => void this.log.push(`${String(v.subject)} failed: ${String(err)}`));
  }

  private onStatus(from: string, payload: string): void {
    this.statuses.set(from, payload);
    if (from !== this.opts.id || this.server || this.client !== null) return;
    // The caboose: every retained status has arrived before our own came back.
    if (this.opts.role === 'server') {
      this.client = '';
      this.status({ subject: 'serveropen', nconnections: 0 });
      return;
    }
    const open = [...this.statuses].filter(([id, s]) => id !== this.opts.id && s.includes('"subject":"serveropen"')).map(([id]) => id);
    const server = open.at(-1);
    if (!server) {
      this.log.push('no open server');
      return;
    }
    this.server = server;
    this.packet(server, { subject: 'request_connection' });
  }

  private async onPacket(from: string, v: Record<string, unknown>): Promise<void> {
    const subject = v.subject;
    if (this.opts.role === 'server') {
      if (subject === 'request_connection') {
        this.packet(from, { subject: 'connection_accepted' });
        this.status({ subject: 'serveropen', nconnections: 0 });
      } else if (subject === 'request_offer') {
        this.client = from;
        const pc = this.newPeer(from);
        const offer = await pc.createOffer();
        await pc.setLocalDescription(offer);
        this.described(from, { subject: 'offer', data: offer.sdp });
      } else if (subject === 'answer') {
        await this.pc?.setRemoteDescription({ type: 'answer', sdp: String(v.data) });
      } else if (subject === 'ice_candidate') {
        await this.addCandidate(v);
      }
      return;
    }
    // A client handles packets from its chosen server only (:289).
    if (from !== this.server) {
      this.log.push(`ignored ${String(subject)} from ${from}`);
      return;
    }
    if (subject === 'connection_accepted') {
      this.status({ subject: 'connectto', selectedserver: from });
      this.packet(from, { subject: 'request_offer' });
    } else if (subject === 'offer') {
      const pc = this.newPeer(from);
      await pc.setRemoteDescription({ type: 'offer', sdp: String(v.data) });
      const answer = await pc.createAnswer();
      await pc.setLocalDescription(answer);
      this.described(from, { subject: 'answer', data: answer.sdp });
    } else if (subject === 'ice_candidate') {
      await this.addCandidate(v);
    }
  }

  private newPeer(to: string): RTCPeerConnection {
    const pc = loopbackPeerConnection();
    this.pc = pc;
    this.channels = [
      pc.createDataChannel('reliable', { negotiated: true, id: 1, ordered: true }),
      pc.createDataChannel('ordered', { negotiated: true, id: 2, ordered: true, maxPacketLifeTime: 1 }),
      pc.createDataChannel('unreliable', { negotiated: true, id: 3, ordered: false, maxPacketLifeTime: 1 }),
    ];
    pc.connectionStateChange.subscribe((s) => this.log.push(`connection ${s}`));
    this.pending = [];
    pc.onIceCandidate.subscribe((c) => {
      if (!c) return;
      const j = c.toJSON();
      const body = { subject: 'ice_candidate', mid_name: j.sdpMid ?? '0', index_name: j.sdpMLineIndex ?? 0, sdp_name: j.candidate };
      if (this.pending) this.pending.push(body);
      else this.packet(to, body);
    });
    return pc;
  }

  /** The description goes out, then the candidates found meanwhile. */
  private described(to: string, body: Json): void {
    this.packet(to, body);
    for (const c of this.pending ?? []) this.packet(to, c);
    this.pending = null;
  }

  private async addCandidate(v: Record<string, unknown>): Promise<void> {
    const line = String(v.sdp_name);
    if (!(line.split(' ')[4] ?? '').startsWith('127.')) {
      this.log.push(`not added (not loopback): ${line}`);
      return;
    }
    await this.pc?.addIceCandidate({ candidate: line, sdpMid: String(v.mid_name), sdpMLineIndex: Number(v.index_name) });
  }
}
