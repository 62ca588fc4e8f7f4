/**
 * What a Step did, in one or two plain sentences: what was delivered, what the recipient
 * does with it, and what comes next. A pure function of trace[0..n], so the live lab and
 * /replay/ say the same thing at the same step. The sentences come from NARRATION, a table
 * keyed by the delivered message's kind and the recipient's state when it arrived; SURPRISES
 * adds a reason, with its RFC section, where the real order of events looks wrong.
 */
import type { SignalKind } from '../signalling/types';
import { candidateTokens } from '../ice/candidate';
import { restartText, sdpUfrag } from '../ice/credentials';
import { describeMessage, heldMessages, INITIAL_PEER_STATES, type PeerStates } from './selectors';
import type { EventOf, TraceEvent } from './types';

type Held = EventOf<'held'>;

/** Everything a row of the table reads: the delivery and the recipient's state before it. */
export interface Situation {
  kind: SignalKind;
  /** The message's short label, as on the diagram ("offer", "candidate host udp"). */
  label: string;
  from: string;
  to: string;
  /** The recipient's four state machines just before the delivery. */
  before: PeerStates;
  /** The recipient had a remote description (a successful setRemoteDescription) before it. */
  hasRemote: boolean;
  /** The recipient is the peer that offers (the lab's first peer, or the first to call createOffer). */
  offerer: boolean;
  /** The session has RTCPeerConnections (the MQTT chapter's lab has none). */
  webrtc: boolean;
  /** A status published by the broker as the sender's last will. */
  will: boolean;
  /** The status says offline. */
  offline: boolean;
  /** Events from the delivery to the end of the step (the delivery first). */
  after: readonly TraceEvent[];
  /** A watch trace (../lab/watch-session.ts): the messages are seen, the peers' states are not. */
  watched: boolean;
  /**
   * An ICE restart (RFC 8445 §9): a description whose ufrag differs from the sender's previous
   * one delivered, or a candidate of such a new generation; `was` is the ufrag it replaces.
   */
  restart: { ufrag: string; was: string } | null;
}

export interface NarrationRow {
  /** "<kind>/<state>": the table's key, and what the tests name. */
  key: string;
  when: (s: Situation) => boolean;
  text: (s: Situation) => string;
}

const failed = (s: Situation, call: string) => s.after.some((e) => e.type === 'api' && e.peer === s.to && e.call === call && !e.ok);
const called = (s: Situation, call: string) => s.after.some((e) => e.type === 'api' && e.peer === s.to && e.call === call && e.ok);
const buffered = (s: Situation) => s.after.some((e) => e.type === 'candidate-buffered' && e.peer === s.to);

/**
 * Per kind, the rows in order; the first whose `when` holds speaks. Every kind ends with a
 * row that always holds. Sentences say what the recipient does now and what happens next.
 */
