/**
 * A small but honest fake RTCPeerConnection for Node unit tests.
 *
 * It implements what LabPeer uses, with the browser's rules and error names:
 * - createOffer/createAnswer return plausible data-channel SDP (shaped like Chromium 156's).
 * - setLocalDescription/setRemoteDescription walk the JSEP signalling state machine
 *   (RFC 8829 §3.2; webrtc-pc "RTCSignalingState") and reject in the wrong state with
 *   InvalidStateError, or InvalidModificationError for an SDP that createOffer/createAnswer
 *   did not produce, with Chromium's messages. A remote offer in have-local-offer rolls back
 *   implicitly, as current browsers do.
 * - addIceCandidate rejects while there is no remote description (InvalidStateError "The
 *   remote description was null"), rejects candidates without sdpMid/sdpMLineIndex
 *   (TypeError) and unparsable ones (OperationError). Like Chromium 156 (and unlike the letter
 *   of the spec) an end-of-candidates (no argument, or candidate '') resolves even before a
 *   remote description.
 * - close() sets the states to 'closed' without firing events, like a browser.
 * - Gathered candidates are added to localDescription as a=candidate lines, and a=candidate
 *   lines in a remote description count as remote candidates (vanilla ICE). Rolling back a
 *   local offer resets iceGatheringState to 'new', as Chromium 156 does.
 * - Negotiated data channels ({negotiated: true, id}) pair up by id and fire no 'datachannel'.
 *   Other channels get their id when the connection is up, by DTLS role as Chromium 156 does
 *   (the answerer, `a=setup:active`, is the client and takes even ids; RFC 8832 §6), and the
 *   far end learns the creator's options, as DCEP carries them. A channel created once
 *   connected opens at once. Chromium's refusals: both maxRetransmits and maxPacketLifeTime
 *   (TypeError), an id above 65534 (TypeError), a negotiated id in use (OperationError).
 * - getStats() reports the 'transport' (dtlsRole, dtlsState, the certificate ids) and both
 *   'certificate's once connected, with the fingerprints the descriptions carry.
 * - restartIce() (or createOffer({iceRestart: true})) makes the next offer carry a new ufrag
 *   and pwd; a remote offer with a new ufrag makes the answer carry new ones too (RFC 8445 §9,
 *   RFC 8839 §4.4.1.1.1). Applying new credentials starts gathering again (state 'new', so a
 *   test gathers the new generation); the connection stays up, as in Chromium.
 *
 * Things a browser does by itself are triggered by the test: `gather()`,
 * `completeGathering()`, `setIceConnectionState()`, `setConnectionState()`,
 * `failCandidate()`, and `pairFakes(a, b).connect()`, which "connects" two fakes so that data
 * channel messages from one arrive at the other.
 */

const PREFIX = (call: string) => `Failed to execute '${call}' on 'RTCPeerConnection': `;

function domError(name: string, call: string, message: string): DOMException {
  return new DOMException(PREFIX(call) + message, name);
}

/** Fires `ev` at `target`, calling an `on<type>` handler property first, as browsers do. */
function fire(target: EventTarget, ev: Event): void {
  const handler = (target as unknown as Record<string, unknown>)[`on${ev.type}`];
  if (typeof handler === 'function') (handler as (e: Event) => void).call(target, ev);
  target.dispatchEvent(ev);
}

function eventWith<T extends object>(type: string, fields: T): Event & T {
  return Object.assign(new Event(type), fields);
}

let counter = 0;
function nextId(): number {
  counter += 1;
  return counter;
}

function randomChars(n: number, alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[Math.floor(Math.random() * alphabet.length)];
  return s;
}

function fakeFingerprint(): string {
  return Array.from({ length: 32 }, () => Math.floor(Math.random() * 256).toString(16).padStart(2, '0').toUpperCase()).join(':');
}

/** a=ice-ufrag of the first section that has one. */
export function sdpUfrag(sdp: string): string | null {
  return /^a=ice-ufrag:(\S+)/m.exec(sdp)?.[1] ?? null;
}

/** The a=mid values, in m-line order. */
export function sdpMids(sdp: string): string[] {
  return [...sdp.matchAll(/^a=mid:(\S+)/gm)].map((m) => m[1]!);
}

