/** LabSession's fault injection: dropping held messages, and standing candidate discards. */
import { describe, expect, it } from 'vitest';
import type { FakePeerConnection } from '../testing/fake-peer-connection';
import { directLab, gatherNew, stepToEnd } from './fixtures';
import { diagramRows, heldMessages } from '../trace/selectors';
import type { EventOf } from '../trace/types';

function setup() {
  const lab = directLab({ root: 'webrtc-lab/drop' });
  const dropped = () => lab.session.trace.events.filter((e): e is EventOf<'dropped'> => e.type === 'dropped');
  return { ...lab, lab, dropped };
}

/** Each fake gathers a host and a srflx candidate after its description. */
const HOST_AND_SRFLX = [{ type: 'host' }, { type: 'srflx', address: '203.0.113.7' }] as const;

const typesIn = (pc: FakePeerConnection) => pc.remoteCandidates.flatMap((c) => (c ? [/ typ (\w+)/.exec(c.candidate ?? '')?.[1]] : []));

describe('LabSession.drop', () => {
  it('takes exactly that message out of the queue, traces it, and never delivers it', async () => {
    const { session, settle, dropped } = setup();
    await session.start();
    await settle();
    const [first, second] = heldMessages(session.trace.events);
    expect(first).toMatchObject({ kind: 'status', from: 'alice', to: 'bob' });

    const message = session.drop(first!.qid, 'testing');
    expect(message).toMatchObject({ qid: first!.qid, to: 'bob' });
    expect(dropped()).toEqual([expect.objectContaining({ type: 'dropped', qid: first!.qid, to: 'bob', by: 'reader', reason: 'testing' })]);
    expect(heldMessages(session.trace.events).map((m) => m.qid)).toEqual([second!.qid]);
    expect(diagramRows(session.trace.events, session.peers).find((r) => r.qid === first!.qid)?.status).toBe('dropped');

    // Step delivers the next one, not the dropped one; bob never learns alice is online.
    session.step();
    await settle();
    expect(session.trace.events.filter((e) => e.type === 'delivered').map((e) => (e.type === 'delivered' ? e.qid : ''))).toEqual([second!.qid]);
    expect(session.trace.events.some((e) => e.type === 'remote-status' && e.peer === 'bob')).toBe(false);
    await session.close();
  });

  it.each([
    ['an unknown qid', 'q999'],
    ['a qid dropped already', 'q1'],
  ])('does nothing for %s', async (_name, qid) => {
    const { session, settle, dropped } = setup();
    await session.start();
    await settle();
    if (qid === 'q1') session.drop('q1');
    const before = session.trace.events.length;
    expect(session.drop(qid)).toBeUndefined();
    expect(session.trace.events.length).toBe(before);
    expect(dropped().length).toBe(qid === 'q1' ? 1 : 0);
    await session.close();
  });

  it('a reason is optional: a plain Drop records none', async () => {
    const { session, settle, dropped } = setup();
    await session.start();
    await settle();
    session.drop('q1');
    expect(dropped()[0]).not.toHaveProperty('reason');
    await session.close();
  });
});

describe('LabSession.discardCandidates', () => {
  it("set before start, it drops every host candidate of alice's as it arrives, and nothing else", async () => {
    const { lab, session, settle, fakes, dropped } = setup();
    session.discardCandidates('alice', 'host', true);
    await session.start();
    await settle();
    await stepToEnd(lab, 60, HOST_AND_SRFLX);
    const [alicePc, bobPc] = fakes.instances;
    // bob got alice's srflx candidate only; alice got both of bob's.
    expect(typesIn(bobPc!)).toEqual(['srflx']);
    expect(typesIn(alicePc!).sort()).toEqual(['host', 'srflx']);
    // Each discard is traced, right after its held event, with the reason.
    const drops = dropped();
    expect(drops).toHaveLength(1);
    expect(drops[0]).toMatchObject({ to: 'bob', by: 'reader', reason: "discarding alice's host candidates" });
    const heldEvent = session.trace.events.find((e) => e.type === 'held' && e.qid === drops[0]!.qid);
    expect(heldEvent).toMatchObject({ kind: 'candidate', from: 'alice' });
    expect(drops[0]!.i).toBe(heldEvent!.i + 1);
    await session.close();
  });

  it('turned on while candidates are held, it drops the matching held ones at once', async () => {
    const { session, settle, fakes } = setup();
    await session.start();
    await settle();
    // Deliver until alice's candidates are held for bob (her offer makes her gather).
    for (let steps = 0; steps < 20; steps++) {
      const held = heldMessages(session.trace.events);
      if (held.some((m) => m.kind === 'candidate' && m.from === 'alice')) break;
      session.step();
      await settle();
      // alice gathers two host candidates and a srflx one, and keeps gathering.
      gatherNew([fakes.instances[0]!], [...HOST_AND_SRFLX, { type: 'host' }], false);
      await settle();
    }
    const heldBefore = heldMessages(session.trace.events);
    const aliceHosts = heldBefore.filter((m) => m.kind === 'candidate' && m.from === 'alice' && m.payload.includes('typ host'));
    expect(aliceHosts).toHaveLength(2);

    const gone = session.discardCandidates('alice', 'host', true);
    expect(gone.map((m) => m.qid)).toEqual(aliceHosts.map((m) => m.qid));
    expect(heldMessages(session.trace.events).map((m) => m.qid)).toEqual(
      heldBefore.filter((m) => !aliceHosts.includes(m)).map((m) => m.qid),
    );
    // Turning it off drops nothing and lets later ones through.
    expect(session.discardCandidates('alice', 'host', false)).toEqual([]);
    await session.close();
  });
});
