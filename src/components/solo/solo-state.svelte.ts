/**
 * The two-device lab's runes state: wraps one SoloSession (src/lib/lab/solo-session.ts) and
 * exposes its trace, roster and latency runs as reactive state. No protocol logic here.
 */
import type { SoloSession, ChatLine } from '../../lib/lab/solo-session';
import { phaseOf, rosterLeftOut, rosterOf, ROSTER_LIMIT, type SoloPhase } from '../../lib/lab/solo-view';
import { onlinePeers } from '../../lib/signalling/presence';
import type { PresenceEntry } from '../../lib/signalling/presence';
import type { HeldMessage } from '../../lib/session/core';
import { LabTraceState, PACES } from '../lab/session-state.svelte';
import { narrate, stepAnnouncement } from '../../lib/trace/narration';
import { LatencyRun } from '../latency/latency-run.svelte';
import { BROKER_PRESETS, IN_PAGE, isBrokerUrl, tcpEndpointFor } from '../../lib/lab/params';
import { isValidPeerId, mosquittoSubCommand, rootProblem, randomToken } from '../../lib/signalling/topics';
import { hasTurn } from '../../lib/latency/relay-link';
import { brokerState, diagramRows, heldApart, heldMessages, peerStates, type DiagramDetail } from '../../lib/trace/selectors';
import { heldCandidates } from '../../lib/lab/early-candidates';
import { connecting } from '../../lib/trace/clock';
import { dialectById, FORMAT_CHOICES, LAB_FORMAT } from '../../lib/dialects/registry';
import { connectFor, separatePageParams, TABS, TABS_PRESET } from './connect-for';

export { TABS };
export const DEFAULT_ROOT = 'webrtc-lab/solo';

export const SOLO_BROKERS: readonly { url: string; label: string }[] = [
  TABS_PRESET,
  ...BROKER_PRESETS.filter((p) => p.url !== IN_PAGE),
];

const ANIMALS = ['dog', 'cat', 'fox', 'owl', 'elk', 'yak', 'bee', 'emu'];

/** "dog111"-style ids, as in the Godot demo. */
export function randomPeerId(): string {
  const animal = ANIMALS[Math.floor(Math.random() * ANIMALS.length)]!;
  return `${animal}${randomToken(3, '0123456789')}`;
}

/** A format's own default root: the app's for a dialect, else the lab's. */
const defaultRootOf = (id: string) => dialectById(id)?.defaultRoot ?? DEFAULT_ROOT;

/** Play's paces in the two-device lab: all but Slow. */
export const SOLO_PACES = PACES.filter((p) => p.ms <= 600);

export class SoloState extends LabTraceState<SoloSession> {
  broker = $state(TABS);
  root = $state(DEFAULT_ROOT);
  /** The wire format: the lab's own ("lab") or an app's dialect (src/lib/dialects). */
  dialect = $state<string>(LAB_FORMAT.id);
  self = $state(randomPeerId());
  iceServers = $state.raw<RTCIceServer[]>([]);
  policy = $state<RTCIceTransportPolicy>('all');
  paramErrors = $state.raw<string[]>([]);

  phase = $state<SoloPhase>('idle');
  roster = $state.raw<ReadonlyMap<string, PresenceEntry>>(new Map());
  online = $state.raw<PresenceEntry[]>([]);
  /** Peers heard of that the roster's bound left out (a flood of ids, say). */
  leftOut = $state(0);
  readonly rosterLimit = ROSTER_LIMIT;
  remote = $state<string | null>(null);

  /** The latency test to the connected peer. */
  readonly latency = new LatencyRun();

  /** How many presence events the roster was last folded from. */
  private presenceSeen = 0;
  /** ?autoplay=1: once joined, deliver every held signal as it arrives, at full speed. */
  private readonly autoplay: boolean;

