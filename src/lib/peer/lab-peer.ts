/**
 * LabPeer: a thin, fully traced wrapper around one RTCPeerConnection.
 *
 * It knows nothing about MQTT: signals come in through `handleSignal` (called by the queue
 * on Step) and go out through the injected `send`. It touches no DOM except the injected
 * RTCPeerConnection, so unit tests pass `FakePeerConnection` from `../testing`.
 *
 * Trace conventions (types in ../trace/types.ts):
 * - 'api' events name the call exactly as in the W3C API (`createOffer`,
 *   `setLocalDescription`, `addIceCandidate`, `createDataChannel`, `close`,
 *   `RTCPeerConnection` for the constructor). Events the browser *fires* at us that have no
 *   dedicated trace type are recorded as 'api' with an `on…` name (`onnegotiationneeded`,
 *   `ondatachannel`, `onicecandidateerror`, `onmessage`). Signals we refuse to process are
 *   `handleSignal` with ok:false; a throwing transport is `send` with ok:false. Vanilla ICE's
 *   wait for the end of gathering is `waitForIceGathering` (once when it starts, once when done);
 *   the impolite peer's decision to drop a colliding offer is `ignoreOffer`, the name the
 *   perfect negotiation example gives it. An ICE restart is `restartIce` (its detail names the
 *   ufrag it replaces), then `createOffer` with the detail "ICE restart: new ufrag … (was …)".
 * - 'state' is emitted once per start() for the initial value of each of the four machines,
 *   then on every change. close() records the final 'closed' values itself, because
 *   RTCPeerConnection.close() changes the states without firing events (webrtc-pc, close()).
 * - 'chat' is emitted once per message, by the SENDER, when `RTCDataChannel.send()` accepted
 *   it. The receiver does not trace it again, so a lab with both peers on one trace shows each
 *   message once. A lab that runs a single peer per tab sets `traceReceivedChat: true`, since
 *   the sender's events are then in another tab's trace.
 * - 'dtls' is emitted on each state change of the DTLS transport under the data channel
 *   (pc.sctp.transport, there once a description with an m=application section is set).
 * - 'ice-check' is emitted once per candidate pair and step (first check sent, first success,
 *   nominated, failed), read from getStats() whenever ICE, DTLS or the connection changes
 *   state and after each remote candidate is added: each step appears when getStats first
 *   shows it, never before it happened. DTLS 'connected' is traced after a read already under
 *   way, since the handshake runs over a pair that succeeded.
 */
import type { DtlsState, PeerMachine, TraceEventBody } from '../trace/types';
import { candidatePairs, candidateShort, pairSteps } from '../ice/stats';
import { restartText, sdpUfrag } from '../ice/credentials';
import type {
  AnswerSignal,
  CandidateSignal,
  DirectedSignal,
  EndOfCandidatesSignal,
  OfferSignal,
  Signal,
  StatusSignal,
} from '../signalling/types';
import { createSignalFactory, type DirectedSignalBody, type SignalFactory } from './signal-factory';

/** Label of the one data channel the offerer opens. */
export const CHAT_CHANNEL_LABEL = 'chat';

/** Reason recorded on a 'candidate-buffered' event. */
export const BUFFER_REASON = 'no remote description yet';

/** Reason recorded when a candidate of an ICE restart arrives before the description that brings its ufrag. */
export const restartBufferReason = (ufrag: string) => `its ufrag ${ufrag} is not in the remote description yet (an ICE restart's description is on its way)`;

/**
 * 'trickle' sends the description at once and each candidate as its own signal (RFC 8838);
 * 'vanilla' waits until gathering is complete and sends one description with every candidate
 * inside it, and no candidate signals.
 */
export type IceMode = 'trickle' | 'vanilla';

/**
 * The glare experiment: both peers offer as soon as they see each other online.
 * - 'naive' applies whatever arrives, as if it were the only offer.
 * - 'polite' / 'impolite' are the two parts of perfect negotiation (webrtc-pc, "Perfect
 *   negotiation example"): on a collision the polite peer drops its own offer (implicit
 *   rollback in setRemoteDescription) and answers; the impolite peer ignores the other offer.
 */
export type GlareRole = 'naive' | 'polite' | 'impolite';

/** The lab-wide glare setting: 'off' (only the offerer offers), or both offer. */
export type GlareMode = 'off' | 'naive' | 'polite';

/** The part each peer plays: in 'polite' mode the answerer-side peer (bob) is the polite one. */
export function glareRole(mode: GlareMode, role: 'offerer' | 'answerer'): GlareRole | undefined {
  if (mode === 'off') return undefined;
  if (mode === 'naive') return 'naive';
  return role === 'answerer' ? 'polite' : 'impolite';
}

