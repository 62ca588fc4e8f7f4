import { describe, expect, it } from 'vitest';
import { BUFFER_REASON, LabPeer, glareRole, type LabPeerOptions } from './lab-peer';
import { fakePeerConnectionFactory, pairFakes, type FakePair, type FakePeerConnection } from '../testing/fake-peer-connection';
import { SIGNAL_VERSION, type DirectedSignal, type Signal, type StatusSignal } from '../signalling/types';
import type { TraceEventBody } from '../trace/types';
import { loadSession } from '../ice/fixtures';

const SESSION = 'lab-1';
const NOW = 1_700_000_000_000;

/** One line per trace event, short enough to read a whole exchange in a table. */
function fmt(e: TraceEventBody): string {
  switch (e.type) {
    case 'state':
      return `${e.peer} state ${e.machine}=${e.value}`;
    case 'api':
      return `${e.peer} api ${e.call} ${e.ok ? 'ok' : 'FAIL'}`;
    case 'candidate-gathered':
      return `${e.peer} gathered ${e.candidate === null ? 'null' : 'candidate'}`;
    case 'candidate-buffered':
      return `${e.peer} buffered ${e.candidate === '' ? 'end-of-candidates' : 'candidate'}`;
    case 'candidates-flushed':
      return `${e.peer} flushed ${e.count}`;
    case 'remote-status':
      return `${e.peer} remote-status ${e.of} ${e.status}${e.will ? ' will' : ''}`;
    case 'channel':
      return `${e.peer} channel ${e.state}`;
    case 'chat':
      return `chat ${e.from}->${e.to} ${e.text}`;
    default:
      return e.type;
  }
}

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

function statusFrom(from: string, status: 'online' | 'offline', reason?: 'will' | 'bye'): StatusSignal {
  return { v: SIGNAL_VERSION, kind: 'status', from, session: SESSION, mid: `${from}-status`, ts: NOW, status, ...(reason ? { reason } : {}) };
}

/**
 * Two LabPeers on fakes, joined by an in-memory signal path: everything `send` hands over
 * lands in `outbox`; `deliver()` passes the undelivered ones to their recipient in order,
 * letting each settle, like the queue pressing Step.
 */
function lab(extra: Partial<LabPeerOptions> = {}, only: { alice?: Partial<LabPeerOptions>; bob?: Partial<LabPeerOptions> } = {}) {
  const trace: TraceEventBody[] = [];
  const outbox: DirectedSignal[] = [];
  const fakes = fakePeerConnectionFactory();
  const common = {
    session: SESSION,
    createPeerConnection: fakes.create,
    emit: (e: TraceEventBody) => trace.push(e),
    send: (s: DirectedSignal) => outbox.push(s),
    now: () => NOW,
    ...extra,
  };
  const alice = new LabPeer({ id: 'alice', remoteId: 'bob', role: 'offerer', ...common, ...only.alice });
  const bob = new LabPeer({ id: 'bob', remoteId: 'alice', role: 'answerer', ...common, ...only.bob });
  let cursor = 0;
  let seen = 0;
  const ctx = {
    pair: null as FakePair | null,
    trace,
    outbox,
    alice,
    bob,
    fakes,
    get fa(): FakePeerConnection {
      return fakes.instances[0]!;
    },
    get fb(): FakePeerConnection {
      return fakes.instances[1]!;
    },
    start() {
      alice.start();
      bob.start();
      ctx.pair = pairFakes(fakes.instances[0]!, fakes.instances[1]!);
      return ctx.pair;
    },
    peer(id: string): LabPeer {
      return id === 'alice' ? alice : bob;
    },
    /** Delivers every undelivered signal, optionally only those matching `which`, in order. */
    async deliver(which: (s: DirectedSignal) => boolean = () => true) {
      const pending = outbox.slice(cursor);
      cursor = outbox.length;
      for (const s of pending.filter(which)) {
        ctx.peer(s.to).handleSignal(s);
        await ctx.settle();
      }
    },
    async settle() {
      await alice.settled();
      await bob.settled();
      await tick();
    },
    /** Trace lines since the last call. */
    newTrace(): string[] {
      const lines = trace.slice(seen).map(fmt);
      seen = trace.length;
      return lines;
    },
    sent(): string[] {
      return outbox.map((s) => `${s.from}->${s.to} ${s.kind}`);
    },
  };
  return ctx;
}

type Lab = ReturnType<typeof lab>;

