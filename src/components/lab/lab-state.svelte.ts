/**
 * The two-peer lab's runes state: wraps a LabSession (src/lib) over the shared
 * LabTraceState (./session-state.svelte.ts); all protocol logic lives in src/lib.
 */
import type { LabSession } from '../../lib/lab/session';
import { connectBroker, preloadBroker, resetInPageBroker } from '../../lib/broker/connect';
import type { CandidateType } from '../../lib/lab/candidate-filter';
import { BROKER_PRESETS, DIRECT, IN_PAGE, isBrokerUrl, parseLabParams, tcpEndpointFor } from '../../lib/lab/params';
import { isValidPeerId, mosquittoSubCommand, rootProblem, randomRoot } from '../../lib/signalling/topics';
import {
  brokerState,
  canRestartIce,
  channelOpen,
  iceConnectedOnce,
  describeMessage,
  heldApart,
  heldMessages,
  peerStates,
  timeToConnected,
  type DiagramDetail,
} from '../../lib/trace/selectors';
import { stableDiagramRows, stableTamperings } from '../../lib/trace/stable-views';
import { narrate } from '../../lib/trace/narration';
import { clockSplit, connectClock, connecting, playDone } from '../../lib/trace/clock';
import type { GlareMode, IceMode } from '../../lib/peer/lab-peer';
import type { HeldMessage } from '../../lib/session/core';
import { LabTraceState } from './session-state.svelte';
import type { CandidatePairRow } from '../../lib/ice/stats';
import type { StatsPoller } from '../../lib/ice/stats-poller';
import { PRESET_DETAIL, presetSession, type PresetSession } from './presets';
import { runScenario, scenarioById } from '../../lib/lab/scenarios';

export type Phase = 'idle' | 'connecting' | 'running' | 'error';


/** A step's announcement and the surprises its events brought, in order. */
const withSurprises = (base: string, surprises: readonly { text: string }[]): string => `${base}${surprises.map((x) => ` ${x.text}`).join('')}`;
export class LabState extends LabTraceState<LabSession> {
  broker = $state(IN_PAGE);
  root = $state('');
  offerer = $state('alice');
  answerer = $state('bob');
  iceServers = $state.raw<RTCIceServer[]>([]);
  policy = $state<RTCIceTransportPolicy>('all');
  /** Signalling chapter experiments: trickle or vanilla ICE; who offers (glare). */
  iceMode = $state<IceMode>('trickle');
  glare = $state<GlareMode>('off');
  /** Naive peers: early candidates go straight to addIceCandidate (no buffering). */
  naivePeers = $state(false);
  /** The guided scenario last started, and how far it got. */
  scenario = $state<{ id: string; status: 'running' | 'done' | 'failed'; reason?: string } | null>(null);
  /** The reason the reader's last edit was refused, or null. */
  editError = $state<string | null>(null);
  plugTarget = $state<'offerer' | 'answerer'>('answerer');
  chatFrom = $state<'offerer' | 'answerer'>('offerer');

  phase = $state<Phase>('idle');
  paramErrors = $state.raw<string[]>([]);
  /** Standing "discard candidates of type X" switches, per sender: [offerer's, answerer's]. */
  discards = $state.raw<[CandidateType[], CandidateType[]]>([[], []]);

  /** candidateKey of the candidate highlighted everywhere (diagram, SDP, tables). */
  selectedCandidate = $state<string | null>(null);
  /** Candidate-pair checklist per peer, from getStats() polling. */
  pairs = $state.raw<Record<string, CandidatePairRow[]>>({});
  /** messageCandidateKey, once the ICE code is loaded (it loads with the session). */
  candidateKeyOfMessage = $state.raw<((m: { kind: string; payload: string }) => string | null) | null>(null);

  /** Session options of this lab's preset (MQTT only, keep-alive, silent plug …). */
  readonly mode: PresetSession;
  /** The chat published over MQTT (publish form): sender, QoS and retain. */
  publishFrom = $state<'offerer' | 'answerer'>('offerer');
  publishQos = $state<0 | 1 | 2>(2);
  publishRetain = $state(false);

  private pollers: StatsPoller[] = [];
  private autoplay = false;

  /** How much the diagram, its table and its exports show (the detail control). */
  detail = $state<DiagramDetail>(PRESET_DETAIL.full);