/**
 * When both peers may answer, neither can wait for 'datachannel': each side creates the same
 * negotiated channel (webrtc-pc createDataChannel(), negotiated: true), so no DCEP
 * announcement is needed (RFC 8832 §6.1 leaves negotiated channels to the application).
 */
const NEGOTIATED_CHANNEL: RTCDataChannelInit = { negotiated: true, id: 0 };

const utf8 = new TextEncoder();
/** A binary chat message is read as UTF-8; a bad byte becomes U+FFFD rather than an exception. */
const lossyUtf8 = new TextDecoder();

/** A data channel as createDataChannel() takes it. */
export interface ChannelSpec {
  label: string;
  init?: RTCDataChannelInit;
}

/**
 * The channel this end creates in start(), or null when it waits for 'datachannel'.
 * `channel` (both ends create that negotiated channel) wins, then glare, then the role.
 */
function ownChannel(opts: LabPeerOptions): ChannelSpec | null {
  if (opts.channel) return opts.channel;
  if (opts.glare) return { label: CHAT_CHANNEL_LABEL, init: NEGOTIATED_CHANNEL };
  // The offerer creates the channel before its offer so the offer carries an
  // m=application section (RFC 8841; webrtc-pc createDataChannel()). The answerer's end is
  // announced in-band by DCEP (RFC 8832) and arrives as a 'datachannel' event.
  return opts.role === 'offerer' ? { label: CHAT_CHANNEL_LABEL } : null;
}

export interface LabPeerOptions {
  /** This peer's id, e.g. 'alice'. */
  id: string;
  /** The only peer it accepts signals from, e.g. 'bob'. */
  remoteId: string;
  role: 'offerer' | 'answerer';
  session: string;
  createPeerConnection: (config: RTCConfiguration) => RTCPeerConnection;
  /** iceServers, iceTransportPolicy … passed to the RTCPeerConnection constructor. */
  rtcConfig?: RTCConfiguration;
  /** Trace sink. */
  emit: (body: TraceEventBody) => void;
  /** Hands a fully built signal (v/from/to/session/mid/ts filled in) to the transport. */
  send: (signal: DirectedSignal) => void;
  now?: () => number;
  /** Also trace chat messages on receipt (for one-peer-per-tab labs). Default false. */
  traceReceivedChat?: boolean;
  /** Default 'trickle'. */
  iceMode?: IceMode;
  /** Set for the glare experiment: both peers offer. Default: only the offerer offers. */
  glare?: GlareRole;
  /**
   * Hold remote candidates that arrive before the remote description (default true). false
   * is the lab's "naive peer": it hands them straight to addIceCandidate(), which rejects
   * with InvalidStateError while remoteDescription is null (webrtc-pc, addIceCandidate()).
   */
  bufferEarlyCandidates?: boolean;
  /**
   * Both ends create this negotiated channel themselves, whatever their role (e.g. Godot's
   * mesh, webrtc_multiplayer_peer). Default: the chat channel as described at ownChannel().
   */
  channel?: ChannelSpec & { init: RTCDataChannelInit & { negotiated: true; id: number } };
  /** The other app sends and expects chat as UTF-8 bytes (Godot's put_packet()), not text. */
  binaryChat?: boolean;
  /** Messages on the chat channel that are the app's own business (a latency probe), not chat. */
  notChat?: (text: string) => boolean;
}

export interface PeerStates {
  signaling: RTCSignalingState;
  iceGathering: RTCIceGatheringState;
  iceConnection: RTCIceConnectionState;
  connection: RTCPeerConnectionState;
}

type RemoteCandidate = CandidateSignal | EndOfCandidatesSignal;
type CallResult<T> = { ok: true; value: T } | { ok: false };

/** The DOM event name and RTCPeerConnection property for each state machine. */
const MACHINES: ReadonlyArray<[PeerMachine, string, keyof PeerStates]> = [
  ['signaling', 'signalingstatechange', 'signaling'],
  ['iceGathering', 'icegatheringstatechange', 'iceGathering'],
  ['iceConnection', 'iceconnectionstatechange', 'iceConnection'],
  ['connection', 'connectionstatechange', 'connection'],
];

function readState(pc: RTCPeerConnection, machine: PeerMachine): string {
  switch (machine) {
    case 'signaling':
      return pc.signalingState;
    case 'iceGathering':
      return pc.iceGatheringState;
    case 'iceConnection':
      return pc.iceConnectionState;
    case 'connection':
      return pc.connectionState;
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error || (typeof err === 'object' && err !== null && 'message' in err)) {
    const e = err as { name?: unknown; message?: unknown };
    const name = typeof e.name === 'string' && e.name ? `${e.name}: ` : '';
    return `${name}${String(e.message)}`;
  }
  return String(err);
}