describe('LabPeer: the full alice/bob exchange', () => {
  const steps: Array<{ step: string; run: (l: Lab) => unknown; trace: string[]; sent: string[] }> = [
    {
      step: 'both start; only the offerer makes a channel',
      run: (l) => l.start(),
      trace: [
        'alice api RTCPeerConnection ok',
        'alice state signaling=stable',
        'alice state iceGathering=new',
        'alice state iceConnection=new',
        'alice state connection=new',
        'alice api createDataChannel ok',
        'bob api RTCPeerConnection ok',
        'bob state signaling=stable',
        'bob state iceGathering=new',
        'bob state iceConnection=new',
        'bob state connection=new',
        'alice api onnegotiationneeded ok',
      ],
      sent: [],
    },
    {
      step: 'bob is online: alice offers',
      run: (l) => l.alice.handleSignal(statusFrom('bob', 'online')),
      trace: [
        'alice remote-status bob online',
        'alice api createOffer ok',
        'alice state signaling=have-local-offer',
        'alice api setLocalDescription ok',
      ],
      sent: ['alice->bob offer'],
    },
    {
      step: 'alice gathers a candidate and completes',
      run: (l) => {
        l.fa.gather();
        l.fa.completeGathering();
      },
      trace: ['alice state iceGathering=gathering', 'alice gathered candidate', 'alice state iceGathering=complete', 'alice gathered null'],
      sent: ['alice->bob candidate', 'alice->bob end-of-candidates'],
    },
    {
      step: 'bob takes offer, candidate, end-of-candidates and answers',
      run: (l) => l.deliver(),
      trace: [
        'bob state signaling=have-remote-offer',
        'bob api setRemoteDescription ok',
        'bob api createAnswer ok',
        'bob state signaling=stable',
        'bob api setLocalDescription ok',
        'bob api addIceCandidate ok',
        'bob api addIceCandidate ok',
      ],
      sent: ['bob->alice answer'],
    },
    {
      step: 'bob gathers two candidates and completes',
      run: (l) => {
        l.fb.gather();
        l.fb.gather({ type: 'srflx', address: '203.0.113.9', port: 61000 });
        l.fb.completeGathering();
      },
      trace: [
        'bob state iceGathering=gathering',
        'bob gathered candidate',
        'bob gathered candidate',
        'bob state iceGathering=complete',
        'bob gathered null',
      ],
      sent: ['bob->alice candidate', 'bob->alice candidate', 'bob->alice end-of-candidates'],
    },
    {
      step: 'alice takes the answer and candidates',
      run: (l) => l.deliver(),
      trace: [
        'alice state signaling=stable',
        'alice api setRemoteDescription ok',
        'alice api addIceCandidate ok',
        'alice api addIceCandidate ok',
        'alice api addIceCandidate ok',
      ],
      sent: [],
    },
    {
      step: 'ICE and DTLS connect; both channels open',
      run: (l) => expect(l.fa.readyToConnect && l.pair!.connect()).toBe(true),
      trace: [
        'alice state iceConnection=checking',
        'alice state connection=connecting',
        'bob state iceConnection=checking',
        'bob state connection=connecting',
        'alice state iceConnection=connected',
        'bob state iceConnection=connected',
        'alice state connection=connected',
        'bob state connection=connected',
        'alice channel open',
        'bob api ondatachannel ok',
        'bob channel open',
      ],
      sent: [],
    },
    {
      step: 'chat both ways, traced once by the sender',
      run: (l) => {
        expect(l.alice.sendChat('hello bob')).toBe(true);
        expect(l.bob.sendChat('hi alice')).toBe(true);
      },
      trace: ['chat alice->bob hello bob', 'chat bob->alice hi alice'],
      sent: [],
    },
  ];

  it('runs step by step', async () => {
    const l = lab();
    for (const s of steps) {
      const before = l.outbox.length;
      await s.run(l);
      await l.settle();
      expect({ step: s.step, trace: l.newTrace() }).toEqual({ step: s.step, trace: s.trace });
      expect({ step: s.step, sent: l.sent().slice(before) }).toEqual({ step: s.step, sent: s.sent });
    }
    expect(l.alice.channelOpen && l.bob.channelOpen).toBe(true);
    expect(l.fb.channels[0]!.received).toEqual(['hello bob']);
    expect(l.fa.channels[0]!.received).toEqual(['hi alice']);
    expect(l.alice.states).toEqual({ signaling: 'stable', iceGathering: 'complete', iceConnection: 'connected', connection: 'connected' });
    // What reached the fakes is exactly what was gathered on the other side.
    expect(l.fb.remoteCandidates.map((c) => c?.candidate ?? null)).toEqual([
      ...l.outbox.filter((s) => s.from === 'alice' && s.kind === 'candidate').map((s) => (s.kind === 'candidate' ? s.candidate : '')),
      null,
    ]);
  });

  it('fills in the envelope: v, from, to, session, unique mid, ts; SDP as text', async () => {
    const l = lab();
    l.start();
    l.alice.handleSignal(statusFrom('bob', 'online'));
    await l.settle();
    l.fa.gather();
    await l.deliver();
    const mids = new Set(l.outbox.map((s) => s.mid));
    expect(mids.size).toBe(l.outbox.length);
    for (const s of l.outbox) {
      expect(s).toMatchObject({ v: SIGNAL_VERSION, session: SESSION, ts: NOW });
      expect(s.mid).toMatch(new RegExp(`^${s.from}-`));
    }
    const [offer, cand, answer] = l.outbox;
    // Trickle sends the createOffer() SDP: the local description minus the candidates gathered since.
    const withoutCandidates = l.fa.localDescription!.sdp!.replace(/^a=candidate:.*\r\n/gm, '');
    expect(offer).toMatchObject({ kind: 'offer', from: 'alice', to: 'bob', sdp: withoutCandidates });
    expect(offer!.kind === 'offer' && offer.sdp).not.toMatch(/a=candidate/);
    expect(Object.keys(offer!).slice(0, 7)).toEqual(['v', 'kind', 'from', 'to', 'session', 'mid', 'ts']);
    expect(cand).toMatchObject({ kind: 'candidate', sdpMid: '0', sdpMLineIndex: 0 });
    expect(cand!.kind === 'candidate' && cand.usernameFragment).toMatch(/^\S{4}$/);
    expect(answer).toMatchObject({ kind: 'answer', from: 'bob', to: 'alice' });
    expect(JSON.parse(JSON.stringify(offer))).toEqual(offer);
  });

  it('offers once per session, and traces every status including a will', async () => {
    const l = lab();
    l.start();
    l.newTrace();
    l.alice.handleSignal(statusFrom('bob', 'online'));
    l.alice.handleSignal(statusFrom('bob', 'offline', 'will'));
    l.alice.handleSignal(statusFrom('bob', 'online'));
    l.bob.handleSignal(statusFrom('alice', 'offline', 'bye'));
    await l.settle();
    expect(l.sent()).toEqual(['alice->bob offer']);
    // Each peer keeps its own order; the two peers' chains run independently.
    const statuses = l.newTrace().filter((t) => t.includes('remote-status'));
    expect(statuses.filter((t) => t.startsWith('alice'))).toEqual([
      'alice remote-status bob online',
      'alice remote-status bob offline will',
      'alice remote-status bob online',
    ]);
    expect(statuses.filter((t) => t.startsWith('bob'))).toEqual(['bob remote-status alice offline']);
  });
});