  peers = $derived<[string, string]>([this.offerer, this.answerer]);
  /** Equal rows keep their identity from step to step: the table updates only what changed. */
  private readonly rowsOf = stableDiagramRows();
  rows = $derived(this.rowsOf(this.events, this.peers, this.detail));
  held = $derived(heldMessages(this.events));
  /** Messages held apart as foreign: shown, never delivered. */
  apart = $derived(heldApart(this.events));
  /** What the reader did to each queue id (fault injection), for marks and the inspector. */
  private readonly tamperingsOf = stableTamperings();
  tamperings = $derived(this.tamperingsOf(this.events));
  delivered = $derived(this.rows.filter((r) => r.status === 'delivered').length);
  dataChannelOpen = $derived(channelOpen(this.events));
  /** Time from the first createOffer() until both peers were connected, and signals used. */
  connectTiming = $derived(timeToConnected(this.events));
  /** The same time split into the peers' own work and messages waiting for Step or Play. */
  clock = $derived(connectClock(this.events));
  /**
   * The diagram holds its full redraws (SequenceDiagram `hold`) while Play runs fast (≤ 150 ms a
   * message) and the peers are still connecting: the whole exchange then takes well under two
   * seconds, and a redraw in the middle would only slow it down. Stepping by hand, the reader
   * is the wait, so every step is drawn at once.
   */
  holdDiagram = $derived(this.playing && this.playInterval <= 150 && (!this.dataChannelOpen || connecting(this.events, this.peers)));
  /** New ICE credentials (the ICE restart) is offered: the offerer has connected (or lost its path) and no round is open (never without WebRTC: no states). */
  restartable = $derived(this.phase === 'running' && canRestartIce(this.events, this.offerer));
  /** The ICE restart's button is shown once the offerer's ICE has connected, and stays until Reset. */
  restartShown = $derived(this.phase === 'running' && iceConnectedOnce(this.events, this.offerer));
  /** What the last Step did, in words (the same at the same step of /replay/). */
  narration = $derived(narrate(this.events));
  /** The broker the running session uses (the setting may have been edited since). */
  sessionBroker = $derived.by(() => {
    const first = this.events[0];
    return first?.type === 'session' ? first.broker : this.broker;
  });
  /** Over ws:// the page never sees raw bytes: packets are re-encoded from mqtt.js's decoded ones. */
  packetsRegenerated = $derived(/^wss?:/.test(this.sessionBroker));

  idError = $derived.by(() => {
    for (const id of [this.offerer, this.answerer]) {
      if (!isValidPeerId(id)) return `"${id.slice(0, 40)}" is not a valid peer id: use 1–32 letters, digits, - or _.`;
    }
    if (this.offerer === this.answerer) return 'The two peers need different ids.';
    return null;
  });
  rootError = $derived.by(() => {
    const problem = rootProblem(this.root);
    return problem && `Topic root refused: ${problem}.`;
  });
  brokerError = $derived(isBrokerUrl(this.broker) ? null : 'Broker: use in-page or a ws:// or wss:// URL.');
  configError = $derived(this.idError ?? this.rootError ?? this.brokerError);

  mosquittoSub = $derived.by(() => {
    const tcp = tcpEndpointFor(this.broker);
    return tcp ? mosquittoSubCommand(this.root, tcp.host, tcp.port) : null;
  });

  /** `detail`: the preset's diagram detail, unless the URL names one. */
  constructor(search?: URLSearchParams, mode: PresetSession = presetSession('full'), detail: DiagramDetail = PRESET_DETAIL.full) {
    super();
    this.mode = mode;
    const params = parseLabParams(search ?? new URLSearchParams());
    this.detail = params.detail ?? detail;
    this.broker = params.broker;
    this.root = params.root ?? randomRoot();
    this.iceServers = params.iceServers;
    this.policy = params.policy;
    this.iceMode = params.iceMode;
    this.glare = params.glare;
    this.naivePeers = params.naivePeers;
    this.paramErrors = params.errors;
    this.autoplay = params.autoplay;
  }

  get presets() {
    return BROKER_PRESETS;
  }

  get running(): boolean {
    return this.phase === 'running';
  }

  statesOf(peer: string) {
    return peerStates(this.events, peer);
  }

  brokerStateOf(peer: string) {
    return brokerState(this.events, peer);
  }

  /** Autoplay from ?autoplay=1 starts the lab and plays at full speed once visible. */
  get wantsAutoplay(): boolean {
    return this.autoplay;
  }

