/**
 * PublishedLedger: what a lab that started both peers published, so it can tell its own
 * messages from anyone else's.
 *
 * Nothing on the wire says who published a message. An MQTT 3.1.1 PUBLISH carries a topic,
 * flags, a packet identifier that belongs to one hop (§2.3.1) and a payload; the publisher's
 * ClientId stays in its own CONNECT (§3.1.3.1). And anyone subscribed to `<root>/#` reads
 * every session id and message id (`mid`) the moment they are published, so neither
 * identifies a sender: a forger copies them.
 *
 * What a forger cannot copy is a message the lab has not yet published. So the ledger keeps
 * the exact text of every payload the lab published and its topic, and a message is the
 * lab's own only when both match byte for byte. Matching on the mid alone would pass an
 * altered copy that reuses a real mid. A message published without retain is expected once:
 * a second copy is a replay (or a QoS 1 redelivery, which nothing in the lab needs either).
 * A retained one is expected again whenever a client subscribes (§3.3.1.3).
 *
 * Wills are the broker's to publish (§3.1.2.5), when the client drops without DISCONNECT.
 * The ledger knows each will's bytes from the CONNECT and takes them only once the lab has
 * seen that client drop (it pulled the plug, or the connection was lost); until then the same
 * bytes can only be a forgery, though no forger can know them before the first real drop.
 */
import type { WireSignal } from '../signalling/types';

/** Why a message is not the lab's own. */
export type ForeignCase = 'stranger' | 'other-session' | 'altered' | 'replayed' | 'will-while-connected' | 'forged-will' | 'forged';

/** The reason a reader sees for each case. */
export const FOREIGN_REASON: Readonly<Record<ForeignCase, (s: WireSignal) => string>> = {
  stranger: (s) => `${s.from} is not one of this lab's two peers: another client published it under this root`,
  'other-session': (s) => `session ${s.session} is not this lab's: a leftover retained message from an earlier run, or a forgery`,
  altered: (s) => `it reuses the id ${s.mid} of a message ${s.from} published, with other bytes: an altered copy`,
  replayed: (s) => `a second copy of ${s.from}'s ${s.kind} ${s.mid}, which arrived once already: a replay`,
  'will-while-connected': (s) => `${s.from}'s client has not dropped, and a broker publishes a will only when it does (MQTT 3.1.1 §3.1.2.5)`,
  'forged-will': (s) => `not the will ${s.from}'s client left with the broker when it connected: someone else published it`,
  forged: (s) => `this lab's ${s.from} never published it: another client did, under ${s.from}'s name`,
};

interface Sent {
  /** Published retained: the broker replays it to every new subscription. */
  retain: boolean;
  /** Copies still expected (non-retained messages). */
  left: number;
}

const keyOf = (topic: string, payload: string) => `${topic}\n${payload}`;

export class PublishedLedger {
  private readonly sent = new Map<string, Sent>();
  private readonly mids = new Set<string>();
  /** Each peer's will, by payload key, and whether its client has dropped since. */
  private readonly wills = new Map<string, { peer: string; armed: boolean }>();

  constructor(
    private readonly peers: readonly string[],
    private readonly session: string,
  ) {}

  /** The lab published `payload` on `topic` (call it before the PUBLISH leaves). */
  published(topic: string, payload: string, signal: WireSignal, retain: boolean): void {
    const key = keyOf(topic, payload);
    const known = this.sent.get(key);
    if (known) known.left += 1;
    else this.sent.set(key, { retain, left: 1 });
    this.mids.add(signal.mid);
  }

  /** `peer`'s client connects with this will. */
  will(peer: string, topic: string, payload: string): void {
    this.wills.set(keyOf(topic, payload), { peer, armed: false });
  }

  /** `peer`'s client dropped (plug pulled, connection lost): the broker may publish its will. */
  dropped(peer: string): void {
    for (const w of this.wills.values()) if (w.peer === peer) w.armed = true;
  }

  /** Null when the lab published this message; else why it is foreign. Counts the copy as seen. */
  judge(topic: string, payload: string, signal: WireSignal): ForeignCase | null {
    const key = keyOf(topic, payload);
    const sent = this.sent.get(key);
    if (sent) {
      if (sent.retain) return null;
      if (sent.left === 0) return 'replayed';
      sent.left -= 1;
      return null;
    }
    const will = this.wills.get(key);
    if (will) return will.armed ? null : 'will-while-connected';
    if (!this.peers.includes(signal.from)) return 'stranger';
    if (signal.session !== this.session) return 'other-session';
    if (this.mids.has(signal.mid)) return 'altered';
    if (signal.kind === 'status' && signal.reason === 'will') return 'forged-will';
    return 'forged';
  }
}