describe('LabPeer: trickle ICE ordering', () => {
  it('buffers remote candidates that arrive before the offer and flushes them in order', async () => {
    const l = lab();
    l.start();
    l.alice.handleSignal(statusFrom('bob', 'online'));
    await l.settle();
    const c1 = l.fa.gather();
    const c2 = l.fa.gather();
    l.fa.completeGathering();
    l.newTrace();
    // The reader reorders the queue: candidates first, the offer last.
    await l.deliver((s) => s.kind !== 'offer');
    const offer = l.outbox.find((s) => s.kind === 'offer')!;
    l.bob.handleSignal(offer);
    await l.settle();
    expect(l.newTrace()).toEqual([
      'bob buffered candidate',
      'bob buffered candidate',
      'bob buffered end-of-candidates',
      'bob state signaling=have-remote-offer',
      'bob api setRemoteDescription ok',
      'bob api addIceCandidate ok',
      'bob api addIceCandidate ok',
      'bob api addIceCandidate ok',
      'bob flushed 3',
      'bob api createAnswer ok',
      'bob state signaling=stable',
      'bob api setLocalDescription ok',
    ]);
    expect(l.trace.filter((e) => e.type === 'candidate-buffered').map((e) => e.type === 'candidate-buffered' && e.reason)).toEqual([
      BUFFER_REASON,
      BUFFER_REASON,
      BUFFER_REASON,
    ]);
    expect(l.fb.remoteCandidates.map((c) => c?.candidate ?? null)).toEqual([c1.candidate, c2.candidate, null]);
    expect(l.fb.calls.filter((c) => c === 'addIceCandidate')).toHaveLength(3);
  });

  it('buffers the answerer’s candidates at the offerer until the answer arrives', async () => {
    const l = lab();
    l.start();
    l.alice.handleSignal(statusFrom('bob', 'online'));
    await l.settle();
    await l.deliver(); // offer to bob
    l.fb.gather();
    l.newTrace();
    await l.deliver((s) => s.kind === 'candidate'); // bob's candidate overtakes the answer
    l.alice.handleSignal(l.outbox.find((s) => s.kind === 'answer')!);
    await l.settle();
    expect(l.newTrace()).toEqual([
      'alice buffered candidate',
      'alice state signaling=stable',
      'alice api setRemoteDescription ok',
      'alice api addIceCandidate ok',
      'alice flushed 1',
    ]);
  });

  it('processes one signal at a time: a candidate delivered during setRemoteDescription waits for it', async () => {
    const l = lab();
    l.start();
    l.alice.handleSignal(statusFrom('bob', 'online'));
    await l.settle();
    l.fa.gather();
    const [offer, cand] = l.outbox;
    l.newTrace();
    // Both handed over synchronously: without the internal chain, addIceCandidate would run
    // while setRemoteDescription is still pending.
    l.bob.handleSignal(offer!);
    l.bob.handleSignal(cand!);
    await l.settle();
    const lines = l.newTrace();
    expect(lines).not.toContain('bob buffered candidate');
    expect(lines.indexOf('bob api addIceCandidate ok')).toBeGreaterThan(lines.indexOf('bob api setLocalDescription ok'));
    expect(lines).not.toContain('bob api addIceCandidate FAIL');
  });

  it('sends local candidates gathered before its description only after it, in order', async () => {
    const l = lab();
    l.start();
    // Pooled candidates can be ready the moment the description is applied, before the app
    // has sent it (iceCandidatePoolSize; RFC 8838 §9: candidates follow the description).
    l.fa.onLocalDescriptionApplied = (pc) => {
      pc.gather({ port: 1 });
      pc.gather({ port: 2 });
    };
    l.fb.onLocalDescriptionApplied = (pc) => {
      pc.gather({ port: 3 });
      pc.completeGathering();
    };
    l.newTrace();
    l.alice.handleSignal(statusFrom('bob', 'online'));
    await l.settle();
    const trace = l.newTrace();
    expect(trace.indexOf('alice gathered candidate')).toBeLessThan(trace.indexOf('alice api setLocalDescription ok'));
    await l.deliver();
    expect(l.sent()).toEqual([
      'alice->bob offer',
      'alice->bob candidate',
      'alice->bob candidate',
      'bob->alice answer',
      'bob->alice candidate',
      'bob->alice end-of-candidates',
    ]);
    const ports = l.outbox.flatMap((s) => (s.kind === 'candidate' ? [s.candidate.split(' ')[5]] : []));
    expect(ports).toEqual(['1', '2', '3']);
  });
});