export class LabPeer {
  readonly id: string;
  readonly remoteId: string;
  readonly role: 'offerer' | 'answerer';
  readonly session: string;
  readonly iceMode: IceMode;
  readonly glare: GlareRole | undefined;

  private readonly opts: LabPeerOptions;
  private readonly makeSignal: SignalFactory;
  private pc: RTCPeerConnection | null = null;
  private channel: RTCDataChannel | null = null;
  private channelState: 'new' | 'open' | 'closed' = 'new';
  private readonly current: PeerStates = {
    signaling: 'stable',
    iceGathering: 'new',
    iceConnection: 'new',
    connection: 'new',
  };
  /** Tail of the one-at-a-time signal processing chain. */
  private chain: Promise<void> = Promise.resolve();
  private offered = false;
  private closed = false;
  /** Our own offer/answer has been handed to `send`. */
  private descriptionSent = false;
  /** Local candidates gathered before our description was sent, in gathering order. */
  private pendingLocal: DirectedSignalBody[] = [];
  private remoteDescriptionSet = false;
  /** The ufrags of every remote description set so far: a candidate with another is a restart's, early. */
  private readonly remoteUfrags = new Set<string>();
  /** Remote candidates that arrived before the remote description, in arrival order. */
  private remoteBuffer: RemoteCandidate[] = [];
  private readonly detach: Array<() => void> = [];
  /** Machines whose initial value has been traced. */
  private readonly seen = new Set<PeerMachine>();
  /** Impolite peer in glare: we ignored the other offer, so its candidates are not ours to add. */
  private ignoringOffer = false;
  /** Vanilla ICE: called once gathering is complete (or the peer closes). */
  private gatheringDone: (() => void) | null = null;
  /** The DTLS transport being followed, and its last traced state. */
  private dtls: { transport: RTCDtlsTransport; state: DtlsState | null } | null = null;
  /** `${pair id} ${step}` of every 'ice-check' traced, so each is traced once. */
  private readonly checksTraced = new Set<string>();
  /**
   * DTLS and data channel events in the order they happened, each after what it waits for:
   * DTLS 'connected' after a stats read under way, the channel's 'open' after DTLS.
   */
  private path: Promise<void> = Promise.resolve();
  /** The getStats() reads for 'ice-check' under way (runChecks), if any. */
  private checks: Promise<void> = Promise.resolve();
  private checksRunning = false;
  private checksWanted = false;

  constructor(opts: LabPeerOptions) {
    this.opts = opts;
    this.id = opts.id;
    this.remoteId = opts.remoteId;
    this.role = opts.role;
    this.session = opts.session;
    this.iceMode = opts.iceMode ?? 'trickle';
    this.glare = opts.glare;
    this.makeSignal = createSignalFactory({
      from: opts.id,
      to: opts.remoteId,
      session: opts.session,
      ...(opts.now ? { now: opts.now } : {}),
    });
  }

  /** The chat channel, once created or announced (for an app's own messages on it). */
  get dataChannel(): RTCDataChannel | null {
    return this.channel;
  }

  get channelOpen(): boolean {
    return this.channelState === 'open';
  }

  get states(): Readonly<PeerStates> {
    return { ...this.current };
  }

  /**
   * Resolves once every signal handed to `handleSignal` so far has been fully processed.
   * Never rejects. Handy for tests and for a UI that wants to wait for a Step to settle.
   * In vanilla mode it also waits for ICE gathering to complete after our description is set.
   */
  settled(): Promise<void> {
    return this.chain;
  }