  /** `play: true` (autoplay) delivers every message at full speed instead of waiting for Step. */
  async start(opts: { play?: boolean } = {}): Promise<void> {
    if (!this.mayStart(this.phase === 'connecting' || this.phase === 'running', this.configError)) return;
    this.phase = 'connecting';
    this.selected = null;
    // Fetch (and start) the broker's transport while the session code loads, not after it.
    preloadBroker(this.broker);
    const { LabSession } = await import('../../lib/lab/session');
    const session = new LabSession(
      {
        broker: this.broker,
        root: this.root,
        peers: [this.offerer, this.answerer],
        rtcConfig: { iceServers: this.iceServers, iceTransportPolicy: this.policy },
        iceMode: this.iceMode,
        glare: this.glare,
        naivePeers: this.naivePeers,
        webrtc: this.mode.webrtc,
        subscribeQos: this.mode.subscribeQos,
        ...(this.mode.keepaliveS !== undefined ? { keepaliveS: this.mode.keepaliveS } : {}),
      },
      {
        connectBroker,
        createPeerConnection: (config) => new RTCPeerConnection(config),
      },
    );
    this.attach(session);
    this.discards.forEach((types, k) => types.forEach((type) => session.discardCandidates(this.peers[k]!, type, true)));
    try {
      await session.start();
      if (this.session !== session) return;
      this.phase = 'running';
      if (this.mode.webrtc) void this.pollStats(session);
      this.announce(`Connected to the broker. ${this.held.length} message(s) held.`);
      if (opts.play) this.play(0);
    } catch (err) {
      if (this.session !== session) return;
      this.error = `Could not start: ${err instanceof Error ? err.message : String(err)}`;
      this.phase = 'error';
      await session.close();
    }
  }

  /**
   * getStats() for the pair checklist: fast while ICE is checking, slower once connected
   * (see StatsPoller). Keeps the last non-empty list: Chromium drops every pair on failure.
   */
  private async pollStats(session: LabSession): Promise<void> {
    const [{ StatsPoller }, { candidatePairs }, { messageCandidateKey }] = await Promise.all([
      import('../../lib/ice/stats-poller'),
      import('../../lib/ice/stats'),
      import('../../lib/ice/candidates-table'),
    ]);
    if (this.session !== session) return;
    this.candidateKeyOfMessage = messageCandidateKey;
    for (const [index, peer] of session.peers.entries()) {
      const poller = new StatsPoller({
        getStats: () => session.statsOf(peer),
        iceState: () => peerStates(session.trace.events, peer).iceConnection,
        onStats: (stats) => {
          if (this.session !== session) return;
          const rows = candidatePairs(stats, { controlling: index === 0 });
          if (rows.length > 0 || !this.pairs[peer]?.length) this.pairs = { ...this.pairs, [peer]: rows };
        },
      });
      this.pollers.push(poller);
      poller.start();
    }
  }

  private stopStats(): void {
    for (const poller of this.pollers) poller.stop();
    this.pollers = [];
  }

  protected detach(): void {
    this.stopStats();
    this.pairs = {};
    this.selectedCandidate = null;
    super.detach();
  }

  protected stepped(message: HeldMessage): void {
    for (const poller of this.pollers) void poller.refresh();
    // The derived narration, already brought up to date by sync(): narrating again would walk the trace twice a Step.
    const told = this.narration;
    const base = `Step ${this.delivered}: broker to ${message.to}: ${describeMessage(message)}.${told ? ` ${told.text}` : ''}`;
    this.stepTold = told ? { step: told.step, base, surprises: told.surprises.length } : null;
    this.announce(withSurprises(base, told?.surprises ?? []));
  }

  /** The last Step's announcement, so surprises that its events bring later are added to it. */
  private stepTold: { step: number; base: string; surprises: number } | null = null;

  /** A surprise comes with the recipient's reaction, after the Step was announced: say it then. */
  private tellLateSurprises(): void {
    const told = this.stepTold;
    const now = this.narration;
    if (!told || !now || now.step !== told.step || now.surprises.length <= told.surprises) return;
    told.surprises = now.surprises.length;
    this.announce(withSurprises(told.base, now.surprises));
  }

