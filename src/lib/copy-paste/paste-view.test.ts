import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fakePeerConnectionFactory, pairFakes, type FakePair, type FakePeerConnection } from '../testing/fake-peer-connection';
import { eventBodyArb } from '../trace/arbitraries';
import { exportTrace, parseTraceJson } from '../trace/export';
import { INITIAL_PEER_STATES } from '../trace/selectors';
import { Trace } from '../trace/trace';
import type { TraceEvent, TraceEventBody } from '../trace/types';
import { MAX_PASTE_BYTES } from '../signalling/paste-limits';
import { copyText, readPastedDescription } from './paste';
import { PasteSession } from './paste-session';
import { PEER_IDS, pasteView, type PasteRole, type PasteSnapshot } from './paste-view';

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

function events(bodies: TraceEventBody[]): readonly TraceEvent[] {
  const trace = new Trace(() => 0);
  for (const b of bodies) trace.append(b);
  return trace.events;
}

const role = (r: PasteRole): TraceEventBody => ({ type: 'paste', peer: PEER_IDS[r].me, what: 'role', role: r });
const failed = (peer: string, call: string): TraceEventBody => ({ type: 'api', peer, call, ok: false, detail: 'OperationError: x' });
const settled: TraceEventBody = { type: 'paste', peer: 'alice', what: 'settled' };

describe('pasteView', () => {
  it('is the choosing tab for an empty trace', () => {
    expect(pasteView([])).toMatchObject({ role: null, phase: 'choose', own: null, error: null, states: INITIAL_PEER_STATES });
  });

  it('keeps the first role, and reads only its own peer', () => {
    const view = pasteView(events([role('offerer'), role('answerer'), { type: 'candidate-gathered', peer: 'bob', candidate: 'c' }, { type: 'candidate-gathered', peer: 'alice', candidate: 'c' }]));
    expect(view).toMatchObject({ role: 'offerer', me: 'alice', other: 'bob', phase: 'gathering', gathered: 1, working: true });
  });

  it('ignores a role whose peer is not the one that part uses', () => {
    expect(pasteView(events([{ type: 'paste', peer: 'bob', what: 'role', role: 'offerer' }])).role).toBeNull();
  });

  it('shows the first failed call of the work under way, not later ones, nor candidate errors', () => {
    const during = events([role('offerer'), failed('alice', 'onicecandidateerror'), failed('alice', 'createOffer'), failed('alice', 'setLocalDescription')]);
    expect(pasteView(during).error).toBe('createOffer failed: OperationError: x');
    const after = events([role('offerer'), settled, failed('alice', 'send')]);
    expect(pasteView(after).error).toBeNull();
  });

  it('a paste clears the error and is busy until its work settles; a refusal is said', () => {
    const accepted: TraceEventBody = { type: 'paste', peer: 'alice', what: 'accepted', sdpType: 'answer', sdp: 'v=0\r\n', candidates: 1, warnings: ['w'] };
    const base = [role('offerer'), { type: 'paste', peer: 'alice', what: 'own', sdpType: 'offer', sdp: 'v=0\r\n', candidates: 2 }, settled] satisfies TraceEventBody[];
    const refused = pasteView(events([...base, { type: 'paste', peer: 'alice', what: 'refused', reason: 'no' }]));
    expect(refused).toMatchObject({ phase: 'wait-answer', error: 'no', own: { type: 'offer', text: copyText({ type: 'offer', sdp: 'v=0\r\n' }), candidates: 2 } });
    const busy = pasteView(events([...base, { type: 'paste', peer: 'alice', what: 'refused', reason: 'no' }, accepted]));
    expect(busy).toMatchObject({ error: null, busy: true, pasted: { type: 'answer', candidates: 1, warnings: ['w'] } });
    const done = pasteView(events([...base, accepted, failed('alice', 'setRemoteDescription'), settled]));
    expect(done).toMatchObject({ busy: false, phase: 'wait-answer', error: 'setRemoteDescription failed: OperationError: x' });
  });

  it('never throws on any trace, at any prefix', () => {
    const peer = fc.constantFrom('alice', 'bob');
    fc.assert(
      fc.property(fc.array(fc.oneof(eventBodyArb(peer), fc.constantFrom(role('offerer'), role('answerer'))), { maxLength: 40 }), (bodies) => {
        const all = events(bodies);
        for (let n = 0; n <= all.length; n++) expect(pasteView(all.slice(0, n)).phase).toBeTypeOf('string');
      }),
    );
  });
});

// ------------------------------------------------------------------ against live tabs