describe('LabPeer: refusing signals', () => {
  const base = { v: SIGNAL_VERSION, session: SESSION, mid: 'x-1', ts: NOW } as const;
  const sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\n';
  const cases: Array<{ name: string; to: 'alice' | 'bob'; signal: Signal; detail: RegExp }> = [
    { name: 'an offer to the offerer', to: 'alice', signal: { ...base, kind: 'offer', from: 'bob', to: 'alice', sdp }, detail: /ignored offer from bob: alice is the offerer/ },
    { name: 'an answer to the answerer', to: 'bob', signal: { ...base, kind: 'answer', from: 'alice', to: 'bob', sdp }, detail: /ignored answer from alice: bob is the answerer/ },
    { name: 'a signal for someone else', to: 'bob', signal: { ...base, kind: 'offer', from: 'alice', to: 'carol', sdp }, detail: /addressed to carol, not bob/ },
    { name: 'a signal from a stranger', to: 'bob', signal: { ...base, kind: 'offer', from: 'mallory', to: 'bob', sdp }, detail: /from mallory: expected signals from alice only/ },
    { name: 'a status from a stranger', to: 'alice', signal: { ...base, kind: 'status', from: 'mallory', status: 'online' }, detail: /ignored status from mallory/ },
    { name: 'another session', to: 'bob', signal: { ...base, session: 'other', kind: 'end-of-candidates', from: 'alice', to: 'bob' }, detail: /session "other" is not "lab-1"/ },
  ];

  it.each(cases)('ignores and traces $name', async ({ to, signal, detail }) => {
    const l = lab();
    l.start();
    await l.settle();
    l.newTrace();
    const fake = to === 'alice' ? l.fa : l.fb;
    const callsBefore = fake.calls.length;
    expect(() => l.peer(to).handleSignal(signal)).not.toThrow();
    await l.settle();
    const events = l.trace.slice(-1);
    expect(events).toEqual([{ type: 'api', peer: to, call: 'handleSignal', ok: false, detail: expect.stringMatching(detail) }]);
    expect(fake.calls.length).toBe(callsBefore);
    expect(l.outbox).toEqual([]);
  });

  it('ignores signals before start() and after close()', async () => {
    const l = lab();
    l.bob.handleSignal({ ...base, kind: 'end-of-candidates', from: 'alice', to: 'bob' });
    await l.settle();
    expect(l.newTrace()).toEqual(['bob api handleSignal FAIL']);
    expect(l.trace.at(-1)).toMatchObject({ detail: /peer not started/ });
    l.start();
    l.bob.close();
    l.bob.handleSignal({ ...base, kind: 'end-of-candidates', from: 'alice', to: 'bob' });
    await l.settle();
    expect(l.trace.at(-1)).toMatchObject({ call: 'handleSignal', detail: /peer is closed/ });
  });
});

