// A peer of the Godot 3 demo (goatchurchprime/godot_webrtc_mqtt) for the two-device lab's
// `?dialect=godot-demo`: werift (WebRTC in pure TypeScript) in Node, doing what Control.gd does,
// byte for byte on the wire, from its own hand-written payloads (it shares no code with the lab):
//   CONNECT   client id a random 32-bit decimal, clean session, keep-alive 0, will
//             <root>/<id>/status = "stopped", retained, QoS 0 (Control.gd:143, newmqtt.gd:161-205)
//   SUBSCRIBE six exact topics, QoS 0: my offer/answer/ice/status/chat and the other's status (:155-161)
//   status    after 2 s, "connected" retained, unless my own status already says so (:163-168)
//   offer     raw SDP to <root>/<other>/offer; the answer raw to <root>/<other>/answer (:196-201)
//   ice       [mid, index, sdp] to <root>/<other>/ice (:203-206)
//   chat      plain text to <root>/<other>/chat (:88-93); "$…" is answered "*<length>" (:236-240)
//   channel   negotiated, id 1, "chat", made before any offer (:66); put_packet() sends binary,
//             and a "$…" packet is answered "*<length>" on it (:184-187)
// Loopback only, as tests/e2e/support/werift-peer.ts: no STUN, host candidates on 127.0.0.1.
import { connectAsync, type MqttClient } from 'mqtt';
import type { RTCDataChannel, RTCPeerConnection } from 'werift';
import { loopbackPeerConnection } from './werift-peer';

export interface GodotDemoPeerOptions {
  /** mqtt://127.0.0.1:<port>: the demo's TCP mode (its WebSocket URL is hard-coded to test.mosquitto.org). */
  mqttUrl: string;
  root: string;
  id: string;
  other: string;
}

const LEAVES = ['offer', 'answer', 'ice', 'status', 'chat'] as const;

export class GodotDemoPeer {
  /** What happened, in order, for a failing test's message. */
  readonly log: string[] = [];
  /** Chat received over MQTT, and over the data channel (with whether it came as binary). */
  readonly mqttChat: string[] = [];
  readonly channelChat: { text: string; binary: boolean }[] = [];
  /** Latency reports, as the demo's label shows them: "<ms>ms  *<length>". */
  readonly latency: string[] = [];
  /** Every payload published to the other peer's topics, by leaf, as it went out. */
  readonly sent: { leaf: string; payload: string }[] = [];
  private otherStatus = '';
  private myStatus = '';
  private readonly pc: RTCPeerConnection;
  readonly channel: RTCDataChannel;
  private t0 = 0;
  /**
   * Candidates werift finds while setLocalDescription() runs wait for the description: the
   * demo publishes it from _session_description_created, and its candidates come in later frames.
   */
  private pending: string[] | null = [];

  private constructor(
    private readonly client: MqttClient,
    private readonly opts: GodotDemoPeerOptions,
  ) {
    this.pc = loopbackPeerConnection();
    this.pc.connectionStateChange.subscribe((s) => this.note(`connection ${s}`));
    // Control.gd:66: peer.create_data_channel("chat", {"id": 1, "negotiated": true})
    this.channel = this.pc.createDataChannel('chat', { negotiated: true, id: 1 });
    this.channel.stateChanged.subscribe((s) => this.note(`channel ${s}`));
    this.channel.onMessage.subscribe((data) => this.onPacket(data));
    this.pc.onIceCandidate.subscribe((c) => {
      if (!c) return;
      const j = c.toJSON();
      const ice = JSON.stringify([j.sdpMid ?? '0', j.sdpMLineIndex ?? 0, j.candidate]);
      if (this.pending) this.pending.push(ice);
      else this.publishToOther('ice', ice);
    });
  }

  static async join(opts: GodotDemoPeerOptions): Promise<GodotDemoPeer> {
    const mine = `${opts.root}/${opts.id}/`;
    const client = await connectAsync(opts.mqttUrl, {
      clientId: String(Math.floor(Math.random() * 2 ** 32)),
      protocolVersion: 4,
      clean: true,
      keepalive: 0,
      reconnectPeriod: 0,
      connectTimeout: 5_000,
      will: { topic: `${mine}status`, payload: Buffer.from('stopped'), qos: 0, retain: true },
    });
    const peer = new GodotDemoPeer(client, opts);
    client.on('message', (topic, payload) => peer.onMessage(topic, payload.toString('latin1')));
    const other = `${opts.root}/${opts.other}/`;
    for (const topic of [`${mine}offer`, `${mine}answer`, `${mine}ice`, `${other}status`, `${mine}status`, `${mine}chat`]) {
      await client.subscribeAsync(topic, { qos: 0 });
    }
    await new Promise((r) => setTimeout(r, 2000));
    if (peer.myStatus === 'connected') throw new Error(`${opts.id} is already connected under ${opts.root}`);
    await client.publishAsync(`${mine}status`, 'connected', { qos: 0, retain: true });
    peer.note('connected');
    return peer;
  }