interface Tab {
  session: PasteSession;
  fakes: ReturnType<typeof fakePeerConnectionFactory>;
  role: PasteRole | null;
  gathered: number;
  pending: number;
}

type TabNo = 0 | 1;
type Action =
  | { tab: TabNo; act: 'choose'; role: PasteRole }
  | { tab: TabNo; act: 'gather' | 'complete' | 'connect' | 'close' | 'chat' }
  /** `kind` 'fit' is the one the tab's role takes. */
  | { tab: TabNo; act: 'paste'; kind: 'fit' | 'offer' | 'answer'; text: 'theirs' | 'mine' | 'garbage' | 'cut' };

const tabArb = fc.constantFrom<TabNo>(0, 1);
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ tab: tabArb, act: fc.constant('choose' as const), role: fc.constantFrom<PasteRole>('offerer', 'answerer') }),
  { weight: 3, arbitrary: fc.record({ tab: tabArb, act: fc.constant('gather' as const) }) },
  { weight: 2, arbitrary: fc.record({ tab: tabArb, act: fc.constant('complete' as const) }) },
  fc.record({ tab: tabArb, act: fc.constantFrom('connect' as const, 'close' as const, 'chat' as const) }),
  {
    weight: 4,
    arbitrary: fc.record({
      tab: tabArb,
      act: fc.constant('paste' as const),
      kind: fc.oneof({ weight: 4, arbitrary: fc.constant('fit' as const) }, fc.constantFrom('offer' as const, 'answer' as const)),
      text: fc.oneof({ weight: 4, arbitrary: fc.constant('theirs' as const) }, fc.constantFrom('mine' as const, 'garbage' as const, 'cut' as const)),
    }),
  },
);
/** What a reader does to connect two tabs; most runs do it, with other actions in between. */
const HAPPY: Action[] = [
  { tab: 0, act: 'choose', role: 'offerer' },
  { tab: 1, act: 'choose', role: 'answerer' },
  { tab: 0, act: 'gather' },
  { tab: 0, act: 'complete' },
  { tab: 1, act: 'paste', kind: 'fit', text: 'theirs' },
  { tab: 1, act: 'gather' },
  { tab: 1, act: 'complete' },
  { tab: 0, act: 'paste', kind: 'fit', text: 'theirs' },
  { tab: 0, act: 'connect' },
  { tab: 0, act: 'chat' },
];
const sessionArb = fc
  .tuple(fc.array(fc.array(actionArb, { maxLength: 3 }), { minLength: HAPPY.length, maxLength: HAPPY.length }), fc.boolean(), fc.boolean())
  .map(([noise, happy, auto]) => ({ actions: noise.flatMap((n, k) => (happy ? [...n, HAPPY[k]!] : n)), auto }));

/** The tab as its live objects say: the role it was given, the fake connection, the open promises. */
function liveOf(tab: Tab): Partial<PasteSnapshot> & { ownSdp?: string | undefined; remoteType?: string | undefined } {
  const pc: FakePeerConnection | undefined = tab.fakes.instances[0];
  const states = pc
    ? { signaling: pc.signalingState, iceGathering: pc.iceGatheringState, iceConnection: pc.iceConnectionState, connection: pc.connectionState }
    : { ...INITIAL_PEER_STATES };
  const channelOpen = pc?.channels.some((c) => c.readyState === 'open') ?? false;
  return {
    role: tab.role,
    me: tab.role && PEER_IDS[tab.role].me,
    states,
    channelOpen,
    failed: states.connection === 'failed',
    gathered: tab.gathered,
    busy: tab.pending > 0,
    ownSdp: pc?.localDescription?.sdp,
    remoteType: pc?.remoteDescription?.type,
  };
}

async function run(tabs: [Tab, Tab], a: Action, pair: { value: FakePair | null; auto: boolean }): Promise<void> {
  const tab = tabs[a.tab];
  const other = tabs[1 - a.tab]!;
  const pc = tab.fakes.instances[0];
  switch (a.act) {
    case 'choose':
      tab.role ??= a.role;
      tab.session.choose(a.role);
      break;
    case 'gather':
      if (pc && !pc.isClosed && pc.localDescription && pc.iceGatheringState !== 'complete') {
        pc.gather();
        tab.gathered += 1;
      }
      break;
    case 'complete':
      if (pc?.localDescription) pc.completeGathering();
      break;
    case 'connect':
      pair.value?.connect();
      break;
    case 'close':
      tab.session.close();
      break;
    case 'chat':
      tab.session.sendChat('hi');
      break;
    case 'paste': {
      const own = (t: Tab) => t.session.snapshot().own?.text ?? 'v=0';
      const text = { theirs: own(other), mine: own(tab), garbage: 'hello', cut: own(other).slice(0, 40) }[a.text];
      const kind = a.kind === 'fit' ? (tab.role === 'offerer' ? 'answer' : 'offer') : a.kind;
      tab.pending += 1;
      void (kind === 'offer' ? tab.session.pasteOffer(text) : tab.session.pasteAnswer(text)).then(() => (tab.pending -= 1));
      break;
    }
  }
  const [x, y] = tabs.map((t) => t.fakes.instances[0]);
  if (x && y && !pair.value) pair.value = pairFakes(x, y, { autoConnect: pair.auto });
  await tick();
}