export const NARRATION: Readonly<Record<SignalKind, readonly NarrationRow[]>> = {
  status: [
    {
      key: 'status/watched',
      when: (s) => s.watched,
      text: (s) => `${s.to} learns that ${s.from} is ${s.offline ? 'offline' : 'online'}. This page only watches: it sees the messages, not what the peers do with them.`,
    },
    {
      key: 'status/will',
      when: (s) => s.will,
      text: (s) =>
        `${s.from} vanished without saying goodbye, so the broker published the last will it left on connecting: ${s.to} now knows ${s.from} is offline. The peer-to-peer link, if any, does not depend on the broker and notices on its own.`,
    },
    {
      key: 'status/offline',
      when: (s) => s.offline,
      text: (s) => `${s.to} learns that ${s.from} has left. Nothing more will come from ${s.from} through the broker.`,
    },
    {
      key: 'status/online-mqtt',
      when: (s) => !s.webrtc,
      text: (s) =>
        `${s.to} learns that ${s.from} is online${s.label.endsWith('(retained)') ? ': the broker kept this status (retained) and handed it over as soon as ' + s.to + ' subscribed' : ''}. The peers here only speak MQTT, so nothing else follows.`,
    },
    {
      key: 'status/online-offerer',
      when: (s) => s.offerer || called(s, 'createOffer'),
      text: (s) =>
        `${s.to} learns that ${s.from} is online, so it starts: createOffer(), then setLocalDescription(offer), and it publishes the offer. Next: the offer waits in the queue for ${s.from}.`,
    },
    {
      key: 'status/online-answerer',
      when: () => true,
      text: (s) => `${s.to} learns that ${s.from} is online. As the answerer it does nothing yet: it waits for ${s.from}'s offer.`,
    },
  ],
  offer: [
    {
      key: 'offer/watched',
      when: (s) => s.watched,
      text: (s) => `${s.to} gets ${s.from}'s offer, to set as its remote description and answer. This page only watches: it sees the messages, not what the peers do with them.`,
    },
    {
      key: 'offer/failed',
      when: (s) => failed(s, 'setRemoteDescription'),
      text: (s) => `${s.to} could not take the offer: setRemoteDescription(offer) failed (see the note on the diagram). No answer will come.`,
    },
    {
      key: 'offer/glare',
      when: (s) => s.before.signaling === 'have-local-offer',
      text: (s) =>
        `${s.to} has an offer of its own out, so the two offers collide (glare). With perfect negotiation the polite peer rolls its offer back and answers; the impolite one ignores this offer.`,
    },
    {
      key: 'offer/restart',
      when: (s) => s.restart !== null,
      text: (s) =>
        `ICE restart: ${s.from}'s new offer brings ${restartText(s.restart!.ufrag, s.restart!.was)} and a new password. ${s.to} sets it, answers with new credentials of its own and gathers again; DTLS and the data channel stay up, over the old pair until a new one is chosen. Next: the answer waits in the queue for ${s.from}.`,
    },
    {
      key: 'offer/stable',
      when: () => true,
      text: (s) =>
        `${s.to} sets the offer as its remote description (have-remote-offer), creates an answer and sets it as its local description (stable again), then publishes the answer. Next: the answer waits in the queue for ${s.from}, and ${s.to} starts gathering candidates.`,
    },
  ],
  answer: [
    {
      key: 'answer/watched',
      when: (s) => s.watched,
      text: (s) => `${s.to} gets ${s.from}'s answer: once it is set, each side has both descriptions and the ICE checks can begin. This page only watches: it sees the messages, not what the peers do with them.`,
    },
    {
      key: 'answer/unexpected',
      when: (s) => s.before.signaling !== 'have-local-offer' || failed(s, 'setRemoteDescription'),
      text: (s) =>
        `${s.to} was not waiting for an answer (signalingState ${s.before.signaling}), so setRemoteDescription(answer) fails or the answer is ignored.`,
    },
    {
      key: 'answer/restart',
      when: (s) => s.restart !== null,
      text: (s) =>
        `ICE restart: ${s.from}'s answer brings ${restartText(s.restart!.ufrag, s.restart!.was)}. ${s.to} sets it and is stable again. Next: the new candidates cross, ICE checks the new pairs and moves to one; no new DTLS handshake is needed.`,
    },
    {
      key: 'answer/have-local-offer',
      when: () => true,
      text: (s) =>
        `${s.to} sets the answer as its remote description: signalingState is stable again and the offer/answer exchange is complete. Next: both peers check candidate pairs directly, and DTLS runs over the first pair that works.`,
    },
  ],
  candidate: [
    {
      key: 'candidate/watched',
      when: (s) => s.watched,
      text: (s) => `${s.to} gets one of ${s.from}'s candidates (${s.label}), to add with addIceCandidate() and pair with its own. This page only watches: it sees the messages, not what the peers do with them.`,
    },
    {
      key: 'candidate/buffered',
      when: (s) => !s.hasRemote && (buffered(s) || !failed(s, 'addIceCandidate')),
      text: (s) =>
        `${s.to} has no remote description yet, so addIceCandidate() would fail: it keeps ${s.from}'s candidate in a buffer and adds it once the description arrives.`,
    },
    {
      key: 'candidate/too-early',
      when: (s) => !s.hasRemote,
      text: (s) => `${s.to} has no remote description yet and does not buffer, so addIceCandidate() fails and ${s.from}'s candidate is lost.`,
    },
    {
      key: 'candidate/restart-early',
      when: (s) => s.restart !== null && buffered(s),
      text: (s) =>
        `${s.from}'s candidate belongs to its restarted ICE (ufrag ${s.restart!.ufrag}), but the description that brings that ufrag has not reached ${s.to} yet: addIceCandidate() would fail, so ${s.to} keeps it in a buffer until it does.`,
    },
    {
      key: 'candidate/restart',
      when: (s) => s.restart !== null,
      text: (s) =>
        `${s.to} adds ${s.from}'s ${s.label.replace(/^candidate ?/, '') || 'new'} candidate of the restarted ICE (ufrag ${s.restart!.ufrag}, was ${s.restart!.was}): ICE checks new pairs with it while the old pair still carries the data.`,
    },
    {
      key: 'candidate/after-connected',
      when: (s) => s.before.connection === 'connected',
      text: (s) => `${s.to} adds ${s.from}'s candidate, but it is connected already: this pair can only serve as a backup.`,
    },
    {
      key: 'candidate/added',
      when: () => true,
      text: (s) =>
        `${s.to} adds ${s.from}'s ${s.label.replace(/^candidate ?/, '') || 'new'} candidate with addIceCandidate(), pairs it with its own candidates and checks each pair. Next: the checks go straight between the peers, not through the broker.`,
    },
  ],
  'end-of-candidates': [
    {
      key: 'end-of-candidates/watched',
      when: (s) => s.watched,
      text: (s) => `${s.from} says it has no more candidates for ${s.to}. This page only watches: it sees the messages, not what the peers do with them.`,
    },
    {
      key: 'end-of-candidates/any',
      when: () => true,
      text: (s) => `${s.from} has gathered all its candidates. ${s.to} tells its ICE agent that no more will come, so a pair that fails can now fail for good.`,
    },
  ],
  handshake: [
    {
      key: 'handshake/any',
      when: () => true,
      text: (s) => `${s.to} gets "${s.label.replace(/^handshake: /, '')}" from ${s.from}: a step the app takes before anyone offers (the Godot workbench's server offers only once a client asks for it).`,
    },
  ],
  chat: [
    {
      key: 'chat/watched',
      when: (s) => s.watched,
      text: (s) => `${s.to} gets a chat message through the broker. This page only watches: it sees the messages, not what the peers do with them.`,
    },
    {
      key: 'chat/any',
      when: () => true,
      text: (s) => `${s.to} gets a chat message through the broker. Once the data channel is open, chat goes straight from peer to peer instead.`,
    },
  ],
};