describe('LabPeer: failures are traced, never thrown', () => {
  it('traces a rejected addIceCandidate and keeps processing later signals', async () => {
    const l = lab();
    l.start();
    l.alice.handleSignal(statusFrom('bob', 'online'));
    await l.settle();
    await l.deliver();
    l.newTrace();
    const bad: DirectedSignal = {
      v: SIGNAL_VERSION, kind: 'candidate', from: 'alice', to: 'bob', session: SESSION, mid: 'alice-x-99', ts: NOW,
      candidate: 'candidate:garbage', sdpMid: '0', sdpMLineIndex: 0,
    };
    expect(() => l.bob.handleSignal(bad)).not.toThrow();
    l.bob.handleSignal({ ...bad, mid: 'alice-x-100', candidate: l.fa.gather().candidate });
    await l.settle();
    const apis = l.trace.filter((e) => e.type === 'api' && e.call === 'addIceCandidate');
    expect(apis).toEqual([
      { type: 'api', peer: 'bob', call: 'addIceCandidate', ok: false, detail: "OperationError: Failed to execute 'addIceCandidate' on 'RTCPeerConnection': Error processing ICE candidate" },
      { type: 'api', peer: 'bob', call: 'addIceCandidate', ok: true, detail: expect.stringMatching(/^candidate:/) },
    ]);
  });

  it('traces a rejected setRemoteDescription, sends no answer, keeps candidates buffered', async () => {
    const l = lab();
    l.start();
    await l.settle();
    l.newTrace();
    const env = { v: SIGNAL_VERSION, from: 'alice', to: 'bob', session: SESSION, ts: NOW } as const;
    l.bob.handleSignal({ ...env, kind: 'offer', mid: 'a-1', sdp: 'not sdp' });
    l.bob.handleSignal({ ...env, kind: 'end-of-candidates', mid: 'a-2' });
    await l.settle();
    expect(l.newTrace()).toEqual(['bob api setRemoteDescription FAIL', 'bob buffered end-of-candidates']);
    expect(l.trace.find((e) => e.type === 'api' && !e.ok)).toMatchObject({ detail: /^OperationError: .*Failed to parse SessionDescription/ });
    expect(l.outbox).toEqual([]);
  });

  it('traces an answer in the wrong state as the browser reports it', async () => {
    const l = lab();
    l.start();
    l.alice.handleSignal(statusFrom('bob', 'online'));
    await l.settle();
    await l.deliver();
    const answer = l.outbox.find((s) => s.kind === 'answer')!;
    await l.deliver(); // applied once: stable
    l.alice.handleSignal({ ...answer, mid: 'bob-dup' });
    await l.settle();
    expect(l.trace.at(-1)).toEqual({
      type: 'api', peer: 'alice', call: 'setRemoteDescription', ok: false,
      detail: "InvalidStateError: Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': Failed to set remote answer sdp: Called in wrong state: stable",
    });
  });

  it('traces a throwing transport and a bad RTCConfiguration', async () => {
    const l = lab({ send: () => { throw new Error('broker gone'); } });
    l.start();
    l.alice.handleSignal(statusFrom('bob', 'online'));
    await l.settle();
    expect(l.trace.at(-1)).toMatchObject({ type: 'api', peer: 'alice', call: 'send', ok: false, detail: expect.stringMatching(/^offer alice-\w+-1: Error: broker gone$/) });

    const bad = lab({ rtcConfig: { iceServers: [{ urls: 'bogus:1.2.3.4' }] } });
    expect(() => bad.alice.start()).not.toThrow();
    expect(bad.newTrace()).toEqual(['alice api RTCPeerConnection FAIL']);
    expect(bad.alice.sendChat('x')).toBe(false);
  });

  it('traces icecandidateerror (e.g. an unreachable STUN server)', () => {
    const l = lab({ rtcConfig: { iceServers: [{ urls: 'stun:127.0.0.1:9', username: 'u', credential: 'secret' }] } });
    l.start();
    expect(l.trace[0]).toEqual({ type: 'api', peer: 'alice', call: 'RTCPeerConnection', ok: true, detail: 'iceServers: stun:127.0.0.1:9; iceTransportPolicy: all' });
    l.fa.failCandidate(701, 'STUN host lookup received error.', 'stun:127.0.0.1:9');
    expect(l.trace.at(-1)).toEqual({ type: 'api', peer: 'alice', call: 'onicecandidateerror', ok: false, detail: '701 STUN host lookup received error. (stun:127.0.0.1:9)' });
  });
});