  /** Play ends on its own once the connection needs nothing more (playDone): it stops saying "playing". */
  protected sync(): void {
    super.sync();
    this.tellLateSurprises();
    if (!this.playing || !this.session || !playDone(this.events)) return;
    this.session.pause();
    this.playing = false;
    const clock = connectClock(this.events);
    this.announce(`Play finished: both peers are connected and nothing is held.${clock ? ` Connected in ${clock.totalMs} ms: ${clockSplit(clock)}.` : ''}`);
  }

  protected traceName(session: LabSession): string {
    return `webrtc-lab-trace-${session.config.session}`;
  }

  /** Fault injection: the reader drops one held message; it never reaches its peer. */
  drop(qid: string): void {
    const message = this.session?.drop(qid);
    if (!message) return;
    this.events = [...this.session!.trace.events];
    this.announce(`Dropped ${describeMessage(message)} for ${message.to}. It will never arrive.`);
  }

  // #region fault-injection
  /** Refreshes the view after a fault action and says what happened. */
  private tampered(text: string): void {
    if (this.session) this.events = [...this.session.trace.events];
    this.announce(text);
  }

  /** Fault injection: every message held now passes this one. */
  delay(qid: string): boolean {
    const r = this.session?.delay(qid);
    if (r?.ok) this.tampered(`Delayed ${describeMessage(r.item)} for ${r.item.to}: the messages held before it go first.`);
    return r?.ok ?? false;
  }

  /** Fault injection: hold a second copy right after it. */
  duplicate(qid: string): boolean {
    const r = this.session?.duplicate(qid);
    if (r?.ok) this.tampered(`Duplicated ${describeMessage(r.item)} for ${r.item.to}: it will arrive twice.`);
    return r?.ok ?? false;
  }

  /** Fault injection: swap with the message before (-1) or after (+1). */
  move(qid: string, by: -1 | 1): boolean {
    const r = this.session?.move(qid, by);
    if (r?.ok) this.tampered(`Moved ${describeMessage(r.item)} ${by < 0 ? 'up' : 'down'} to position ${r.to + 1} of ${this.session!.queue.size}.`);
    return r?.ok ?? false;
  }

  /** Fault injection: replace the payload; a refused edit sets editError to the reason. */
  edit(qid: string, payload: string): { ok: true } | { ok: false; reason: string } {
    const r = this.session?.edit(qid, payload) ?? { ok: false as const, reason: 'the lab is not running' };
    if (!r.ok) {
      this.editError = r.reason;
      this.announce(`Edit refused: ${r.reason}`);
      return r;
    }
    this.editError = null;
    this.tampered(`Edited ${describeMessage(r.message)} for ${r.message.to}. It will be delivered as you wrote it.`);
    return { ok: true };
  }

  /**
   * Runs a guided scenario from the start: resets, applies its options, starts, then
   * tampers through the same actions as the buttons. The outcome is whatever the peers do.
   */
  async runScenario(id: string): Promise<void> {
    const scenario = scenarioById(id);
    if (!scenario) return;
    if (this.phase !== 'idle') await this.reset();
    this.naivePeers = scenario.options.naivePeers ?? false;
    this.iceMode = 'trickle';
    this.glare = 'off';
    this.scenario = { id, status: 'running' };
    this.announce(`Scenario: ${scenario.title}. ${scenario.does}`);
    await this.start();
    const session = this.session;
    if (!session || !this.running) {
      this.scenario = { id, status: 'failed', reason: this.error ?? 'the lab did not start' };
      return;
    }
    const alive = () => this.session === session;
    const result = await runScenario(scenario, {
      held: () => (alive() ? session.queue.held : []),
      roleOf: (peer) => (peer === session.peers[0] ? 'offerer' : peer === session.peers[1] ? 'answerer' : undefined),
      step: () => {
        if (alive()) this.step();
      },
      drop: (qid) => {
        if (!alive() || session.queue.indexOf(qid) === -1) return false;
        this.drop(qid);
        return true;
      },
      delay: (qid) => alive() && this.delay(qid),
      duplicate: (qid) => alive() && this.duplicate(qid),
      move: (qid, by) => alive() && this.move(qid, by),
      edit: (qid, payload) => (alive() ? this.edit(qid, payload) : { ok: false, reason: 'the lab was reset' }),
      play: () => {
        if (alive()) this.play();
      },
      changed: (ms) =>
        new Promise<boolean>((resolve) => {
          if (!alive()) return resolve(false);
          const timer = setTimeout(() => done(false), ms);
          const off = session.trace.subscribe(() => done(alive()));
          function done(value: boolean) {
            clearTimeout(timer);
            off();
            resolve(value);
          }
        }),
    });
    // Reset (or another scenario) took the lab away: this run's outcome no longer shows.
    if (!alive()) {
      if (this.scenario?.id === id && !this.session) this.scenario = null;
      return;
    }
    this.scenario = result.ok ? { id, status: 'done' } : { id, status: 'failed', reason: result.reason };
    if (!result.ok) this.announce(`Scenario stopped: ${result.reason}`);
  }
  // #endregion fault-injection