/** The parts of RTCIceCandidate that LabPeer reads, plus toJSON(). */
export class FakeIceCandidate {
  readonly candidate: string;
  readonly sdpMid: string | null;
  readonly sdpMLineIndex: number | null;
  readonly usernameFragment: string | null;
  constructor(init: RTCIceCandidateInit) {
    this.candidate = init.candidate ?? '';
    this.sdpMid = init.sdpMid ?? null;
    this.sdpMLineIndex = init.sdpMLineIndex ?? null;
    this.usernameFragment = init.usernameFragment ?? null;
  }
  toJSON(): RTCIceCandidateInit {
    return {
      candidate: this.candidate,
      sdpMid: this.sdpMid,
      sdpMLineIndex: this.sdpMLineIndex,
      usernameFragment: this.usernameFragment,
    };
  }
}

const textOf = (buffer: ArrayBuffer) => new TextDecoder().decode(buffer);

export class FakeDataChannel extends EventTarget {
  readonly label: string;
  readonly ordered: boolean;
  readonly maxRetransmits: number | null;
  readonly maxPacketLifeTime: number | null;
  readonly protocol: string;
  readonly negotiated: boolean;
  /** Set by the connection once SCTP is up, unless negotiated. */
  id: number | null;
  binaryType: BinaryType = 'arraybuffer';
  readyState: RTCDataChannelState = 'connecting';
  /** Every message this end sent, in order: a binary one as its UTF-8 text. */
  readonly sent: string[] = [];
  /** Every message this end received, in order (binary ones as UTF-8 text). */
  readonly received: string[] = [];
  /** How many of the received messages were binary (PPID binary, RFC 8831 §8). */
  receivedBinary = 0;
  /** The other end, once the pair is connected. */
  remote: FakeDataChannel | null = null;
  onopen: ((ev: Event) => void) | null = null;
  onclose: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;

  constructor(label: string, init: RTCDataChannelInit = {}) {
    super();
    this.label = label;
    this.negotiated = init.negotiated ?? false;
    this.id = this.negotiated ? (init.id ?? null) : null;
    this.ordered = init.ordered ?? true;
    this.maxRetransmits = init.maxRetransmits ?? null;
    this.maxPacketLifeTime = init.maxPacketLifeTime ?? null;
    this.protocol = init.protocol ?? '';
  }

  /** The options the far end learns from DCEP's DATA_CHANNEL_OPEN (RFC 8832 §5.1). */
  get init(): RTCDataChannelInit {
    return { ordered: this.ordered, maxRetransmits: this.maxRetransmits ?? undefined, maxPacketLifeTime: this.maxPacketLifeTime ?? undefined, protocol: this.protocol };
  }

  send(data: string | ArrayBuffer | ArrayBufferView): void {
    if (this.readyState !== 'open') {
      throw new DOMException(
        "Failed to execute 'send' on 'RTCDataChannel': RTCDataChannel.readyState is not 'open'",
        'InvalidStateError',
      );
    }
    // A binary message is copied, as the wire would: the sender may reuse its buffer.
    const message = typeof data === 'string' ? data : ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice().buffer : data.slice(0);
    this.sent.push(typeof message === 'string' ? message : textOf(message));
    const remote = this.remote;
    // Delivery is asynchronous, as over a real SCTP association.
    if (remote) queueMicrotask(() => remote.deliver(message as string | ArrayBuffer));
  }

  close(): void {
    if (this.readyState === 'closing' || this.readyState === 'closed') return;
    this.readyState = 'closing';
    const remote = this.remote;
    queueMicrotask(() => {
      this.markClosed();
      remote?.markClosed();
    });
  }

  /** @internal */
  markOpen(): void {
    if (this.readyState !== 'connecting') return;
    this.readyState = 'open';
    fire(this, new Event('open'));
  }

  /** @internal */
  markClosed(silent = false): void {
    if (this.readyState === 'closed') return;
    this.readyState = 'closed';
    if (!silent) fire(this, new Event('close'));
  }

  private deliver(data: string | ArrayBuffer): void {
    if (this.readyState !== 'open') return;
    this.received.push(typeof data === 'string' ? data : textOf(data));
    if (typeof data !== 'string') this.receivedBinary += 1;
    fire(this, new MessageEvent('message', { data }));
  }
}