  /** The other peer's status as the demo shows it ("connected", "stopped" or ""). */
  get status(): string {
    return this.otherStatus;
  }

  /** "WebRTC connect": Control.gd:171 creates the offer; _session_description_created publishes it. */
  async webrtcConnect(): Promise<void> {
    const offer = await this.pc.createOffer();
    await this.pc.setLocalDescription(offer);
    this.described('offer', offer.sdp);
  }

  /** MQTT chat (Control.gd:88-93). */
  chatOverMqtt(text: string): void {
    this.publishToOther('chat', text);
  }

  /** Data-channel chat (Control.gd:95-100): put_packet(text.to_utf8()), a binary message. */
  chatOverChannel(text: string): void {
    this.channel.send(Buffer.from(text, 'utf8'));
  }

  /** The latency button (Control.gd:112-119): one probe of `bytes` ("$" then a–z) on one transport. */
  probe(transport: 'mqtt' | 'channel', bytes: number): void {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    let text = '$';
    while (text.length < bytes) text += letters[text.length % 26];
    this.t0 = Date.now();
    if (transport === 'channel') this.channel.send(Buffer.from(text, 'latin1'));
    else this.publishToOther('chat', text);
  }

  channelOpen(timeoutMs = 30_000): Promise<void> {
    return this.until(() => this.channel.readyState === 'open', 'chat channel open', timeoutMs);
  }

  until(ok: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    return (async () => {
      while (!ok()) {
        if (Date.now() > deadline) throw new Error(`Godot demo peer ${this.opts.id}: timed out waiting for ${what}. Log:\n${this.log.join('\n')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
  }

  /** The app is killed: no DISCONNECT (the demo never sends one), so the broker publishes the will. */
  kill(): void {
    void this.pc.close().catch(() => undefined);
    this.client.stream.destroy();
  }

  async close(): Promise<void> {
    await this.pc.close().catch(() => undefined);
    if (this.client.connected) await this.client.endAsync(true).catch(() => undefined);
  }

  /** The description goes out, then the candidates found meanwhile. */
  private described(leaf: 'offer' | 'answer', sdp: string): void {
    this.publishToOther(leaf, sdp);
    for (const ice of this.pending ?? []) this.publishToOther('ice', ice);
    this.pending = null;
  }

  private publishToOther(leaf: (typeof LEAVES)[number], payload: string): void {
    this.sent.push({ leaf, payload });
    // newmqtt.gd:333: every publish is QoS 0.
    this.client.publish(`${this.opts.root}/${this.opts.other}/${leaf}`, payload, { qos: 0, retain: false });
  }

  private onMessage(topic: string, msg: string): void {
    // Control.gd:210-212: three levels, or ignored.
    const [, who, leaf] = topic.split('/');
    if (leaf === 'status') {
      if (who === this.opts.id) this.myStatus = msg;
      else this.otherStatus = msg;
      return;
    }
    this.note(`got ${leaf} (${msg.length} bytes)`);
    void this.onSignal(leaf ?? '', msg).catch((err: unknown) => this.note(`${leaf} failed: ${String(err)}`));
  }

  private async onSignal(leaf: string, msg: string): Promise<void> {
    if (leaf === 'offer') {
      await this.pc.setRemoteDescription({ type: 'offer', sdp: msg });
      const answer = await this.pc.createAnswer();
      await this.pc.setLocalDescription(answer);
      this.described('answer', answer.sdp);
    } else if (leaf === 'answer') {
      await this.pc.setRemoteDescription({ type: 'answer', sdp: msg });
    } else if (leaf === 'ice') {
      const [mid, index, sdp] = JSON.parse(msg) as [string, number, string];
      const address = sdp.split(' ')[4] ?? '';
      if (!address.startsWith('127.')) return this.note(`not added (not loopback): ${sdp}`);
      await this.pc.addIceCandidate({ candidate: sdp, sdpMid: mid, sdpMLineIndex: index });
    } else if (leaf === 'chat') {
      if (msg.startsWith('$')) this.publishToOther('chat', `*${msg.length}`);
      else if (msg.startsWith('*')) this.latency.push(`${Date.now() - this.t0}ms  ${msg}`);
      else this.mqttChat.push(msg);
    }
  }

  private onPacket(data: string | Buffer): void {
    const binary = typeof data !== 'string';
    const bytes = binary ? data : Buffer.from(data, 'utf8');
    if (bytes[0] === 0x24) {
      // "$": answer "*<length>" (Control.gd:184-185), binary as put_packet sends it.
      this.channel.send(Buffer.from(`*${bytes.length}`, 'ascii'));
    } else if (bytes[0] === 0x2a) {
      this.latency.push(`${Date.now() - this.t0}ms  ${bytes.toString('ascii')}`);
    } else {
      this.channelChat.push({ text: bytes.toString('utf8'), binary });
    }
  }

  private note(line: string): void {
    this.log.push(line);
  }
}