describe('LabPeer: chat and close', () => {
  async function connected(extra: Partial<LabPeerOptions> = {}) {
    const l = lab(extra);
    const pair = l.start();
    l.alice.handleSignal(statusFrom('bob', 'online'));
    await l.settle();
    await l.deliver();
    l.fb.gather();
    await l.deliver();
    expect(pair.connect()).toBe(true);
    await l.settle();
    return l;
  }

  it('sends chat only while the channel is open', async () => {
    const l = lab();
    l.start();
    expect(l.alice.sendChat('too early')).toBe(false);
    expect(l.bob.sendChat('no channel yet')).toBe(false);
    expect(l.trace.filter((e) => e.type === 'chat')).toEqual([]);
    expect(l.trace.at(-1)).toEqual({ type: 'api', peer: 'bob', call: 'send', ok: false, detail: 'data channel not open' });

    const c = await connected();
    expect(c.alice.sendChat('now')).toBe(true);
    c.alice.close();
    await c.settle();
    expect(c.alice.channelOpen).toBe(false);
    expect(c.alice.sendChat('after close')).toBe(false);
    expect(c.trace.filter((e) => e.type === 'chat')).toEqual([{ type: 'chat', from: 'alice', to: 'bob', text: 'now' }]);
  });

  it('traceReceivedChat adds the receiving side (one peer per tab)', async () => {
    const l = await connected({ traceReceivedChat: true });
    l.newTrace();
    l.alice.sendChat('<b>hi</b>');
    await l.settle();
    expect(l.newTrace()).toEqual(['chat alice->bob <b>hi</b>', 'chat alice->bob <b>hi</b>']);
  });

  it('close() records the closed states itself and the remote channel closes', async () => {
    const l = await connected();
    l.newTrace();
    l.alice.close();
    l.alice.close();
    await l.settle();
    expect(l.newTrace()).toEqual([
      'alice api RTCDataChannel.close ok',
      'alice api close ok',
      'alice state signaling=closed',
      'alice state iceConnection=closed',
      'alice state connection=closed',
      'alice channel closed',
      'bob channel closed',
    ]);
    expect(l.alice.states).toEqual({ signaling: 'closed', iceGathering: 'new', iceConnection: 'closed', connection: 'closed' });
    expect(l.bob.channelOpen).toBe(false);
  });
});

/** Trace lines with the detail of failed or waiting API calls, for the glare and vanilla tables. */
function detailed(e: TraceEventBody): string {
  return e.type === 'api' && e.detail !== undefined ? `${fmt(e)}: ${e.detail}` : fmt(e);
}

describe('LabPeer: vanilla ICE', () => {
  /** settle() would wait for the gathering itself: the peer's signal chain is parked on it. */
  const ticks = async () => {
    for (let i = 0; i < 5; i++) await tick();
  };
  function vanillaLab() {
    let clock = NOW;
    const l = lab({ iceMode: 'vanilla', now: () => clock });
    return { l, advance: (ms: number) => (clock += ms) };
  }

  it('sends one offer and one answer with every candidate inside, and no candidate signals', async () => {
    const { l, advance } = vanillaLab();
    const pair = l.start();
    l.newTrace();
    l.alice.handleSignal(statusFrom('bob', 'online'));
    await ticks();
    // The offer is made and set, but held back until gathering is complete.
    expect(l.outbox).toEqual([]);
    expect(l.trace.map(detailed).slice(-1)).toEqual(['alice api waitForIceGathering ok: vanilla ICE: the offer waits until gathering is complete']);

    advance(120);
    l.fa.gather();
    l.fa.gather({ type: 'srflx', address: '203.0.113.9', port: 61000 });
    l.fa.completeGathering();
    await l.settle();
    expect(l.sent()).toEqual(['alice->bob offer']);
    const offer = l.outbox[0]!;
    expect(offer.kind === 'offer' && offer.sdp).toBe(l.fa.localDescription!.sdp);
    expect(offer.kind === 'offer' && offer.sdp.match(/^a=candidate:/gm)).toHaveLength(2);
    expect(l.trace.filter((e) => e.type === 'api' && e.call === 'waitForIceGathering').map(detailed).at(-1)).toBe(
      'alice api waitForIceGathering ok: gathering complete after 120 ms; the offer carries 2 candidates',
    );
    // Candidates are still gathered (and traced), just not sent on their own.
    expect(l.trace.filter((e) => e.type === 'candidate-gathered' && e.peer === 'alice')).toHaveLength(3);

    l.bob.handleSignal(l.outbox[0]!);
    await ticks();
    expect(l.outbox).toHaveLength(1);
    l.fb.gather();
    l.fb.completeGathering();
    await l.settle();
    expect(l.sent()).toEqual(['alice->bob offer', 'bob->alice answer']);
    const answer = l.outbox[1]!;
    expect(answer.kind === 'answer' && answer.sdp.match(/^a=candidate:/gm)).toHaveLength(1);
    l.alice.handleSignal(answer);
    await l.settle();

    // No addIceCandidate at all: ICE took the candidates from the descriptions.
    expect([...l.fa.calls, ...l.fb.calls]).not.toContain('addIceCandidate');
    expect(l.fb.remoteCandidates).toHaveLength(2);
    expect(pair.connect()).toBe(true);
    await l.settle();
    expect(l.alice.channelOpen && l.bob.channelOpen).toBe(true);
  });

  it('traces a zero wait when gathering was already complete', async () => {
    const { l } = vanillaLab();
    l.start();
    l.fa.onLocalDescriptionApplied = (pc) => pc.completeGathering();
    l.alice.handleSignal(statusFrom('bob', 'online'));
    await l.settle();
    expect(l.sent()).toEqual(['alice->bob offer']);
    expect(l.trace.filter((e) => e.type === 'api' && e.call === 'waitForIceGathering').map(detailed)).toEqual([
      'alice api waitForIceGathering ok: gathering complete after 0 ms; the offer carries 0 candidates',
    ]);
  });

  it('sends nothing if the peer closes while waiting for gathering', async () => {
    const { l } = vanillaLab();
    l.start();
    l.alice.handleSignal(statusFrom('bob', 'online'));
    await ticks();
    l.alice.close();
    await l.settle();
    expect(l.outbox).toEqual([]);
  });
});