export interface GatherOptions {
  type?: 'host' | 'srflx' | 'relay';
  /** Defaults to an mDNS name, as Chromium hides host IPs by default. */
  address?: string;
  port?: number;
  protocol?: 'udp' | 'tcp';
}

export class FakePeerConnection extends EventTarget {
  readonly config: RTCConfiguration;
  signalingState: RTCSignalingState = 'stable';
  iceGatheringState: RTCIceGatheringState = 'new';
  iceConnectionState: RTCIceConnectionState = 'new';
  connectionState: RTCPeerConnectionState = 'new';
  localDescription: RTCSessionDescriptionInit | null = null;
  remoteDescription: RTCSessionDescriptionInit | null = null;
  /** Every candidate addIceCandidate accepted, in order; null is an end-of-candidates. */
  readonly remoteCandidates: Array<RTCIceCandidateInit | null> = [];
  /** Names of the API methods called, in order. */
  readonly calls: string[] = [];
  /** Channels created here or announced by the remote side. */
  readonly channels: FakeDataChannel[] = [];
  /** Called synchronously when a local description is applied, before its promise resolves. */
  onLocalDescriptionApplied: ((pc: FakePeerConnection) => void) | null = null;
  /** The other fake, set by pairFakes(). */
  peer: FakePeerConnection | null = null;

  onicecandidate: ((ev: Event) => void) | null = null;
  ondatachannel: ((ev: Event) => void) | null = null;

  private readonly sessionId = String(Math.floor(Math.random() * 1e15)) + String(nextId());
  private sdpVersion = 1;
  private ufrag = randomChars(4);
  private pwd = randomChars(24);
  /** New credentials for the next description, after restartIce() or a remote restart offer. */
  private restartCreds: { ufrag: string; pwd: string } | null = null;
  /** @internal */
  readonly fingerprint = fakeFingerprint();
  private lastCreated: { offer?: string; answer?: string } = {};
  private closed = false;
  private candidateCount = 0;
  private negotiationNeededQueued = false;

  constructor(config: RTCConfiguration = {}) {
    super();
    this.config = config;
    for (const s of config.iceServers ?? []) {
      for (const url of Array.isArray(s.urls) ? s.urls : [s.urls]) {
        if (!/^(stuns?|turns?):/.test(url)) {
          throw new DOMException(`Failed to construct 'RTCPeerConnection': '${url}' is not a valid stun or turn URL.`, 'SyntaxError');
        }
      }
    }
  }

  // ------------------------------------------------------------------ API

  createDataChannel(label: string, init: RTCDataChannelInit = {}): FakeDataChannel {
    this.calls.push('createDataChannel');
    if (this.closed) throw this.closedError('createDataChannel');
    if (init.negotiated && init.id == null) {
      throw new TypeError("Failed to execute 'createDataChannel' on 'RTCPeerConnection': RTCDataChannel ID is required when negotiated is true");
    }
    if (init.maxRetransmits != null && init.maxPacketLifeTime != null) {
      throw new TypeError(PREFIX('createDataChannel') + 'RTCDataChannel cannot have both max retransmits and max lifetime');
    }
    if (init.negotiated && init.id! > 65534) throw new TypeError(PREFIX('createDataChannel') + 'RTCDataChannel cannot have id > 65534');
    if (init.negotiated && this.channels.some((c) => c.id === init.id && c.readyState !== 'closed')) {
      throw domError('OperationError', 'createDataChannel', 'RTCDataChannel creation failed');
    }
    const ch = new FakeDataChannel(label, init);
    this.channels.push(ch);
    // Once SCTP is up, a new channel opens at once (asynchronously, as in a browser).
    if (this.connectionState === 'connected' && this.peer) {
      const peer = this.peer;
      queueMicrotask(() => openChannels(this, peer));
    }
    // webrtc-pc: the first data channel makes negotiation needed (fired as a task).
    if (this.channels.length === 1 && !this.negotiationNeededQueued) {
      this.negotiationNeededQueued = true;
      queueMicrotask(() => {
        if (!this.closed && this.signalingState === 'stable') fire(this, new Event('negotiationneeded'));
      });
    }
    return ch;
  }