/** The cases where the real order of events looks wrong, and why it is right. */
export type SurpriseId = 'ice-before-answer' | 'open-while-held' | 'open-before-connecting' | 'same-mdns-name' | 'queued-offline';

export interface Surprise {
  id: SurpriseId;
  /** The whole of it: `what`, then `why`. */
  text: string;
  /** Its first sentence: what looks wrong. */
  what: string;
  /** The rest: why it is right, with the section that says so. */
  why: string;
  /** Where the reason is written down. */
  ref: string;
}

/** What a detector sees: one event of the step, and the trace up to it (exclusive). */
interface Moment {
  event: TraceEvent;
  before: readonly TraceEvent[];
  /** The other peer of the session, if there are two. */
  other: (peer: string) => string | undefined;
}

interface SurpriseRow {
  id: SurpriseId;
  ref: string;
  /** The sentence, or null when this event is not the case. */
  detect: (m: Moment) => string | null;
}

const MDNS = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.local$/i;

/** The .local names in a peer's gathered host candidates up to a point. */
function mdnsNames(events: readonly TraceEvent[], peer: string): Set<string> {
  const names = new Set<string>();
  for (const e of events) {
    if (e.type !== 'candidate-gathered' || e.peer !== peer || !e.candidate) continue;
    const address = candidateTokens(e.candidate).tokens[4];
    if (address && MDNS.test(address)) names.add(address.toLowerCase());
  }
  return names;
}

function stateAt(events: readonly TraceEvent[], peer: string): PeerStates {
  const states: PeerStates = { ...INITIAL_PEER_STATES };
  for (const e of events) if (e.type === 'state' && e.peer === peer) states[e.machine] = e.value;
  return states;
}

/** The event types a surprise can be about. */
const SURPRISING_TYPES: ReadonlySet<string> = new Set(['state', 'channel', 'candidate-gathered', 'queued-offline']);