  peers = $derived<[string, string]>([this.self, this.remote ?? 'peer']);
  /** How much the diagram shows (the detail control); the full lab's default. */
  detail = $state<DiagramDetail>('p2p');
  rows = $derived(diagramRows(this.events, this.peers, this.detail));
  /** ICE or DTLS at work while Play runs fast: the diagram holds its full redraws meanwhile (SequenceDiagram `hold`). */
  holdDiagram = $derived(this.playing && this.playInterval <= 150 && connecting(this.events, this.peers));
  held = $derived(heldMessages(this.events));
  /** Signals held apart as suspicious: shown, never delivered. */
  apart = $derived(heldApart(this.events));
  delivered = $derived(this.rows.filter((r) => r.status === 'delivered').length);
  states = $derived(peerStates(this.events, this.self));
  /** What the last Step did, in words (src/lib/trace/narration.ts). */
  narration = $derived(narrate(this.events));
  brokerNow = $derived(brokerState(this.events, this.self));
  /** Candidates that came before their description: held, then added once it was set. */
  early = $derived(heldCandidates(this.events, this.self));
  /** Our end of the chat channel (the other end is in another tab's trace). */
  channelOpen = $derived.by(() => {
    for (let k = this.events.length - 1; k >= 0; k--) {
      const e = this.events[k]!;
      if (e.type === 'channel' && e.peer === this.self) return e.state === 'open';
    }
    return false;
  });
  chats = $state.raw<ChatLine[]>([]);

  idError = $derived(isValidPeerId(this.self) ? null : `"${this.self.slice(0, 40)}" is not a valid id: use 1–32 letters, digits, - or _.`);
  rootError = $derived.by(() => {
    const problem = rootProblem(this.root);
    return problem && `Topic root refused: ${problem}.`;
  });
  brokerError = $derived(this.broker === TABS || (isBrokerUrl(this.broker) && this.broker !== IN_PAGE) ? null : 'Broker: choose one from the list or a ws:// or wss:// URL.');
  /** What the chosen dialect cannot use: its own rules for ids and roots. */
  dialectError = $derived.by(() => {
    const d = dialectById(this.dialect);
    const problem = d && (d.idProblem(this.self) ?? d.rootProblem(this.root));
    return problem ? `${d.label}: ${problem}.` : null;
  });
  configError = $derived(this.idError ?? this.rootError ?? this.brokerError ?? this.dialectError);
  /** Whose latency test runs: the lab's pings, the app's own ("$" probes), or none (the workbench has none). */
  latencyKind = $derived(this.dialect === LAB_FORMAT.id ? 'lab' : dialectById(this.dialect)?.latency ? 'app' : 'none');
  /** The chosen format's topics, for the reader. */
  format = $derived(FORMAT_CHOICES.find((f) => f.id === this.dialect) ?? LAB_FORMAT);
  mosquittoSub = $derived.by(() => {
    const tcp = this.broker === TABS ? null : tcpEndpointFor(this.broker);
    return tcp ? mosquittoSubCommand(this.root, tcp.host, tcp.port) : null;
  });
  /** The TURN servers from ?ice=, for the relay latency path. */
  turnConfigured = $derived(hasTurn({ iceServers: this.iceServers }));

  constructor(search?: URLSearchParams) {
    super();
    this.pace = 150;
    const s = new URLSearchParams(search ?? '');
    const { params, broker, errors } = separatePageParams(s);
    this.detail = params.detail ?? this.detail;
    this.broker = broker;
    this.root = params.root ?? DEFAULT_ROOT;
    this.iceServers = params.iceServers;
    this.policy = params.policy;
    const dialect = s.get('dialect');
    if (dialect !== null) {
      if (FORMAT_CHOICES.some((f) => f.id === dialect)) this.chooseDialect(dialect);
      else errors.push(`dialect: expected ${FORMAT_CHOICES.map((f) => f.id).join(', ')}`);
    }
    const id = s.get('id');
    if (id !== null) {
      if (isValidPeerId(id)) this.self = id;
      else errors.push('id: use 1–32 letters, digits, - or _');
    }
    this.paramErrors = [...errors, ...params.errors];
    this.autoplay = params.autoplay;
  }

  /**
   * Picks the wire format. A root the reader left at the old format's default becomes the
   * new one's (the demo's "crumble77"), and an id the dialect cannot use gets one it can.
   */
  chooseDialect(id: string): void {
    const untouched = this.root === defaultRootOf(this.dialect);
    this.dialect = id;
    if (untouched) this.root = defaultRootOf(id);
    const d = dialectById(id);
    if (d?.idProblem(this.self)) this.self = d.randomId();
  }

  get joined(): boolean {
    return this.phase === 'joined';
  }