describe('LabPeer: glare (both peers offer)', () => {
  it.each([
    ['off', 'offerer', undefined],
    ['off', 'answerer', undefined],
    ['naive', 'offerer', 'naive'],
    ['naive', 'answerer', 'naive'],
    ['polite', 'offerer', 'impolite'],
    ['polite', 'answerer', 'polite'],
  ] as const)('glareRole(%s, %s) is %s', (mode, role, expected) => {
    expect(glareRole(mode, role)).toBe(expected);
  });

  /** Both online, both offer, each gathers one candidate; nothing delivered yet. */
  async function bothOffer(alice: Partial<LabPeerOptions>, bob: Partial<LabPeerOptions>) {
    const l = lab({}, { alice, bob });
    const pair = l.start();
    l.alice.handleSignal(statusFrom('bob', 'online'));
    l.bob.handleSignal(statusFrom('alice', 'online'));
    await l.settle();
    l.fa.gather();
    l.fb.gather();
    await l.settle();
    expect(l.sent()).toEqual(['alice->bob offer', 'bob->alice offer', 'alice->bob candidate', 'bob->alice candidate']);
    // Each side made the same negotiated channel; nobody waits for 'datachannel'.
    expect(l.trace.filter((e) => e.type === 'api' && e.call === 'createDataChannel').map(detailed)).toEqual([
      'alice api createDataChannel ok: chat (negotiated, id 0)',
      'bob api createDataChannel ok: chat (negotiated, id 0)',
    ]);
    return { l, pair, since: (from: number) => l.trace.slice(from).map(detailed), mark: () => l.trace.length };
  }

  it('naive: both roll back and answer, both answers fail in stable, and nothing connects', async () => {
    const { l, pair, since, mark } = await bothOffer({ glare: 'naive' }, { glare: 'naive' });
    let from = mark();
    await l.deliver();
    const lines = since(from).filter((t) => /api (setRemoteDescription|createAnswer|setLocalDescription|addIceCandidate)/.test(t));
    expect(lines).toEqual([
      "bob api setRemoteDescription ok: offer (rolls back bob's own offer first: implicit rollback)",
      'bob api createAnswer ok',
      'bob api setLocalDescription ok: answer',
      "alice api setRemoteDescription ok: offer (rolls back alice's own offer first: implicit rollback)",
      'alice api createAnswer ok',
      'alice api setLocalDescription ok: answer',
      expect.stringMatching(/^bob api addIceCandidate ok: candidate:/),
      expect.stringMatching(/^alice api addIceCandidate ok: candidate:/),
    ]);
    expect(l.sent().slice(4)).toEqual(['bob->alice answer', 'alice->bob answer']);

    from = mark();
    await l.deliver();
    const failures = since(from).filter((t) => t.includes(' FAIL'));
    expect(failures).toEqual([
      "alice api setRemoteDescription FAIL: InvalidStateError: Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': Failed to set remote answer sdp: Called in wrong state: stable",
      "bob api setRemoteDescription FAIL: InvalidStateError: Failed to execute 'setRemoteDescription' on 'RTCPeerConnection': Failed to set remote answer sdp: Called in wrong state: stable",
    ]);
    expect(l.alice.states.signaling).toBe('stable');
    expect(l.bob.states.signaling).toBe('stable');
    // Two answers and no answered offer: ICE could never succeed, the channel never opens.
    expect(l.fa.readyToConnect).toBe(false);
    expect(pair.connect()).toBe(false);
    await l.settle();
    expect(l.alice.channelOpen || l.bob.channelOpen).toBe(false);
  });

  it('perfect negotiation: polite bob rolls back and answers, impolite alice ignores his offer, the channel opens', async () => {
    const { l, pair, since, mark } = await bothOffer({ glare: 'impolite' }, { glare: 'polite' });
    const from = mark();
    await l.deliver();
    const apis = since(from).filter((t) => / api /.test(t));
    expect(apis).toEqual([
      "bob api setRemoteDescription ok: offer (rolls back bob's own offer first: implicit rollback)",
      'bob api createAnswer ok',
      'bob api setLocalDescription ok: answer',
      'alice api ignoreOffer ok: glare: alice is the impolite peer and keeps its own offer',
      expect.stringMatching(/^bob api addIceCandidate ok: candidate:/),
      'alice api handleSignal FAIL: ignored candidate from bob: it belongs to the offer alice ignored',
    ]);
    expect(l.bob.states.signaling).toBe('stable');
    expect(l.alice.states.signaling).toBe('have-local-offer');
    expect(l.sent().slice(4)).toEqual(['bob->alice answer']);

    // Bob gathers again for his answer (his rollback reset gathering); alice takes answer and candidate.
    expect(l.fb.iceGatheringState).toBe('new');
    l.fb.gather();
    await l.settle();
    await l.deliver();
    expect(l.alice.states.signaling).toBe('stable');
    expect(l.trace.filter((e) => e.type === 'api' && e.peer === 'alice').map(detailed).slice(-2)).toEqual([
      'alice api setRemoteDescription ok: answer',
      expect.stringMatching(/^alice api addIceCandidate ok: candidate:/),
    ]);
    expect(pair.connect()).toBe(true);
    await l.settle();
    expect(l.alice.channelOpen && l.bob.channelOpen).toBe(true);
    expect(l.trace.some((e) => e.type === 'api' && e.call === 'ondatachannel')).toBe(false);
    expect(l.bob.sendChat('hello from the polite one')).toBe(true);
    await l.settle();
    expect(l.fa.channels[0]!.received).toEqual(['hello from the polite one']);
  });

  it('without glare, the answerer still refuses to offer', async () => {
    const l = lab();
    l.start();
    l.bob.handleSignal(statusFrom('alice', 'online'));
    await l.settle();
    expect(l.outbox).toEqual([]);
    expect(l.fb.channels).toEqual([]);
  });
});