export const SURPRISES: readonly SurpriseRow[] = [
  {
    id: 'ice-before-answer',
    ref: 'RFC 8445 §7.3',
    detect: ({ event: e, before, other }) => {
      if (e.type !== 'state' || e.machine !== 'iceConnection' || e.value !== 'connected') return null;
      const peer = other(e.peer);
      if (!peer || stateAt(before, peer).signaling !== 'have-local-offer') return null;
      return `${e.peer} is ICE connected before ${peer} has the answer. ${e.peer} has both descriptions, so it checks pairs at once, and ${peer} must answer a check that arrives before the answer does (RFC 8445 §7.3): one successful check is all ${e.peer} needs.`;
    },
  },
  {
    id: 'open-while-held',
    ref: 'RFC 8445 §7.3.1.3',
    detect: ({ event: e, before }) => {
      if (e.type !== 'channel' || e.state !== 'open' || before.some((x) => x.type === 'channel' && x.state === 'open')) return null;
      const waiting = heldMessages(before).filter((h) => h.kind === 'candidate');
      if (waiting.length === 0) return null;
      const first = waiting[0]!;
      const more = waiting.filter((h) => h.from === first.from).length;
      return `The chat channel opened while ${more} of ${first.from}'s candidates are still held: one working pair is enough. ${first.to} learned ${first.from}'s address from ${first.from}'s own checks, as a peer-reflexive candidate (RFC 8445 §7.3.1.3).`;
    },
  },
  {
    id: 'open-before-connecting',
    ref: 'W3C webrtc-pc §4.4.1.3, §6.2.2',
    detect: ({ event: e, before }) => {
      if (e.type !== 'channel' || e.state !== 'open') return null;
      const connection = stateAt(before, e.peer).connection;
      if (connection !== 'new') return null;
      return `${e.peer}'s data channel is open while its connectionState still says new. Each is announced in its own queued task, the channel when it opens (W3C webrtc-pc §6.2.2) and connectionState when a DTLS transport changes (§4.4.1.3), so either can come first.`;
    },
  },
  {
    id: 'same-mdns-name',
    ref: 'draft-ietf-mmusic-mdns-ice-candidates §3.1.1',
    detect: ({ event: e, before, other }) => {
      if (e.type !== 'candidate-gathered' || !e.candidate) return null;
      const peer = other(e.peer);
      const address = candidateTokens(e.candidate).tokens[4]?.toLowerCase();
      if (!peer || !address || !MDNS.test(address)) return null;
      const theirs = mdnsNames(before, peer);
      // Said once: the first time a name of one peer turns up in the other's candidates.
      if (!theirs.has(address) || [...mdnsNames(before, e.peer)].some((n) => theirs.has(n))) return null;
      return `${e.peer} shows the same .local name as ${peer}. An agent stores the mDNS name it made for an IP address and reuses it (draft-ietf-mmusic-mdns-ice-candidates §3.1.1, steps 2 and 5); Chromium keeps that store for the whole browser, and both peers here run in it on the same address.`;
    },
  },
  {
    id: 'queued-offline',
    ref: 'MQTT 3.1.1 §4.4',
    detect: ({ event: e, before }) => {
      if (e.type !== 'queued-offline') return null;
      // Said once per outage of that peer: at the first signal it keeps.
      const lost = before.findLastIndex((x) => x.type === 'broker' && x.peer === e.peer && x.state === 'lost');
      if (before.slice(lost + 1).some((x) => x.type === 'queued-offline' && x.peer === e.peer)) return null;
      const to = e.to ?? 'the other peer';
      return `${e.peer}'s ${e.kind} waits in ${e.peer}'s outbox: its link to the broker is down. It is sent once ${e.peer} is reconnected and has seen ${to} online again, because a broker that restarted has forgotten every subscription, and a message resent before ${to} subscribes again reaches nobody (MQTT 3.1.1 §4.4 resends, it does not wait).`;
    },
  },
];

export interface Narration {
  /** The number of the step (deliveries so far). */
  step: number;
  qid: string;
  /** What was delivered, e.g. "offer from alice to bob". */
  delivered: string;
  /** The table row that spoke. */
  key: string;
  /** One or two sentences: what the recipient does, and what happens next. */
  text: string;
  /** The surprising things this step did, each with its reason. */
  surprises: Surprise[];
}

/** The two peers of the session, when the trace names two different ones. */
/** The trace's session event (its first, in a live trace): found without a scan of the rest. */
function sessionOf(events: readonly TraceEvent[]): EventOf<'session'> | undefined {
  return events.find((e): e is EventOf<'session'> => e.type === 'session');
}

function sessionPeers(events: readonly TraceEvent[]): readonly string[] {
  const session = sessionOf(events);
  return session && session.peers[0] !== session.peers[1] ? session.peers : [];
}

function offererOf(events: readonly TraceEvent[]): string | undefined {
  const peers = sessionPeers(events);
  if (peers.length) return peers[0];
  return events.find((e): e is EventOf<'api'> => e.type === 'api' && e.call === 'createOffer' && e.ok)?.peer;
}

