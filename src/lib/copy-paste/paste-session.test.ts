import { describe, expect, it } from 'vitest';
import { fakePeerConnectionFactory, pairFakes, type FakePeerConnection } from '../testing/fake-peer-connection';
import { PasteSession } from './paste-session';

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

function tab() {
  const fakes = fakePeerConnectionFactory();
  let clock = 0;
  const session = new PasteSession({ createPeerConnection: fakes.create, now: () => (clock += 1), wallClock: () => 1_700_000_000_000 });
  return {
    session,
    get pc(): FakePeerConnection {
      return fakes.instances[0]!;
    },
  };
}

/** The browser gathers `n` host candidates and completes as soon as a local description is set. */
function gatherOnSetLocal(pc: FakePeerConnection, n = 1): void {
  pc.onLocalDescriptionApplied = (p) =>
    queueMicrotask(() => {
      for (let k = 0; k < n; k++) p.gather();
      p.completeGathering();
    });
}

/** Tab A with its offer ready to copy (two candidates). */
async function offererReady() {
  const a = tab();
  a.session.choose('offerer');
  gatherOnSetLocal(a.pc, 2);
  await a.session.settled();
  return a;
}

/** A and B connected through pasted text, like a reader with two tabs. */
async function connectedPair() {
  const a = await offererReady();
  const b = tab();
  b.session.choose('answerer');
  gatherOnSetLocal(b.pc);
  pairFakes(a.pc, b.pc, { autoConnect: true });
  expect(await b.session.pasteOffer(a.session.snapshot().own!.text)).toBe(true);
  expect(await a.session.pasteAnswer(b.session.snapshot().own!.text)).toBe(true);
  await tick();
  return { a, b };
}

describe('PasteSession: the offerer', () => {
  it('shows the gathering progress, then the whole offer (every candidate inside) to copy', async () => {
    const a = tab();
    expect(a.session.snapshot().phase).toBe('choose');
    a.session.choose('offerer');
    await tick();
    expect(a.session.snapshot()).toMatchObject({ role: 'offerer', me: 'alice', other: 'bob', phase: 'gathering', own: null, gathered: 0 });
    a.pc.gather();
    a.pc.gather();
    expect(a.session.snapshot()).toMatchObject({ phase: 'gathering', own: null, gathered: 2 });
    a.pc.completeGathering();
    await a.session.settled();
    const snap = a.session.snapshot();
    expect(snap.phase).toBe('wait-answer');
    expect(snap.own).toMatchObject({ type: 'offer', candidates: 2 });
    expect(snap.own!.sdp.match(/^a=candidate:/gm)).toHaveLength(2);
    expect(JSON.parse(snap.own!.text)).toEqual({ type: 'offer', sdp: snap.own!.sdp });
    expect(snap.error).toBeNull();
  });

  it('records each of its steps in the trace', async () => {
    const a = await offererReady();
    expect(await a.session.pasteAnswer('hello')).toBe(false);
    const steps = a.session.trace.events.flatMap((e) => (e.type === 'paste' ? [e.what] : []));
    expect(steps).toEqual(['role', 'own', 'settled', 'refused']);
  });

  it.each([
    ['garbage', () => 'hello there', 'That is not a usable answer: SDP starts with the line "v=0"'],
    ['nothing', () => '  ', 'nothing was pasted'],
    ['its own offer', (own: string) => own, 'this is an offer, but an answer is expected'],
    ['cut-off JSON', (own: string) => own.slice(0, 40), 'not valid JSON'],
  ] as const)('refuses %s where the answer belongs, saying why, without calling setRemoteDescription', async (_name, text, reason) => {
    const a = await offererReady();
    expect(await a.session.pasteAnswer(text(a.session.snapshot().own!.text))).toBe(false);
    const snap = a.session.snapshot();
    expect(snap.error).toContain(reason);
    expect(snap.phase).toBe('wait-answer');
    expect(snap.pasted).toBeNull();
    expect(a.pc.calls).not.toContain('setRemoteDescription');
  });

  it('refuses an answer before its own offer is ready', async () => {
    const a = tab();
    a.session.choose('offerer');
    await tick();
    expect(await a.session.pasteAnswer('v=0')).toBe(false);
    expect(a.session.snapshot().error).toContain('your offer is not ready yet');
  });

  it('shows the browser\'s own error when setRemoteDescription refuses (the same answer twice)', async () => {
    const { a, b } = await connectedPair();
    expect(await a.session.pasteAnswer(b.session.snapshot().own!.text)).toBe(false);
    expect(a.session.snapshot().error).toMatch(/^setRemoteDescription failed: InvalidStateError: .*Called in wrong state: stable/);
  });

  it('an answer made from another offer is accepted as text, but ICE fails', async () => {
    const a = await offererReady();
    const other = await offererReady();
    const b = tab();
    b.session.choose('answerer');
    gatherOnSetLocal(b.pc);
    await b.session.pasteOffer(other.session.snapshot().own!.text);
    const pair = pairFakes(a.pc, b.pc);
    expect(await a.session.pasteAnswer(b.session.snapshot().own!.text)).toBe(true);
    expect(pair.connect()).toBe(false);
    expect(a.session.snapshot()).toMatchObject({ failed: true, channelOpen: false, phase: 'connecting' });
  });
});