  /** The address another tab or device opens to join the same root on the same broker. */
  inviteLink(): string {
    if (typeof location === 'undefined') return '';
    const url = new URL(location.href);
    url.search = '';
    url.hash = '';
    url.searchParams.set('mode', 'solo');
    url.searchParams.set('broker', this.broker);
    url.searchParams.set('root', this.root);
    if (this.dialect !== LAB_FORMAT.id) url.searchParams.set('dialect', this.dialect);
    return url.toString();
  }

  async join(): Promise<void> {
    if (!this.mayStart(this.phase === 'joining' || this.phase === 'joined', this.configError)) return;
    this.phase = 'joining';
    this.latency.reset();
    const { SoloSession } = await import('../../lib/lab/solo-session');
    const broker = this.broker;
    const dialect = dialectById(this.dialect);
    const session = new SoloSession(
      { broker, root: this.root, self: this.self, rtcConfig: { iceServers: this.iceServers, iceTransportPolicy: this.policy }, ...(dialect ? { dialect } : {}) },
      { connectBroker: (opts) => connectFor(broker, opts), createPeerConnection: (config) => new RTCPeerConnection(config) },
    );
    this.attach(session);
    try {
      await session.join();
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
    if (this.session !== session) return;
    this.sync();
    if (session.phase !== 'joined') return this.announce(this.error ?? 'Could not join.');
    if (this.autoplay) {
      this.pace = 0;
      this.play();
    }
    this.announce(`Joined as ${this.self}. ${this.online.length} other peer(s) online.${this.autoplay ? ' Autoplay: every message is delivered as it arrives.' : ''}`);
  }

  protected sync(): void {
    super.sync();
    const s = this.session;
    if (!s) return;
    // The join's phase and the roster are trace events: read them back from the trace.
    const joined = phaseOf(this.events);
    if (joined.phase !== 'idle') this.phase = joined.phase;
    if (joined.detail) this.error = joined.detail;
    const presence = this.events.reduce((n, e) => n + (e.type === 'presence' ? 1 : 0), 0);
    if (presence !== this.presenceSeen) {
      this.presenceSeen = presence;
      this.roster = rosterOf(this.events);
      this.online = onlinePeers(this.roster, this.self);
      this.leftOut = rosterLeftOut(this.events, this.roster);
    }
    this.remote = s.remote;
    void import('../../lib/lab/solo-session').then(({ soloChatLog }) => {
      if (this.session === s) this.chats = soloChatLog(this.events, this.self);
    });
  }

  connectTo(id: string): void {
    if (this.session?.connectTo(id)) this.announce(`Calling ${id}: the offer is on its way. Step or Play to deliver what comes back.`);
    else this.announce(`Cannot connect to ${id}.`);
  }

  hangUp(): void {
    this.session?.hangUp();
    this.announce('Hung up.');
  }

  protected stepped(m: HeldMessage): void {
    const told = this.narration;
    this.announce(`Delivered ${m.kind} from ${m.from}.${told ? ` ${stepAnnouncement(told)}` : ''}`);
  }

  protected traceName(session: SoloSession): string {
    return `webrtc-lab-trace-${session.session}-${session.self}`;
  }

  sendChat(to: string, text: string): string | null {
    const path = this.session?.sendChat(to, text) ?? null;
    this.sync();
    return path;
  }

  pullPlug(): void {
    this.session?.pullPlug();
    this.announce('Pulled the plug: the broker publishes your last will.');
  }

  async leave(): Promise<void> {
    this.latency.cancel();
    const s = this.session;
    if (s) await s.leave();
    this.sync();
    this.detach();
    this.phase = 'idle';
    this.remote = null;
    this.roster = new Map();
    this.online = [];
    this.leftOut = 0;
    this.presenceSeen = 0;
    this.playing = false;
    this.announce('Left. Your status is cleared.');
  }

  async runLatency(sizes: number[], rounds: number): Promise<void> {
    const s = this.session;
    if (!s || this.latency.running) return;
    const paths = s.latencyPaths();
    if (paths.length === 0) {
      this.latency.error = 'Connect to a peer first.';
      return;
    }
    const end = await this.latency.run(paths, sizes, rounds, () => this.session !== s);
    if (end !== 'failed') this.announce(end === 'cancelled' ? 'Latency test cancelled.' : 'Latency test done: the chart and table below show the round trips.');
  }

  cancelLatency(): void {
    this.latency.cancel();
  }

}