function newTab(): Tab {
  const fakes = fakePeerConnectionFactory();
  let clock = 0;
  return { session: new PasteSession({ createPeerConnection: fakes.create, now: () => (clock += 1) }), fakes, role: null, gathered: 0, pending: 0 };
}

describe('pasteView agrees with the live tab', () => {
  it('after every step of any session, and every prefix of its trace reads', async () => {
    await fc.assert(
      fc.asyncProperty(sessionArb, async ({ actions, auto }) => {
        const tabs: [Tab, Tab] = [newTab(), newTab()];
        const pair = { value: null as FakePair | null, auto };
        const seen: { tab: Tab; n: number; live: ReturnType<typeof liveOf> }[] = [];
        for (const a of actions) {
          await run(tabs, a, pair);
          for (const tab of tabs) seen.push({ tab, n: tab.session.trace.length, live: liveOf(tab) });
        }
        for (const { tab, n, live } of seen) {
          const view = pasteView(tab.session.trace.events.slice(0, n));
          const { ownSdp, remoteType, ...fields } = live;
          expect(view).toMatchObject(fields);
          if (view.own) expect(view.own.sdp).toBe(ownSdp);
          // Whatever the connection took as remote description came in through a paste.
          if (remoteType) expect(view.pasted?.type).toBe(remoteType);
          expect(view.phase).toBe(phaseOf(view.role, view.channelOpen, view.own !== null, remoteType !== undefined));
          if (view.busy) expect(view.working).toBe(true);
        }
        for (const tab of tabs) {
          const all = tab.session.trace.events;
          for (let n = 0; n <= all.length; n++) pasteView(all.slice(0, n));
          tab.session.close();
        }
      }),
      { numRuns: 80 },
    );
  });
});

/** The phase as the live connection tells it. */
function phaseOf(role: PasteRole | null, open: boolean, own: boolean, remote: boolean): string {
  if (!role) return 'choose';
  if (open) return 'open';
  if (role === 'offerer') return own ? (remote ? 'connecting' : 'wait-answer') : 'gathering';
  return remote ? (own ? 'connecting' : 'gathering') : 'wait-offer';
}

describe('a trace of the largest paste', () => {
  it('exports and imports, and reads the same', async () => {
    const a = newTab();
    a.session.choose('offerer');
    await tick();
    const pc = a.fakes.instances[0]!;
    pc.gather();
    pc.completeGathering();
    await a.session.settled();
    const b = newTab();
    b.session.choose('answerer');
    // The offer, padded with an attribute line up to the limit.
    const offer = a.session.snapshot().own!.sdp;
    const padded = `${offer}a=x-pad:${'p'.repeat(MAX_PASTE_BYTES - offer.length - 'a=x-pad:\r\n'.length)}\r\n`;
    expect(padded).toHaveLength(MAX_PASTE_BYTES);
    expect(readPastedDescription(padded, 'offer').ok).toBe(true);
    void b.session.pasteOffer(padded);
    await tick();
    expect(b.session.snapshot().pasted?.sdp).toHaveLength(MAX_PASTE_BYTES);

    const parsed = parseTraceJson(exportTrace(b.session.trace));
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.events).toEqual(b.session.trace.events);
    expect(pasteView(parsed.events)).toEqual(b.session.snapshot());
  });

  it('refuses text that only CRs added to its bare LFs take over the limit', () => {
    const lf = `v=0\n${'a=x\n'.repeat(MAX_PASTE_BYTES / 4 - 1)}`;
    expect(lf.length).toBeLessThanOrEqual(MAX_PASTE_BYTES);
    const read = readPastedDescription(lf, 'offer');
    expect(read.ok).toBe(false);
    if (!read.ok) expect(read.reason).toContain('over the');
  });
});