  /** Switches "discard <sender>'s <type> candidates" on or off; on also drops held ones now. */
  setDiscard(sender: 0 | 1, type: CandidateType, on: boolean): void {
    const next: [CandidateType[], CandidateType[]] = [[...this.discards[0]], [...this.discards[1]]];
    next[sender] = on ? [...new Set([...next[sender], type])] : next[sender].filter((t) => t !== type);
    this.discards = next;
    const peer = this.peers[sender];
    const gone = this.session?.discardCandidates(peer, type, on) ?? [];
    if (this.session) this.events = [...this.session.trace.events];
    const now = gone.length ? ` Dropped ${gone.length} held now.` : '';
    this.announce(on ? `Discarding ${peer}'s ${type} candidates as they arrive.${now}` : `${peer}'s ${type} candidates pass again.`);
  }

  async reset(): Promise<void> {
    const session = this.session;
    this.detach();
    this.events = [];
    this.playing = false;
    this.selected = null;
    this.error = null;
    this.scenario = null;
    this.editError = null;
    this.phase = 'idle';
    if (session) await session.close();
    if (this.broker === IN_PAGE || this.broker === DIRECT) {
      await resetInPageBroker();
    }
    this.announce('Reset. Both peers are gone; press Start to begin again.');
  }

  async retry(): Promise<void> {
    await this.reset();
    await this.start();
  }

  pullPlug(): void {
    const peer = this.plugTarget === 'offerer' ? this.offerer : this.answerer;
    const silent = this.mode.silentPlug;
    this.session?.pullPlug(peer, { silent });
    this.announce(
      silent
        ? `Pulled the plug on ${peer} silently. The broker publishes its last will once it has heard nothing for 1.5 × keep-alive.`
        : `Pulled the plug on ${peer}. The broker will publish its last will.`,
    );
  }

  /**
   * The offerer restarts ICE (RFC 8445 §9): its new offer, with new credentials, waits in the
   * queue like any signal, then the answer and the new candidates.
   */
  restartIce(): void {
    if (!this.restartable || !this.session?.restartIce()) return;
    this.announce(`${this.offerer} restarts ICE: its new offer, with a new ufrag and password, waits in the queue. Step to deliver it.`);
  }

  /** Publishes the reader's text over MQTT with the chosen QoS and retain flag. */
  publishChat(text: string): boolean {
    const from = this.publishFrom === 'offerer' ? this.offerer : this.answerer;
    const ok = this.session?.publishChat(from, text, { qos: this.publishQos, retain: this.publishRetain }) ?? false;
    if (ok) this.announce(`${from} published "${text.slice(0, 40)}" with QoS ${this.publishQos}.`);
    return ok;
  }

  /** ms since the session's trace began, on the clock of each event's `at`. */
  traceNow(): number {
    return this.session?.trace.elapsed() ?? 0;
  }

  sendChat(text: string): boolean {
    const from = this.chatFrom === 'offerer' ? this.offerer : this.answerer;
    return this.session?.sendChat(from, text) ?? false;
  }


  /**
   * Deep link `#step=N`: deliver held messages one at a time until N have been delivered, as
   * N presses of Step would. Gives up after 30 s (a session that never gets that far).
   */
  async stepTo(target: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    while (this.running && this.delivered < target && Date.now() < deadline) {
      if (this.held.length > 0) this.step();
      await new Promise((r) => setTimeout(r, this.held.length > 0 ? 0 : 25));
    }
    if (!this.running) return;
    const opened = `Opened at step ${this.delivered}${this.delivered < target ? ` (the session stopped before step ${target})` : ''}.`;
    // What the last step did follows, and a surprise it brings later is added after both.
    if (this.stepTold) this.stepTold.base = `${opened} ${this.stepTold.base}`;
    this.announce(this.stepTold ? withSurprises(this.stepTold.base, this.narration?.surprises ?? []) : opened);
  }
}