  /** webrtc-pc restartIce(): the next offer gets new ICE credentials; negotiation is needed. */
  restartIce(): void {
    this.calls.push('restartIce');
    if (this.closed) return;
    this.restartCreds ??= { ufrag: randomChars(4), pwd: randomChars(24) };
    queueMicrotask(() => {
      if (!this.closed && this.signalingState === 'stable') fire(this, new Event('negotiationneeded'));
    });
  }

  /** The ufrag this end's current credentials use (new ones once a restart is applied). */
  get localUfrag(): string {
    return this.ufrag;
  }

  async createOffer(options?: RTCOfferOptions): Promise<RTCSessionDescriptionInit> {
    this.calls.push('createOffer');
    if (options?.iceRestart) this.restartCreds ??= { ufrag: randomChars(4), pwd: randomChars(24) };
    await Promise.resolve();
    if (this.closed) throw this.closedError('createOffer');
    if (this.signalingState !== 'stable' && this.signalingState !== 'have-local-offer') {
      throw domError('InvalidStateError', 'createOffer', 'PeerConnection cannot create an offer in a state other than stable or have-local-offer.');
    }
    const sdp = this.buildSdp('actpass', this.channels.length > 0 ? ['0'] : []);
    this.lastCreated.offer = sdp;
    return { type: 'offer', sdp };
  }

  async createAnswer(): Promise<RTCSessionDescriptionInit> {
    this.calls.push('createAnswer');
    await Promise.resolve();
    if (this.closed) throw this.closedError('createAnswer');
    if (this.signalingState !== 'have-remote-offer' && this.signalingState !== 'have-local-pranswer') {
      throw domError(
        'InvalidStateError',
        'createAnswer',
        'PeerConnection cannot create an answer in a state other than have-remote-offer or have-local-pranswer.',
      );
    }
    // The answer has the offer's m-sections, in the offer's order (RFC 8829 §5.3.1).
    const sdp = this.buildSdp('active', sdpMids(this.remoteDescription?.sdp ?? ''));
    this.lastCreated.answer = sdp;
    return { type: 'answer', sdp };
  }

  async setLocalDescription(desc?: RTCSessionDescriptionInit): Promise<void> {
    this.calls.push('setLocalDescription');
    await Promise.resolve();
    if (this.closed) throw this.closedError('setLocalDescription');
    let type = desc?.type;
    let sdp = desc?.sdp;
    if (type === 'rollback') return this.rollback('setLocalDescription');
    if (!type || !sdp) {
      // Implicit description (webrtc-pc setLocalDescription() with no SDP).
      type ??= this.signalingState === 'have-remote-offer' || this.signalingState === 'have-local-pranswer' ? 'answer' : 'offer';
      sdp = (type === 'offer' ? await this.createOffer() : await this.createAnswer()).sdp!;
      this.calls.pop();
    }
    if ((type === 'offer' && sdp !== this.lastCreated.offer) || ((type === 'answer' || type === 'pranswer') && sdp !== this.lastCreated.answer)) {
      throw domError('InvalidModificationError', 'setLocalDescription', 'The SDP does not match the previously generated SDP for this type');
    }
    const s = this.signalingState;
    let next: RTCSignalingState | null = null;
    if (type === 'offer' && (s === 'stable' || s === 'have-local-offer')) next = 'have-local-offer';
    if (type === 'answer' && (s === 'have-remote-offer' || s === 'have-local-pranswer')) next = 'stable';
    if (type === 'pranswer' && (s === 'have-remote-offer' || s === 'have-local-pranswer')) next = 'have-local-pranswer';
    if (!next) {
      throw domError('InvalidStateError', 'setLocalDescription', `Failed to set local ${type} sdp: Called in wrong state: ${s}`);
    }
    this.localDescription = { type, sdp };
    const restarted = this.restartCreds && sdpUfrag(sdp) === this.restartCreds.ufrag;
    if (restarted) {
      // New credentials in use: a new generation of candidates is gathered (RFC 8445 §9).
      ({ ufrag: this.ufrag, pwd: this.pwd } = this.restartCreds!);
      this.restartCreds = null;
    }
    this.setSignalingState(next);
    if (restarted) this.setGatheringState('new');
    this.onLocalDescriptionApplied?.(this);
    this.maybeAutoConnect();
  }