describe('PasteSession: the answerer', () => {
  it('takes the pasted offer, explains it, and makes its answer once gathering is complete', async () => {
    const a = await offererReady();
    const b = tab();
    b.session.choose('answerer');
    expect(b.session.snapshot()).toMatchObject({ me: 'bob', other: 'alice', phase: 'wait-offer' });
    const done = b.session.pasteOffer(a.session.snapshot().own!.text);
    await tick();
    expect(b.session.snapshot()).toMatchObject({ phase: 'gathering', busy: true, own: null });
    expect(b.session.snapshot().pasted).toMatchObject({ type: 'offer', candidates: 2, warnings: [] });
    b.pc.gather();
    b.pc.completeGathering();
    expect(await done).toBe(true);
    const snap = b.session.snapshot();
    expect(snap).toMatchObject({ phase: 'connecting', busy: false, error: null });
    expect(snap.own).toMatchObject({ type: 'answer', candidates: 1 });
    // The pasted offer's candidates went in with the description: no addIceCandidate at all.
    expect(b.pc.remoteCandidates).toHaveLength(2);
    expect(b.pc.calls).not.toContain('addIceCandidate');
  });

  it('accepts the raw SDP too, with LF line endings (a chat app ate the CRs)', async () => {
    const a = await offererReady();
    const b = tab();
    b.session.choose('answerer');
    gatherOnSetLocal(b.pc);
    expect(await b.session.pasteOffer(a.session.snapshot().own!.sdp.replaceAll('\r\n', '\n'))).toBe(true);
    expect(b.session.snapshot().own?.type).toBe('answer');
  });

  it.each<[string, (b: PasteSession, offer: string) => Promise<boolean>, string]>([
    ['an answer where the offer belongs', (b, offer) => b.pasteOffer(offer.replace('"offer"', '"answer"')), 'this is an answer, but an offer is expected'],
    ['a pasted answer (it has nothing to answer)', (b, offer) => b.pasteAnswer(offer), 'only the offerer takes a pasted answer'],
  ])('refuses %s', async (_name, act, reason) => {
    const a = await offererReady();
    const b = tab();
    b.session.choose('answerer');
    expect(await act(b.session, a.session.snapshot().own!.text)).toBe(false);
    expect(b.session.snapshot().error).toContain(reason);
  });

  it('takes one offer per session', async () => {
    const { a, b } = await connectedPair();
    expect(await b.session.pasteOffer(a.session.snapshot().own!.text)).toBe(false);
    expect(b.session.snapshot().error).toContain('already took an offer');
  });
});

describe('PasteSession: connected', () => {
  it('opens the data channel on both sides, and chat goes both ways', async () => {
    const { a, b } = await connectedPair();
    for (const t of [a, b]) expect(t.session.snapshot()).toMatchObject({ phase: 'open', channelOpen: true, failed: false, error: null });
    expect(a.session.snapshot().states).toMatchObject({ connection: 'connected', signaling: 'stable', iceGathering: 'complete' });
    expect(a.session.sendChat('hello bob')).toBe(true);
    await tick();
    expect(b.session.sendChat('hi alice')).toBe(true);
    await tick();
    const chats = (s: PasteSession) => s.trace.events.flatMap((e) => (e.type === 'chat' ? [`${e.from}->${e.to}: ${e.text}`] : []));
    // Each tab has only its own trace, so each records both what it sent and what it received.
    expect(chats(a.session)).toEqual(['alice->bob: hello bob', 'bob->alice: hi alice']);
    expect(chats(b.session)).toEqual(['alice->bob: hello bob', 'bob->alice: hi alice']);
  });

  it('close() closes the peer connection', async () => {
    const { a } = await connectedPair();
    a.session.close();
    expect(a.pc.isClosed).toBe(true);
    expect(a.session.snapshot().channelOpen).toBe(false);
  });
});