/** The JSON payload's string field, if it has one. */
function payloadField(held: Held, field: string): string | null {
  try {
    const body = JSON.parse(held.payload) as Record<string, unknown> | null;
    const value = body?.[field];
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

const DESCRIPTIONS: ReadonlySet<string> = new Set(['offer', 'answer']);

/** A description's ufrag, or a candidate's (its usernameFragment). */
function ufragOf(held: Held): string | null {
  return DESCRIPTIONS.has(held.kind) ? sdpUfrag(payloadField(held, 'sdp')) : held.kind === 'candidate' ? payloadField(held, 'usernameFragment') : null;
}

/**
 * Whether `held`, delivered at `at`, belongs to an ICE restart: for a description, the sender's
 * previous delivered description had another ufrag; for a candidate, the sender's first did.
 */
function restartOf(events: readonly TraceEvent[], at: number, held: Held): Situation['restart'] {
  const ufrag = ufragOf(held);
  if (!ufrag || (held.kind !== 'candidate' && !DESCRIPTIONS.has(held.kind))) return null;
  const delivered = new Set<string>();
  const earlier: string[] = [];
  for (const e of events.slice(0, at)) {
    if (e.type === 'delivered') delivered.add(e.qid);
    else if (e.type === 'held' && e.from === held.from && DESCRIPTIONS.has(e.kind)) earlier.push(e.qid);
  }
  const ufrags = earlier.filter((q) => delivered.has(q)).map((q) => ufragOf(events.find((e): e is Held => e.type === 'held' && e.qid === q)!));
  const was = held.kind === 'candidate' ? ufrags[0] : ufrags.at(-1);
  return was && was !== ufrag ? { ufrag, was } : null;
}

function statusFields(held: Held): { will: boolean; offline: boolean } {
  const label = describeMessage(held);
  return { will: held.will || label.startsWith('will:'), offline: /\boffline\b/.test(label) };
}

/** Where the latest 'delivered' event is, and how many there are (the step it ends); null if none. Any trace kind. */
export function lastDelivery(events: readonly { type: string }[]): { at: number; step: number } | null {
  let at = -1;
  let step = 0;
  for (let k = 0; k < events.length; k++) {
    if (events[k]!.type !== 'delivered') continue;
    at = k;
    step += 1;
  }
  return at === -1 ? null : { at, step };
}

/**
 * The narration of the step that ends at the end of `events` (a prefix of the trace): about
 * its latest delivery and everything after it. Null before the first delivery.
 */
export function narrate(events: readonly TraceEvent[]): Narration | null {
  const last = lastDelivery(events);
  if (!last) return null;
  const { at, step } = last;
  const delivery = events[at] as EventOf<'delivered'>;
  const held = events.find((e): e is Held => e.type === 'held' && e.qid === delivery.qid);
  if (!held) return null;
  const prior = events.slice(0, at);
  const situation: Situation = {
    kind: held.kind,
    label: describeMessage(held),
    from: held.from,
    to: delivery.to,
    before: stateAt(prior, delivery.to),
    hasRemote: prior.some((e) => e.type === 'api' && e.peer === delivery.to && e.call === 'setRemoteDescription' && e.ok),
    offerer: offererOf(events) === delivery.to,
    webrtc: events.some((e) => e.type === 'api' && e.call === 'RTCPeerConnection'),
    ...statusFields(held),
    after: events.slice(at),
    watched: sessionOf(events)?.watch === true,
    restart: restartOf(events, at, held),
  };
  const row = NARRATION[held.kind].find((r) => r.when(situation))!;
  return {
    step,
    qid: delivery.qid,
    delivered: `${situation.label} from ${held.from} to ${delivery.to}`,
    key: row.key,
    text: row.text(situation),
    surprises: stepSurprises(events, at),
  };
}

/** The surprises among the events of a step (from index `from` to the end). */
export function stepSurprises(events: readonly TraceEvent[], from: number): Surprise[] {
  const peers = sessionPeers(events);
  const other = (peer: string) => (peers.includes(peer) ? peers.find((p) => p !== peer) : undefined);
  const found: Surprise[] = [];
  for (let k = from; k < events.length; k++) {
    // Only these events can be a surprise; the prefix is copied for them alone.
    if (!SURPRISING_TYPES.has(events[k]!.type)) continue;
    const moment: Moment = { event: events[k]!, before: events.slice(0, k), other };
    for (const row of SURPRISES) {
      if (found.some((f) => f.id === row.id)) continue;
      const text = row.detect(moment);
      if (!text) continue;
      const cut = text.indexOf('. ') + 1;
      found.push({ id: row.id, text, what: text.slice(0, cut), why: text.slice(cut + 1), ref: row.ref });
    }
  }
  return found;
}

/** What the live region says after a Step: the delivery, then the table's sentences. */
export function stepAnnouncement(n: Narration): string {
  return [n.text, ...n.surprises.map((s) => s.text)].join(' ');
}