  async setRemoteDescription(desc: RTCSessionDescriptionInit): Promise<void> {
    this.calls.push('setRemoteDescription');
    await Promise.resolve();
    if (this.closed) throw this.closedError('setRemoteDescription');
    if (desc.type === 'rollback') return this.rollback('setRemoteDescription');
    const sdp = desc.sdp ?? '';
    if (!sdp.startsWith('v=0')) {
      throw domError('OperationError', 'setRemoteDescription', `Failed to parse SessionDescription. ${sdp.split(/\r?\n/)[0]} Expect line: v=`);
    }
    if (!/\r?\no=/.test(sdp)) {
      throw domError('OperationError', 'setRemoteDescription', 'Failed to parse SessionDescription.  Expect line: o=');
    }
    const s = this.signalingState;
    let next: RTCSignalingState | null = null;
    if (desc.type === 'offer') {
      if (s === 'have-local-offer') {
        // Implicit rollback (webrtc-pc, "set the RTCSessionDescription"), as Chromium does.
        this.localDescription = null;
        this.setSignalingState('stable');
        this.setGatheringState('new');
        next = 'have-remote-offer';
      } else if (s === 'stable' || s === 'have-remote-offer') next = 'have-remote-offer';
    }
    if (desc.type === 'answer' && (s === 'have-local-offer' || s === 'have-remote-pranswer')) next = 'stable';
    if (desc.type === 'pranswer' && (s === 'have-local-offer' || s === 'have-remote-pranswer')) next = 'have-remote-pranswer';
    if (!next) {
      throw domError('InvalidStateError', 'setRemoteDescription', `Failed to set remote ${desc.type} sdp: Called in wrong state: ${s}`);
    }
    const before = sdpUfrag(this.remoteDescription?.sdp ?? '');
    // The remote side restarted ICE: our answer must bring new credentials too (RFC 8839 §4.4.1.1.1).
    if (desc.type === 'offer' && before !== null && sdpUfrag(sdp) !== before) this.restartCreds ??= { ufrag: randomChars(4), pwd: randomChars(24) };
    this.remoteDescription = { type: desc.type, sdp };
    // Candidates inside the description (vanilla ICE) are remote candidates too.
    for (const m of sdp.matchAll(/^a=(candidate:[^\r\n]*)/gm)) {
      this.remoteCandidates.push({ candidate: m[1]!, sdpMid: sdpMids(sdp)[0] ?? '0', sdpMLineIndex: 0 });
    }
    this.setSignalingState(next);
    this.maybeAutoConnect();
  }

  async addIceCandidate(init?: RTCIceCandidateInit | null): Promise<void> {
    this.calls.push('addIceCandidate');
    const cand = init?.candidate ?? '';
    // webrtc-pc addIceCandidate() step 1, checked before the operation is chained.
    if (cand !== '' && init?.sdpMid == null && init?.sdpMLineIndex == null) {
      throw new TypeError(PREFIX('addIceCandidate') + 'Candidate missing values for both sdpMid and sdpMLineIndex');
    }
    await Promise.resolve();
    if (this.closed) throw this.closedError('addIceCandidate');
    if (cand === '') {
      // End-of-candidates. Chromium 156 resolves this even with no remote description.
      this.remoteCandidates.push(null);
      return;
    }
    if (!this.remoteDescription) {
      throw domError('InvalidStateError', 'addIceCandidate', 'The remote description was null');
    }
    const mids = sdpMids(this.remoteDescription.sdp ?? '');
    const midOk = init!.sdpMid != null ? mids.includes(init!.sdpMid) : (init!.sdpMLineIndex ?? -1) < mids.length;
    const ufrag = init!.usernameFragment;
    const ufragOk = ufrag == null || ufrag === sdpUfrag(this.remoteDescription.sdp ?? '');
    if (!/^candidate:\S+ \d+ (udp|tcp) \d+ \S+ \d+ typ (host|srflx|prflx|relay)\b/i.test(cand) || !midOk || !ufragOk) {
      throw domError('OperationError', 'addIceCandidate', 'Error processing ICE candidate');
    }
    this.remoteCandidates.push({ ...init! });
    this.maybeAutoConnect();
  }