describe('LabPeer: the peer-to-peer path', () => {
  /** alice on a fake whose DTLS transport and getStats() the test drives: a captured Chromium snapshot. */
  function aliceWithPath() {
    const trace: TraceEventBody[] = [];
    const reads = { count: 0 };
    const transport = Object.assign(new EventTarget(), { state: 'new' as RTCDtlsTransportState });
    const setDtls = (state: RTCDtlsTransportState) => {
      transport.state = state;
      transport.dispatchEvent(new Event('statechange'));
    };
    const stats = loadSession('host-raw').snapshots.at(-1)!.alice;
    const fakes = fakePeerConnectionFactory();
    const alice = new LabPeer({
      id: 'alice',
      remoteId: 'bob',
      role: 'offerer',
      session: SESSION,
      now: () => NOW,
      emit: (e) => trace.push(e),
      send: () => {},
      createPeerConnection: (config) => {
        const pc = fakes.create(config);
        // The transport exists once a description with the data channel's m-section is set.
        Object.defineProperty(pc, 'sctp', { get: () => (pc.localDescription ? { transport } : null) });
        Object.defineProperty(pc, 'getStats', {
          value: async () => {
            reads.count += 1;
            return new Map(stats.map((s) => [(s as { id: string }).id, s]));
          },
        });
        return pc;
      },
    });
    return { alice, trace, setDtls, reads };
  }

  it('traces the DTLS transport state and each pair step once, from getStats()', async () => {
    const { alice, trace, setDtls } = aliceWithPath();
    alice.start();
    alice.handleSignal(statusFrom('bob', 'online'));
    await alice.settled();
    setDtls('connecting');
    await tick();
    setDtls('connected');
    await tick();
    await tick();
    expect(trace.filter((e) => e.type === 'dtls').map((e) => e.type === 'dtls' && e.state)).toEqual(['new', 'connecting', 'connected']);
    const checks = trace.flatMap((e) => (e.type === 'ice-check' ? [`${e.pair} ${e.step} ${e.local} → ${e.remote}`] : []));
    // Two polls saw the same pairs: each step is traced once, in order per pair.
    expect(new Set(checks).size).toBe(checks.length);
    expect(checks.filter((c) => / host udp :\d+ → host udp :\d+$/.test(c)).map((c) => c.split(' ')[1])).toEqual(['sent', 'succeeded', 'nominated', 'sent', 'succeeded', 'nominated']);
  });

  it('reads getStats() once more after a burst of state changes, not once per change', async () => {
    const { alice, trace, setDtls, reads } = aliceWithPath();
    alice.start();
    alice.handleSignal(statusFrom('bob', 'online'));
    await alice.settled();
    const before = reads.count;
    for (const state of ['connecting', 'connected', 'closed', 'failed', 'connecting', 'connected'] as const) setDtls(state);
    for (let k = 0; k < 6; k++) await tick();
    // The first change starts a read; the five during it ask for one more read after it.
    expect(reads.count - before).toBe(2);
    expect(trace.some((e) => e.type === 'ice-check' && e.step === 'nominated')).toBe(true);
  });

  it('traces nothing of the path after close()', async () => {
    const { alice, trace, setDtls } = aliceWithPath();
    alice.start();
    alice.handleSignal(statusFrom('bob', 'online'));
    await alice.settled();
    alice.close();
    const before = trace.length;
    setDtls('connected');
    await tick();
    expect(trace.slice(before)).toEqual([]);
  });
});
