/**
 * One peer's link to a dialect: what the two-device lab (../lab/solo-session.ts) needs to
 * speak another app's format while everything inside it (queue, peer, trace, views) keeps
 * working on the lab's own signals (../signalling/types.ts).
 *
 * Reading turns a dialect message into a lab signal: the session is this peer's own (the
 * Godot apps have none), and the sender, where the wire does not name it (the Godot 3 demo's
 * topics name only the recipient), is the one peer this side talks to. Writing turns a lab
 * signal into the dialect's message. The original travels with it in the trace (DialectWire).
 */
import { SIGNAL_VERSION, type WireSignal } from '../signalling/types';
import type { DialectWire } from '../trace/types';
import type { Dialect, DialectMessage, WireMessage } from './types';

/** What one received message is to the session. */
export type LinkRead =
  /** `status`: for a status, the app's own word for it and the server a client names. */
  | { ok: true; what: 'signal'; signal: WireSignal; wire: DialectWire; status?: { detail: string; server?: string } }
  | { ok: true; what: 'cleared'; from: string }
  /** A latency probe or answer on the app's chat topic: handled at once, never queued. */
  | { ok: true; what: 'latency'; from: string; text: string }
  | { ok: false; reason: string };

/** Who this side could be talking to: the peer it is connected to, else who is online. */
export interface Partners {
  remote: string | null;
  online: readonly string[];
}

export class DialectLink {
  private mid = 0;

  constructor(
    readonly dialect: Dialect,
    readonly root: string,
    /** The peer this side is; null for a page that only watches (it reads everyone's messages). */
    readonly self: string | null,
    /** This peer's session token: every signal read through the link belongs to it. */
    readonly session: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every supported dialect keeps presence on <root>/<id>/status: the join learns the roster here first. */
  get statusFilter(): string {
    return `${this.root}/+/status`;
  }

  /** The rest of the dialect's subscriptions: this peer's inbox. */
  inbox(): Record<string, { qos: 0 | 1 | 2 }> {
    if (this.self === null) return {};
    const all = { ...this.dialect.subscriptions(this.root, this.self) };
    delete all[this.statusFilter];
    return all;
  }

  read(topic: string, payload: string, partners: Partners): LinkRead {
    const r = this.dialect.read(this.root, this.self, topic, payload);
    if (!r.ok) return r;
    const m = r.message;
    if (m.kind === 'cleared') return { ok: true, what: 'cleared', from: m.from };
    let from = m.from;
    if (from === null) {
      // A message to a peer is not from that peer.
      const sender = senderOf({ remote: partners.remote, online: partners.online.filter((id) => !('to' in m) || id !== m.to) });
      if ('reason' in sender) return { ok: false, reason: sender.reason };
      from = sender.id;
    }
    if (m.kind === 'latency-probe' || m.kind === 'latency-echo') return { ok: true, what: 'latency', from, text: payload };
    const signal = this.signal({ ...m, from });
    if ('refused' in signal) return { ok: false, reason: signal.refused };
    const whose = partners.remote !== null ? 'the one peer it talks to' : this.self === null ? 'the only other peer online in this format' : 'the only other peer online';
    const reading = m.from === null ? `${r.reading} The topic does not name its sender: the lab takes it to be from ${from}, ${whose}.` : r.reading;
    const wire = { dialect: this.dialect.id, payload, reading };
    if (m.kind === 'status') return { ok: true, what: 'signal', signal, wire, status: { detail: m.detail, ...(m.server ? { server: m.server } : {}) } };
    return { ok: true, what: 'signal', signal, wire };
  }

  /**
   * A lab signal from this peer on the dialect's wire, with how the lab reads it back. A
   * status may say more in the app's own words (`status`: "serveropen", a client's server).
   */
  write(signal: WireSignal, status?: { detail: string; server?: string }): { message: WireMessage; wire: DialectWire } | { refused: string } {
    const read = dialectMessage(signal);
    if ('refused' in read) return read;
    const m = read.kind === 'status' && status ? { ...read, ...status } : read;
    const message = this.dialect.write(this.root, signal.from, m);
    if ('refused' in message) return message;
    const back = this.dialect.read(this.root, null, message.topic, message.payload);
    return { message, wire: { dialect: this.dialect.id, payload: message.payload, reading: back.ok ? back.reading : back.reason } };
  }

  /** A latency probe or answer to `to` on the app's chat topic, or null when the dialect has none. */
  latencyMessage(to: string, text: string): WireMessage | null {
    const format = this.dialect.latency;
    if (this.self === null) return null;
    const probe = format?.read(text);
    if (!probe) return null;
    const m: DialectMessage = probe.t === 'ping' ? { kind: 'latency-probe', from: this.self, to, bytes: probe.id } : { kind: 'latency-echo', from: this.self, to, bytes: probe.id };
    const message = this.dialect.write(this.root, this.self, m);
    return 'refused' in message ? null : message;
  }

  private signal(m: Exclude<DialectMessage, { kind: 'cleared' | 'latency-probe' | 'latency-echo' }> & { from: string }): WireSignal | { refused: string } {
    this.mid += 1;
    const base = { v: SIGNAL_VERSION, from: m.from, session: this.session, mid: `${this.dialect.id}-${m.from}-${this.mid}`, ts: this.now() } as const;
    switch (m.kind) {
      case 'status':
        return { ...base, kind: 'status', status: m.status, ...(m.will ? { reason: 'will' as const } : {}) };
      case 'offer':
      case 'answer':
        return { ...base, kind: m.kind, to: m.to, sdp: m.sdp };
      case 'candidate':
        return { ...base, kind: 'candidate', to: m.to, candidate: m.candidate, sdpMid: m.sdpMid, sdpMLineIndex: m.sdpMLineIndex };
      case 'chat':
        return { ...base, kind: 'chat', to: m.to, text: m.text };
      case 'handshake':
        return { ...base, kind: 'handshake', to: m.to, subject: m.subject };
    }
  }
}

/** The sender of a message whose topic names only its recipient. */
function senderOf({ remote, online }: Partners): { id: string } | { reason: string } {
  if (remote !== null) return { id: remote };
  if (online.length === 1) return { id: online[0]! };
  return {
    reason:
      online.length === 0
        ? 'the topic names only its recipient, and no other peer is online to have sent it'
        : `the topic names only its recipient, and ${online.length} peers are online (${online.slice(0, 3).join(', ')}${online.length > 3 ? ', …' : ''}): the lab cannot tell which one sent it`,
  };
}

/** A lab signal as a dialect message; end-of-candidates has no equivalent in the Godot apps. */
function dialectMessage(signal: WireSignal): DialectMessage | { refused: string } {
  switch (signal.kind) {
    case 'status':
      return { kind: 'status', from: signal.from, status: signal.status, will: signal.reason === 'will', detail: '' };
    case 'offer':
    case 'answer':
      return { kind: signal.kind, from: signal.from, to: signal.to, sdp: signal.sdp };
    case 'candidate':
      return { kind: 'candidate', from: signal.from, to: signal.to, candidate: signal.candidate, sdpMid: signal.sdpMid, sdpMLineIndex: signal.sdpMLineIndex };
    case 'chat':
      return { kind: 'chat', from: signal.from, to: signal.to, text: signal.text };
    case 'handshake':
      return { kind: 'handshake', from: signal.from, to: signal.to, subject: signal.subject };
    case 'end-of-candidates':
      return { refused: 'this dialect has no end-of-candidates message: the app just stops sending candidates' };
  }
}