  close(): void {
    this.calls.push('close');
    if (this.closed) return;
    this.closed = true;
    // webrtc-pc close(): the states change but no event fires.
    this.signalingState = 'closed';
    this.iceConnectionState = 'closed';
    this.connectionState = 'closed';
    for (const ch of this.channels) {
      const remote = ch.remote;
      ch.readyState = 'closing';
      // Chromium fires 'close' on our channels a moment later, and the remote end sees an
      // SCTP abort and closes its channel too.
      queueMicrotask(() => {
        ch.markClosed();
        remote?.markClosed();
      });
    }
  }

  // ------------------------------------------------------------------ test controls

  /** Gathers one local candidate and fires icecandidate. Only after setLocalDescription (JSEP §3.5.1). */
  gather(opts: GatherOptions | string = {}): FakeIceCandidate {
    if (this.closed) throw new Error('fake: closed connections do not gather');
    if (!this.localDescription) throw new Error('fake: gathering starts at setLocalDescription (RFC 8829 §3.5.1)');
    if (this.iceGatheringState === 'complete') throw new Error('fake: gathering is already complete');
    const mid = sdpMids(this.localDescription.sdp ?? '')[0] ?? '0';
    let candidate: string;
    if (typeof opts === 'string') candidate = opts;
    else {
      this.candidateCount += 1;
      const type = opts.type ?? 'host';
      const protocol = opts.protocol ?? 'udp';
      const address = opts.address ?? `${crypto.randomUUID()}.local`;
      const port = opts.port ?? 40000 + this.candidateCount;
      const priority = { host: 2113937151, srflx: 1677729535, relay: 41885695 }[type] - this.candidateCount;
      const related = type === 'host' ? '' : ' raddr 0.0.0.0 rport 0';
      candidate = `candidate:${1000 + this.candidateCount} 1 ${protocol} ${priority} ${address} ${port} typ ${type}${related} generation 0 ufrag ${this.ufrag} network-cost 999`;
    }
    if (this.iceGatheringState === 'new') this.setGatheringState('gathering');
    // Like a browser, the local description now lists the candidate (webrtc-pc localDescription).
    const local = this.localDescription;
    this.localDescription = { type: local.type, sdp: `${local.sdp ?? ''}a=${candidate}\r\n` };
    const c = new FakeIceCandidate({ candidate, sdpMid: mid, sdpMLineIndex: 0, usernameFragment: this.ufrag });
    fire(this, eventWith('icecandidate', { candidate: c }));
    return c;
  }

  /** Gathering is done: icegatheringstatechange 'complete', then the null candidate. */
  completeGathering(): void {
    if (this.closed) return;
    if (!this.localDescription) throw new Error('fake: gathering starts at setLocalDescription (RFC 8829 §3.5.1)');
    if (this.iceGatheringState === 'new') this.setGatheringState('gathering');
    this.setGatheringState('complete');
    fire(this, eventWith('icecandidate', { candidate: null }));
  }

  /** Fires icecandidateerror, e.g. 701 for an unreachable STUN server. */
  failCandidate(errorCode: number, errorText: string, url: string): void {
    fire(this, eventWith('icecandidateerror', { errorCode, errorText, url, address: null, port: null }));
  }

  setIceConnectionState(state: RTCIceConnectionState): void {
    if (this.closed || this.iceConnectionState === state) return;
    this.iceConnectionState = state;
    fire(this, new Event('iceconnectionstatechange'));
  }

  setConnectionState(state: RTCPeerConnectionState): void {
    if (this.closed || this.connectionState === state) return;
    this.connectionState = state;
    fire(this, new Event('connectionstatechange'));
  }

  /** 'client' for the side whose description said a=setup:active (RFC 8842 §5.2), once connected. */
  get dtlsRole(): 'client' | 'server' | 'unknown' {
    if (this.connectionState !== 'connected') return 'unknown';
    return /^a=setup:active/m.test(this.localDescription?.sdp ?? '') ? 'client' : 'server';
  }