  /** Creates the RTCPeerConnection and attaches listeners. Does not offer yet. */
  start(): void {
    if (this.pc || this.closed) {
      this.api('start', false, this.closed ? 'peer is closed' : 'already started');
      return;
    }
    const config = this.opts.rtcConfig ?? {};
    let pc: RTCPeerConnection;
    try {
      pc = this.opts.createPeerConnection(config);
    } catch (err) {
      // e.g. SyntaxError for a malformed ice= URL (webrtc-pc, RTCPeerConnection constructor).
      this.api('RTCPeerConnection', false, errorText(err));
      return;
    }
    this.pc = pc;
    this.api('RTCPeerConnection', true, describeConfig(config));

    for (const [machine, event] of MACHINES) {
      this.listen(pc, event, () => this.syncState(machine));
    }
    // The DTLS transport exists once a description with the data channel's m-section is set.
    this.listen(pc, 'signalingstatechange', () => this.followDtls());
    for (const event of ['iceconnectionstatechange', 'connectionstatechange']) this.listen(pc, event, () => void this.traceChecks());
    this.listen(pc, 'icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') this.gatheringDone?.();
    });
    this.listen(pc, 'icecandidate', (ev) => this.onLocalCandidate(ev as RTCPeerConnectionIceEvent));
    this.listen(pc, 'icecandidateerror', (ev) => {
      // Not fatal: ICE goes on with other servers. STUN/TURN error codes per RFC 8489 §14.8.
      const e = ev as RTCPeerConnectionIceErrorEvent;
      this.api('onicecandidateerror', false, `${e.errorCode} ${e.errorText} (${e.url})`.trim());
    });
    this.listen(pc, 'negotiationneeded', () => this.api('onnegotiationneeded', true));
    this.listen(pc, 'datachannel', (ev) => {
      const ch = (ev as RTCDataChannelEvent).channel;
      if (this.role !== 'answerer' || this.channel) {
        this.api('ondatachannel', false, `unexpected channel "${ch.label}" ignored`);
        return;
      }
      this.api('ondatachannel', true, `label "${ch.label}"`);
      this.attachChannel(ch);
    });

    for (const [machine] of MACHINES) this.emitState(machine, readState(pc, machine));

    const own = ownChannel(this.opts);
    if (own) {
      const { label, init } = own;
      const r = this.callSync(
        'createDataChannel',
        () => (init ? pc.createDataChannel(label, init) : pc.createDataChannel(label)),
        init?.negotiated ? `${label} (negotiated, id ${init.id})` : label,
      );
      if (r.ok) this.attachChannel(r.value);
    }
  }

  /**
   * Called when the queue delivers a signal to this peer. Never throws; never runs two
   * signals at once: each waits for the previous one's promises to settle, so a candidate
   * delivered while setRemoteDescription is pending is handled after it.
   */
  handleSignal(signal: Signal): void {
    this.chain = this.chain
      .then(() => this.process(signal))
      .catch((err: unknown) => this.api('handleSignal', false, `internal error: ${errorText(err)}`));
  }

  /**
   * The connection's stats as plain objects (webrtc-stats), for the candidate-pair checklist.
   * Empty before start() and after close(). Not traced: it is polled.
   */
  async getStats(): Promise<RTCStats[]> {
    const pc = this.pc;
    if (!pc || this.closed) return [];
    try {
      const report = await pc.getStats();
      return Array.from(report.values()) as RTCStats[];
    } catch {
      return [];
    }
  }

  /** Sends text over the data channel. False (and traced) when the channel is not open. */
  sendChat(text: string): boolean {
    const ch = this.channel;
    if (!ch || ch.readyState !== 'open' || this.closed) {
      this.api('send', false, 'data channel not open');
      return false;
    }
    try {
      if (this.opts.binaryChat) ch.send(utf8.encode(text));
      else ch.send(text);
    } catch (err) {
      this.api('send', false, errorText(err));
      return false;
    }
    this.opts.emit({ type: 'chat', from: this.id, to: this.remoteId, text });
    return true;
  }

  /** `reason` is traced with the 'close' call (e.g. the signalling message that caused it). */
  close(reason?: string): void {
    if (this.closed) return;
    this.closed = true;
    // A call pending at close() may never settle (webrtc-pc: operations on a closed
    // connection are abandoned), so later signals must not queue behind it.
    this.chain = Promise.resolve();
    this.pendingLocal = [];
    this.remoteBuffer = [];
    this.gatheringDone?.();
    const pc = this.pc;
    if (!pc) return;
    if (this.channel) {
      const ch = this.channel;
      this.callSync('RTCDataChannel.close', () => ch.close(), ch.label);
    }
    this.callSync('close', () => pc.close(), reason);
    // close() sets the states to 'closed' without firing events: record what it did.
    for (const [machine] of MACHINES) this.syncState(machine);
    this.setChannel('closed');
    for (const off of this.detach.splice(0)) off();
  }

  // ---------------------------------------------------------------- signal processing

  private async process(signal: Signal): Promise<void> {
    const ignore = (why: string) =>
      this.api('handleSignal', false, `ignored ${signal.kind} from ${signal.from}: ${why}`);

    if (this.closed) return ignore('peer is closed');
    if (!this.pc) return ignore('peer not started');
    if (signal.session !== this.session) return ignore(`session "${signal.session}" is not "${this.session}"`);
    if (signal.from !== this.remoteId) return ignore(`expected signals from ${this.remoteId} only`);
    if (signal.kind !== 'status' && signal.to !== this.id) return ignore(`addressed to ${signal.to}, not ${this.id}`);

    switch (signal.kind) {
      case 'status':
        return this.onStatus(signal);
      case 'offer':
        if (this.role !== 'answerer' && !this.glare) return ignore(`${this.id} is the offerer; it never takes an offer`);
        return this.onOffer(signal);
      case 'answer':
        if (this.role !== 'offerer' && !this.glare) return ignore(`${this.id} is the answerer; it never takes an answer`);
        return this.onAnswer(signal);
      case 'candidate':
      case 'end-of-candidates':
        return this.onRemoteCandidate(signal);
      default: {
        const never: never = signal;
        return ignore(`unknown kind ${(never as { kind: string }).kind}`);
      }
    }
  }

  private async onStatus(sig: StatusSignal): Promise<void> {
    this.opts.emit({
      type: 'remote-status',
      peer: this.id,
      of: sig.from,
      status: sig.status,
      will: sig.reason === 'will',
    });
    // The offerer waits for the answerer to be online so the offer is not published into
    // the void. One offer per presence: a later round is the reader's ICE restart
    // (restartIce() below). In the glare experiment both peers do this, so both offer at once.
    if ((this.role === 'offerer' || this.glare) && sig.status === 'online' && !this.offered) {
      await this.makeOffer();
    }
  }

  /**
   * An ICE restart (RFC 8445 §9; webrtc-pc restartIce()): a new offer with new ICE credentials,
   * on the same chain as the signals, so it waits for any still being processed. DTLS and the
   * data channel stay up meanwhile: only ICE starts again, over the pair it has until a new one
   * is chosen. Chromium fires negotiationneeded for it; perfect negotiation would offer there,
   * the lab offers here at once (the event is still traced) so the step is the reader's press.
   */
  restartIce(): void {
    this.chain = this.chain
      .then(() => this.restart())
      .catch((err: unknown) => this.api('restartIce', false, `internal error: ${errorText(err)}`));
  }

  private async restart(): Promise<void> {
    const pc = this.pc;
    if (!pc || this.closed) return this.api('restartIce', false, this.closed ? 'peer is closed' : 'peer not started');
    // A new offer needs a settled round (RFC 8829 §3.2: stable); glare would follow otherwise.
    if (pc.signalingState !== 'stable' || !pc.remoteDescription) {
      return this.api('restartIce', false, `signalingState is ${pc.signalingState}${pc.remoteDescription ? '' : ' and no answer yet'}: restart once an offer/answer round is complete`);
    }
    const was = sdpUfrag(pc.localDescription?.sdp);
    const r = this.callSync('restartIce', () => pc.restartIce(), was ? `replaces ufrag ${was}` : undefined);
    if (r.ok) await this.makeOffer(was);
  }

  /** `restartFrom`: an ICE restart, and the ufrag it replaces. */
  private async makeOffer(restartFrom?: string | null): Promise<void> {
    const pc = this.pc!;
    this.offered = true;
    // A new description: local candidates wait for it (RFC 8838 §9), as in the first round.
    this.descriptionSent = false;
    const restart = restartFrom !== undefined;
    const offer = await this.call('createOffer', () => pc.createOffer(), restart ? (o) => `ICE restart: ${restartText(sdpUfrag(o.sdp) ?? '?', restartFrom)}` : undefined);
    if (!offer.ok) return;
    // RFC 8829 §3.2: stable -> have-local-offer. ICE gathering starts here (§3.5.1).
    const sld = await this.call('setLocalDescription', () => pc.setLocalDescription(offer.value), 'offer');
    if (!sld.ok) return;
    // Trickle sends the createOffer() SDP: it has no candidates yet, so every candidate the
    // reader sees travels as its own trickled message (RFC 8838 §4, §9).
    await this.sendDescription('offer', offer.value.sdp ?? '');
  }

  private async onOffer(sig: OfferSignal): Promise<void> {
    const pc = this.pc!;
    // Glare: an offer arrives while our own is out (webrtc-pc, "Perfect negotiation example":
    // offerCollision). Only the signalling state tells: signals run one at a time, so we are
    // never in the middle of making our offer here.
    // #region perfect-negotiation
    const collision = pc.signalingState !== 'stable';
    if (collision && this.glare === 'impolite') {
      this.ignoringOffer = true;
      this.api('ignoreOffer', true, `glare: ${this.id} is the impolite peer and keeps its own offer`);
      return;
    }
    // RFC 8829 §3.2: stable -> have-remote-offer. In have-local-offer, setRemoteDescription
    // first rolls our own offer back (webrtc-pc "implicit rollback"; Chromium does it).
    const detail = collision ? `offer (rolls back ${this.id}'s own offer first: implicit rollback)` : 'offer';
    const srd = await this.call('setRemoteDescription', () => pc.setRemoteDescription({ type: 'offer', sdp: sig.sdp }), detail);
    if (!srd.ok) return;
    // #endregion perfect-negotiation
    if (collision) {
      // Our offer is gone; the answer is our new description, and candidates wait for it.
      this.pendingLocal = [];
    }
    // A new description (the first, or an ICE restart's answer): candidates wait for it.
    this.descriptionSent = false;
    this.remoteSet(sig.sdp);
    await this.flushRemoteCandidates();
    const answer = await this.call('createAnswer', () => pc.createAnswer());
    if (!answer.ok) return;
    // have-remote-offer -> stable.
    const sld = await this.call('setLocalDescription', () => pc.setLocalDescription(answer.value), 'answer');
    if (!sld.ok) return;
    await this.sendDescription('answer', answer.value.sdp ?? '');
  }

  private async onAnswer(sig: AnswerSignal): Promise<void> {
    const pc = this.pc!;
    // have-local-offer -> stable. In any other state the browser rejects with
    // InvalidStateError, which we trace rather than pre-empt: that is the lesson.
    const srd = await this.call('setRemoteDescription', () => pc.setRemoteDescription({ type: 'answer', sdp: sig.sdp }), 'answer');
    if (!srd.ok) return;
    this.remoteSet(sig.sdp);
    this.ignoringOffer = false;
    await this.flushRemoteCandidates();
  }

  private remoteSet(sdp: string): void {
    this.remoteDescriptionSet = true;
    const ufrag = sdpUfrag(sdp);
    if (ufrag) this.remoteUfrags.add(ufrag);
  }

  private async onRemoteCandidate(sig: RemoteCandidate): Promise<void> {
    if (this.ignoringOffer && !this.remoteDescriptionSet) {
      // Perfect negotiation drops these: they belong to the offer we ignored, which the other
      // side has rolled back. Its answer will bring its own candidates.
      this.api('handleSignal', false, `ignored ${sig.kind} from ${sig.from}: it belongs to the offer ${this.id} ignored`);
      return;
    }
    // #region early-candidates
    if (!this.remoteDescriptionSet && this.opts.bufferEarlyCandidates !== false) {
      // addIceCandidate() rejects with InvalidStateError while remoteDescription is null
      // (webrtc-pc, addIceCandidate()), and the description tells ICE which ufrag/m-section a
      // candidate belongs to, so hold it. An end-of-candidates has candidate ''.
      this.remoteBuffer.push(sig);
      this.opts.emit({
        type: 'candidate-buffered',
        peer: this.id,
        candidate: sig.kind === 'candidate' ? sig.candidate : '',
        reason: BUFFER_REASON,
      });
      return;
    }
    // #endregion early-candidates
    // An ICE restart's candidate can overtake its offer or answer (a reordered queue): its new
    // ufrag matches no remote description yet, and addIceCandidate() would reject it with
    // OperationError (webrtc-pc, addIceCandidate()), so it waits as an early one does.
    const ufrag = sig.kind === 'candidate' ? sig.usernameFragment : null;
    if (sig.kind === 'candidate' && ufrag && !this.remoteUfrags.has(ufrag) && this.remoteUfrags.size > 0 && this.opts.bufferEarlyCandidates !== false) {
      this.remoteBuffer.push(sig);
      this.opts.emit({ type: 'candidate-buffered', peer: this.id, candidate: sig.candidate, reason: restartBufferReason(ufrag) });
      return;
    }
    await this.addRemoteCandidate(sig);
  }

  /** Buffered candidates go to ICE in arrival order (RFC 8838 §18: same order as conveyed). */
  private async flushRemoteCandidates(): Promise<void> {
    const buffered = this.remoteBuffer;
    this.remoteBuffer = [];
    if (buffered.length === 0) return;
    for (const sig of buffered) await this.addRemoteCandidate(sig);
    this.opts.emit({ type: 'candidates-flushed', peer: this.id, count: buffered.length });
  }

  private async addRemoteCandidate(sig: RemoteCandidate): Promise<void> {
    const pc = this.pc!;
    if (sig.kind === 'end-of-candidates') {
      // addIceCandidate() with no argument means {candidate: ''}: end-of-candidates for
      // every m-section (webrtc-pc, addIceCandidate(); RFC 8838 §14). Chromium 156 accepts
      // it, with or without a remote description.
      await this.call('addIceCandidate', () => pc.addIceCandidate(), 'end-of-candidates');
      return;
    }
    const init: RTCIceCandidateInit = {
      candidate: sig.candidate,
      sdpMid: sig.sdpMid,
      sdpMLineIndex: sig.sdpMLineIndex,
    };
    if (sig.usernameFragment != null) init.usernameFragment = sig.usernameFragment;
    const added = await this.call('addIceCandidate', () => pc.addIceCandidate(init), sig.candidate);
    if (added.ok) void this.traceChecks();
  }

  // ---------------------------------------------------------------- local side

  private onLocalCandidate(ev: RTCPeerConnectionIceEvent): void {
    if (this.closed) return;
    const c = ev.candidate;
    if (c && c.candidate === '') {
      // Older spec drafts (and Firefox) fire an empty candidate per m-section before the
      // final null one. The null event below is what we signal.
      this.api('onicecandidate', true, `empty candidate for mid ${c.sdpMid ?? '?'} (end of that m-section)`);
      return;
    }
    this.opts.emit({ type: 'candidate-gathered', peer: this.id, candidate: c ? c.candidate : null });
    if (!c) this.gatheringDone?.();
    // Vanilla ICE sends no candidate signals: they ride inside the description.
    if (this.iceMode === 'vanilla') return;
    const body: DirectedSignalBody = c
      ? {
          kind: 'candidate',
          candidate: c.candidate,
          sdpMid: c.sdpMid,
          sdpMLineIndex: c.sdpMLineIndex,
          usernameFragment: c.usernameFragment,
        }
      : { kind: 'end-of-candidates' };
    // A candidate must not overtake the description it belongs to (RFC 8838 §9, §18).
    if (this.descriptionSent) this.sendSignal(body);
    else this.pendingLocal.push(body);
  }

  private async sendDescription(kind: 'offer' | 'answer', createdSdp: string): Promise<void> {
    if (this.iceMode === 'trickle') {
      this.sendSignal({ kind, sdp: createdSdp });
      this.descriptionSent = true;
      for (const pending of this.pendingLocal.splice(0)) this.sendSignal(pending);
      return;
    }
    // Vanilla: the description goes once gathering is complete, as pc.localDescription, which
    // by then lists every gathered candidate as an a=candidate line (webrtc-pc,
    // localDescription; RFC 8829 §5.3.2 / §5.3.3 for candidates in a description).
    const sdp = await this.waitForGathering(kind);
    if (sdp === null) return;
    this.sendSignal({ kind, sdp });
    this.descriptionSent = true;
  }

  /** Resolves with pc.localDescription's SDP once gathering is complete; null if we close first. */
  private async waitForGathering(kind: 'offer' | 'answer'): Promise<string | null> {
    const pc = this.pc!;
    const now = this.opts.now ?? Date.now;
    const started = now();
    if (pc.iceGatheringState !== 'complete') {
      this.api('waitForIceGathering', true, `vanilla ICE: the ${kind} waits until gathering is complete`);
      await new Promise<void>((resolve) => {
        this.gatheringDone = () => {
          this.gatheringDone = null;
          resolve();
        };
      });
    }
    if (this.closed) return null;
    const sdp = pc.localDescription?.sdp ?? '';
    const count = (sdp.match(/^a=candidate:/gm) ?? []).length;
    this.api(
      'waitForIceGathering',
      true,
      `gathering complete after ${Math.max(0, now() - started)} ms; the ${kind} carries ${count} candidate${count === 1 ? '' : 's'}`,
    );
    return sdp;
  }

  private sendSignal(body: DirectedSignalBody): void {
    if (this.closed) return;
    const signal = this.makeSignal(body);
    try {
      this.opts.send(signal);
    } catch (err) {
      this.api('send', false, `${signal.kind} ${signal.mid}: ${errorText(err)}`);
    }
  }

  // ---------------------------------------------------------------- data channel

  private attachChannel(ch: RTCDataChannel): void {
    this.channel = ch;
    const on = (type: string, fn: (ev: Event) => void) => this.listen(ch, type, fn);
    on('open', () => this.setChannel('open'));
    on('close', () => this.setChannel('closed'));
    on('error', (ev) => {
      const err = (ev as RTCErrorEvent).error;
      this.api('RTCDataChannel.onerror', false, err ? errorText(err) : 'error');
    });
    if (this.opts.binaryChat) ch.binaryType = 'arraybuffer';
    on('message', (ev) => {
      const raw = (ev as MessageEvent).data as unknown;
      const data = this.opts.binaryChat && raw instanceof ArrayBuffer ? lossyUtf8.decode(raw) : raw;
      if (typeof data !== 'string') {
        this.api('onmessage', false, 'binary message ignored: chat is text only');
        return;
      }
      if (this.opts.notChat?.(data)) return;
      if (this.opts.traceReceivedChat) {
        this.opts.emit({ type: 'chat', from: this.remoteId, to: this.id, text: data });
      }
    });
    // A channel can already be open when handed over; readyState is the truth.
    if (ch.readyState === 'open') this.setChannel('open');
  }

  private setChannel(state: 'open' | 'closed'): void {
    if (this.channelState === state || (state === 'closed' && this.channelState === 'new')) return;
    this.channelState = state;
    const emit = () => this.opts.emit({ type: 'channel', peer: this.id, state });
    // The channel opens over DTLS (RFC 8261): while a DTLS event waits (see followDtls), so does this.
    if (state === 'open' && this.dtls && !this.closed) this.path = this.path.then(emit);
    else emit();
  }

  // ---------------------------------------------------------------- the peer-to-peer path

  private followDtls(): void {
    const transport = this.pc?.sctp?.transport;
    if (!transport || this.dtls?.transport === transport) return;
    const followed = (this.dtls = { transport, state: null as DtlsState | null });
    const changed = () => {
      const state = transport.state;
      if (this.closed || this.dtls !== followed || followed.state === state) return;
      followed.state = state;
      // DTLS packets go over a pair whose checks succeeded (RFC 8445 §12): a getStats() read
      // already under way (ICE just connected) is let finish first, so the trace has the
      // pair's success before the handshake it carried. Nothing waits for a new read.
      const before = state === 'connected' ? this.checks : Promise.resolve();
      this.path = this.path
        .then(() => before)
        .then(() => {
          if (!this.closed) this.opts.emit({ type: 'dtls', peer: this.id, state });
        });
      void this.traceChecks();
    };
    this.listen(transport, 'statechange', changed);
    changed();
  }

  /**
   * Traces each pair step getStats() shows for the first time (see the header). Asked again
   * while a read is under way, it reads once more after it, not once per ask: a burst of
   * candidates and state changes while connecting costs two reads, not ten.
   */
  private traceChecks(): Promise<void> {
    this.checksWanted = true;
    if (!this.checksRunning) this.checks = this.runChecks();
    return this.checks;
  }

  private async runChecks(): Promise<void> {
    this.checksRunning = true;
    try {
      while (this.checksWanted && !this.closed) {
        this.checksWanted = false;
        await this.readChecks();
      }
    } finally {
      this.checksRunning = false;
    }
  }

  private async readChecks(): Promise<void> {
    const stats = await this.getStats();
    if (this.closed) return;
    for (const { pair, steps } of pairSteps(candidatePairs(stats))) {
      for (const step of steps) {
        const key = `${pair.id} ${step}`;
        if (this.checksTraced.has(key)) continue;
        this.checksTraced.add(key);
        this.opts.emit({ type: 'ice-check', peer: this.id, pair: pair.id.slice(0, 256), step, local: candidateShort(pair.local), remote: candidateShort(pair.remote) });
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  private syncState(machine: PeerMachine): void {
    if (!this.pc) return;
    this.emitState(machine, readState(this.pc, machine));
  }

  /** First call per machine always emits (the initial value); later ones only on change. */
  private emitState(machine: PeerMachine, value: string): void {
    const key = MACHINES.find(([m]) => m === machine)![2];
    if (this.seen.has(machine) && this.current[key] === value) return;
    this.seen.add(machine);
    (this.current as unknown as Record<string, string>)[key] = value;
    this.opts.emit({ type: 'state', peer: this.id, machine, value });
  }

  private api(call: string, ok: boolean, detail?: string): void {
    this.opts.emit(
      detail === undefined
        ? { type: 'api', peer: this.id, call, ok }
        : { type: 'api', peer: this.id, call, ok, detail },
    );
  }

  /**
   * Runs one async API call and traces it; a rejection becomes ok:false, never a throw.
   * `detail` may be read from the result (an offer's new ufrag).
   */
  private async call<T>(call: string, fn: () => Promise<T>, detail?: string | ((value: T) => string)): Promise<CallResult<T>> {
    try {
      const value = await fn();
      this.api(call, true, typeof detail === 'function' ? detail(value) : detail);
      return { ok: true, value };
    } catch (err) {
      this.api(call, false, errorText(err));
      return { ok: false };
    }
  }

  private callSync<T>(call: string, fn: () => T, detail?: string): CallResult<T> {
    try {
      const value = fn();
      this.api(call, true, detail);
      return { ok: true, value };
    } catch (err) {
      this.api(call, false, errorText(err));
      return { ok: false };
    }
  }

  private listen(target: EventTarget, type: string, fn: (ev: Event) => void): void {
    target.addEventListener(type, fn);
    this.detach.push(() => target.removeEventListener(type, fn));
  }
}

/** A short, credential-free summary of the RTCConfiguration for the trace. */
function describeConfig(config: RTCConfiguration): string {
  const urls = (config.iceServers ?? []).flatMap((s) => (Array.isArray(s.urls) ? s.urls : [s.urls]));
  return `iceServers: ${urls.length ? urls.join(' ') : 'none'}; iceTransportPolicy: ${config.iceTransportPolicy ?? 'all'}`;
}