  /** transport and certificate stats, shaped like Chromium 156's. */
  async getStats(): Promise<Map<string, Record<string, unknown>>> {
    await Promise.resolve();
    const report = new Map<string, Record<string, unknown>>();
    const up = this.connectionState === 'connected' && this.peer;
    const certs = up ? [this.fingerprint, this.peer!.fingerprint] : [];
    for (const fp of certs) report.set(`CF${fp}`, { id: `CF${fp}`, type: 'certificate', fingerprint: fp, fingerprintAlgorithm: 'sha-256' });
    report.set('T01', {
      id: 'T01',
      type: 'transport',
      dtlsRole: this.dtlsRole,
      dtlsState: up ? 'connected' : 'new',
      ...(up ? { tlsVersion: 'FEFC', localCertificateId: `CF${certs[0]}`, remoteCertificateId: `CF${certs[1]}` } : {}),
    });
    return report;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** True once ICE could succeed: descriptions exchanged and at least one remote candidate. */
  get readyToConnect(): boolean {
    const p = this.peer;
    if (!p || this.closed || p.closed) return false;
    const both = [this, p].every((x) => x.signalingState === 'stable' && x.localDescription && x.remoteDescription);
    if (!both) return false;
    // One offer, one answer. Two answers (glare, both sides answered the other's offer) leave
    // both DTLS ends 'active' and each side checking credentials the other rolled back.
    if (this.localDescription!.type === p.localDescription!.type) return false;
    const matches =
      sdpUfrag(this.remoteDescription!.sdp ?? '') === p.ufrag && sdpUfrag(p.remoteDescription!.sdp ?? '') === this.ufrag;
    // One side knowing a candidate is enough: the other learns a peer-reflexive one from
    // the first check it receives (RFC 8445 §7.3.1.3).
    const anyCandidate = [this, p].some((x) => x.remoteCandidates.some((c) => c !== null));
    return matches && anyCandidate;
  }

  /** @internal */
  autoConnect = false;
  /** @internal */
  maybeAutoConnect(): void {
    if (this.autoConnect && this.connectionState === 'new' && this.readyToConnect) {
      queueMicrotask(() => {
        if (this.connectionState === 'new' && this.readyToConnect) connectFakes(this, this.peer!);
      });
    }
  }

  // ------------------------------------------------------------------ internals

  private setSignalingState(state: RTCSignalingState): void {
    if (this.signalingState === state) return;
    this.signalingState = state;
    fire(this, new Event('signalingstatechange'));
  }

  private setGatheringState(state: RTCIceGatheringState): void {
    if (this.iceGatheringState === state) return;
    this.iceGatheringState = state;
    fire(this, new Event('icegatheringstatechange'));
  }

  private rollback(call: string): void {
    if (this.signalingState === 'stable') {
      throw domError('InvalidStateError', call, 'Called in wrong signalingState: stable');
    }
    const localOffer = this.signalingState === 'have-local-offer';
    if (localOffer) this.localDescription = null;
    if (this.signalingState === 'have-remote-offer') this.remoteDescription = null;
    this.setSignalingState('stable');
    if (localOffer) this.setGatheringState('new');
  }

  private closedError(call: string): DOMException {
    return domError('InvalidStateError', call, "The RTCPeerConnection's signalingState is 'closed'.");
  }

  private buildSdp(setup: 'actpass' | 'active', mids: string[]): string {
    const { ufrag, pwd } = this.restartCreds ?? { ufrag: this.ufrag, pwd: this.pwd };
    const lines = ['v=0', `o=- ${this.sessionId} ${this.sdpVersion++} IN IP4 127.0.0.1`, 's=-', 't=0 0'];
    if (mids.length) lines.push(`a=group:BUNDLE ${mids.join(' ')}`);
    lines.push('a=extmap-allow-mixed', 'a=msid-semantic: WMS');
    for (const mid of mids) {
      lines.push(
        'm=application 9 UDP/DTLS/SCTP webrtc-datachannel',
        'c=IN IP4 0.0.0.0',
        `a=ice-ufrag:${ufrag}`,
        `a=ice-pwd:${pwd}`,
        'a=ice-options:trickle',
        `a=fingerprint:sha-256 ${this.fingerprint}`,
        `a=setup:${setup}`,
        `a=mid:${mid}`,
        'a=sctp-port:5000',
        'a=max-message-size:262144',
      );
    }
    return lines.join('\r\n') + '\r\n';
  }

}

/**
 * Drives two paired fakes through ICE and DTLS the way Chromium orders the events, then
 * opens every data channel: the creator's end fires 'open', the other end is announced with
 * 'datachannel' (already open, as in Chromium) and then fires 'open'. If ICE could not have
 * succeeded (see readyToConnect) both sides go checking -> failed instead.
 */
function connectFakes(a: FakePeerConnection, b: FakePeerConnection): boolean {
  if (a.isClosed || b.isClosed) return false;
  const ok = a.readyToConnect;
  a.setIceConnectionState('checking');
  a.setConnectionState('connecting');
  b.setIceConnectionState('checking');
  b.setConnectionState('connecting');
  if (!ok) {
    for (const pc of [a, b]) {
      pc.setIceConnectionState('failed');
      pc.setConnectionState('failed');
    }
    return false;
  }
  for (const pc of [a, b]) pc.setIceConnectionState('connected');
  for (const pc of [a, b]) pc.setConnectionState('connected');
  openChannels(a, b);
  return true;
}

/**
 * Opens the channels of two connected fakes that are not open yet: negotiated ends meet by
 * id; the others get their id by the creator's DTLS role and are announced to the other side.
 */
function openChannels(a: FakePeerConnection, b: FakePeerConnection): void {
  if (a.isClosed || b.isClosed) return;
  // Negotiated channels: each side made its own end; they meet by id (webrtc-pc createDataChannel()).
  for (const ch of a.channels.filter((c) => c.negotiated && c.remote === null && c.readyState === 'connecting')) {
    const far = b.channels.find((c) => c.negotiated && c.id === ch.id && c.remote === null && c.readyState === 'connecting');
    if (!far) continue;
    ch.remote = far;
    far.remote = ch;
    ch.markOpen();
    far.markOpen();
  }
  for (const [owner, other] of [[a, b], [b, a]] as const) {
    // Channels created on `owner` that the other side has not been told about yet.
    for (const ch of owner.channels.filter((c) => !c.negotiated && c.remote === null && c.readyState === 'connecting')) {
      // The DTLS client takes even ids, the server odd ones (RFC 8832 §6), the lowest free.
      const used = new Set([...owner.channels, ...other.channels].map((c) => c.id));
      let id = owner.dtlsRole === 'client' ? 0 : 1;
      while (used.has(id)) id += 2;
      ch.id = id;
      const far = new FakeDataChannel(ch.label, ch.init);
      far.id = id;
      ch.remote = far;
      far.remote = ch;
      other.channels.push(far);
      ch.markOpen();
      // Chromium hands over the announced channel already open, then fires 'open' on it.
      far.readyState = 'open';
      fire(other, eventWith('datachannel', { channel: far }));
      if (far.readyState === 'open') fire(far, new Event('open'));
    }
  }
}

export interface FakePair {
  a: FakePeerConnection;
  b: FakePeerConnection;
  /** Connects now (ICE + DTLS + data channels). Returns false, and fails ICE, if it could not. */
  connect(): boolean;
}

/**
 * Links two fakes. With `autoConnect`, they connect on their own (in a microtask) as soon as
 * descriptions are exchanged and a candidate has been added, like two browsers on loopback.
 */
export function pairFakes(a: FakePeerConnection, b: FakePeerConnection, opts: { autoConnect?: boolean } = {}): FakePair {
  a.peer = b;
  b.peer = a;
  a.autoConnect = b.autoConnect = opts.autoConnect ?? false;
  return { a, b, connect: () => connectFakes(a, b) };
}

/**
 * A `createPeerConnection` for LabPeer that builds fakes and remembers them.
 */
export function fakePeerConnectionFactory(): {
  create: (config: RTCConfiguration) => RTCPeerConnection;
  instances: FakePeerConnection[];
} {
  const instances: FakePeerConnection[] = [];
  return {
    instances,
    create: (config) => {
      const pc = new FakePeerConnection(config);
      instances.push(pc);
      return pc as unknown as RTCPeerConnection;
    },
  };
}
