/** LabSession's fault actions besides drop: delay, duplicate, move, edit; and naive peers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LabConfig } from './session';
import { directLab } from './fixtures';
import { diagramRows, heldMessages } from '../trace/selectors';
import type { EventOf } from '../trace/types';
import { editableText, payloadFromEdit } from '../session/tamper';

function setup(config: Partial<LabConfig> = {}) {
  const lab = directLab({ root: 'webrtc-lab/faults', ...config });
  const tampered = () => lab.session.trace.events.filter((e): e is EventOf<'tampered'> => e.type === 'tampered');
  const qids = () => lab.session.queue.held.map((m) => m.qid);
  return { ...lab, tampered, qids };
}

/** Steps until the offer for bob is held, with alice's first candidates behind it. */
async function untilOfferHeld(s: ReturnType<typeof setup>) {
  const { session, settle, fakes } = s;
  await session.start();
  await settle();
  for (let k = 0; k < 10 && !session.queue.held.some((m) => m.kind === 'offer'); k++) {
    session.step();
    await settle();
  }
  const alice = fakes.instances[0]!;
  alice.gather({ type: 'host' });
  alice.gather({ type: 'srflx', address: '203.0.113.7' });
  await settle();
  return session.queue.held;
}

describe('LabSession fault actions', () => {
  it('delay moves the message to the tail and traces it; the others go first', async () => {
    const s = setup();
    const held = await untilOfferHeld(s);
    const offer = held.find((m) => m.kind === 'offer')!;
    const result = s.session.delay(offer.qid);
    expect(result).toMatchObject({ ok: true, to: held.length - 1 });
    expect(s.qids().at(-1)).toBe(offer.qid);
    expect(s.tampered()).toEqual([expect.objectContaining({ type: 'tampered', qid: offer.qid, to: 'bob', action: 'delay' })]);
    // The view of the trace agrees with the queue, and the diagram marks it.
    expect(heldMessages(s.session.trace.events).map((m) => m.qid)).toEqual(s.qids());
    expect(diagramRows(s.session.trace.events, s.session.peers).find((r) => r.qid === offer.qid)?.marks).toEqual(['delay']);
    // Delay again at the tail is an explicit no-op and traces nothing.
    expect(s.session.delay(offer.qid)).toEqual({ ok: false, reason: 'at-edge' });
    expect(s.tampered()).toHaveLength(1);
    // bob gets the candidates before any offer: he buffers them (default peers).
    while (s.session.queue.size > 1) s.session.step();
    await s.settle();
    expect(s.session.trace.events.filter((e) => e.type === 'candidate-buffered' && e.peer === 'bob')).toHaveLength(2);
    await s.session.close();
  });

  it('duplicate holds a second copy under a new qid right after it, and delivers both', async () => {
    const s = setup();
    const held = await untilOfferHeld(s);
    const offer = held.find((m) => m.kind === 'offer')!;
    const result = s.session.duplicate(offer.qid);
    expect(result.ok).toBe(true);
    const copy = result.ok ? result.item : undefined!;
    expect(copy.qid).not.toBe(offer.qid);
    expect(copy).toMatchObject({ payload: offer.payload, mid: offer.mid, signal: offer.signal });
    const order = s.qids();
    expect(order[order.indexOf(offer.qid) + 1]).toBe(copy.qid);
    const events = s.session.trace.events;
    expect(events.at(-2)).toMatchObject({ type: 'held', qid: copy.qid, kind: 'offer', payload: offer.payload });
    expect(events.at(-1)).toMatchObject({ type: 'tampered', action: 'duplicate', qid: offer.qid, copy: copy.qid });
    expect(heldMessages(events).map((m) => m.qid)).toEqual(order);
    const rows = diagramRows(events, s.session.peers);
    expect(rows.find((r) => r.qid === copy.qid)?.marks).toEqual(['duplicate']);
    expect(rows.find((r) => r.qid === offer.qid)?.marks).toBeUndefined();
    // Both copies reach bob: he sets the remote offer twice.
    while (s.session.queue.held.some((m) => m.kind === 'offer')) s.session.step();
    await s.settle();
    const srd = s.session.trace.events.filter((e) => e.type === 'api' && e.peer === 'bob' && e.call === 'setRemoteDescription');
    expect(srd).toHaveLength(2);
    await s.session.close();
  });

  it('move swaps with a neighbour; at an edge it is a no-op', async () => {
    const s = setup();
    await untilOfferHeld(s);
    const before = s.qids();
    const last = before.at(-1)!;
    expect(s.session.move(last, 1)).toEqual({ ok: false, reason: 'at-edge' });
    expect(s.session.move(before[0]!, -1)).toEqual({ ok: false, reason: 'at-edge' });
    expect(s.session.move('q999', -1)).toEqual({ ok: false, reason: 'not-held' });
    expect(s.tampered()).toHaveLength(0);
    expect(s.session.move(last, -1)).toMatchObject({ ok: true, from: before.length - 1, to: before.length - 2 });
    expect(s.qids()).toEqual([...before.slice(0, -2), last, before.at(-2)]);
    expect(s.tampered()).toEqual([expect.objectContaining({ action: 'move', qid: last, by: -1 })]);
    expect(heldMessages(s.session.trace.events).map((m) => m.qid)).toEqual(s.qids());
    await s.session.close();
  });

  it('edit re-validates: a valid edit replaces what is delivered, the original stays in the trace', async () => {
    const s = setup();
    const held = await untilOfferHeld(s);
    const offer = held.find((m) => m.kind === 'offer')!;
    const text = editableText('offer', offer.payload).replace('s=-', 's=edited');
    const payload = payloadFromEdit('offer', offer.payload, text);
    const result = s.session.edit(offer.qid, payload);
    expect(result.ok).toBe(true);
    expect(s.session.queue.held.find((m) => m.qid === offer.qid)).toMatchObject({ payload });
    expect(s.tampered()).toEqual([expect.objectContaining({ action: 'edit', qid: offer.qid, payload })]);
    const events = s.session.trace.events;
    expect(events.find((e) => e.type === 'held' && e.qid === offer.qid)).toMatchObject({ payload: offer.payload });
    expect(heldMessages(events).find((m) => m.qid === offer.qid)?.payload).toBe(payload);
    expect(diagramRows(events, s.session.peers).find((r) => r.qid === offer.qid)?.marks).toEqual(['edit']);
    // bob receives the edited SDP.
    while (s.session.queue.held.some((m) => m.kind === 'offer')) s.session.step();
    await s.settle();
    expect(s.fakes.instances[1]!.remoteDescription?.sdp).toContain('s=edited');
    await s.session.close();
  });

  it.each([
    ['not JSON', () => '{"v":1,', /^not JSON/],
    ['a wrong field', (p: string) => p.replace('"sdp":', '"sdq":'), /offer: missing field "sdp"/],
    ['another recipient', (p: string) => p.replace('"to":"bob"', '"to":"carol"'), /addressed to carol/],
    ['another kind', (p: string) => p.replace('"kind":"offer"', '"kind":"answer"'), /an edit keeps the kind: this is an offer, not an answer/],
    ['a broken SDP line', (p: string) => payloadFromEdit('offer', p, `${editableText('offer', p)}garbage\n`), /SDP line \d+ "garbage" is not <type>=<value>/],
    ['no change', (p: string) => p, /^nothing changed$/],
  ])('refuses an edit with %s, with the reason, and changes nothing', async (_name, change, reason) => {
    const s = setup();
    const held = await untilOfferHeld(s);
    const offer = held.find((m) => m.kind === 'offer')!;
    const before = s.session.trace.events.length;
    const result = s.session.edit(offer.qid, change(offer.payload));
    expect(result).toEqual({ ok: false, reason: expect.stringMatching(reason) });
    expect(s.session.trace.events.length).toBe(before);
    expect(s.session.queue.held.find((m) => m.qid === offer.qid)).toBe(offer);
    await s.session.close();
  });

  it('naive peers hand an early candidate to addIceCandidate, and the rejection is traced', async () => {
    const s = setup({ naivePeers: true });
    const held = await untilOfferHeld(s);
    const offer = held.find((m) => m.kind === 'offer')!;
    s.session.delay(offer.qid);
    s.session.step(); // alice's first candidate, before any offer
    await s.settle();
    const events = s.session.trace.events;
    expect(events.some((e) => e.type === 'candidate-buffered')).toBe(false);
    expect(events.filter((e) => e.type === 'api' && e.peer === 'bob' && e.call === 'addIceCandidate')).toEqual([
      expect.objectContaining({ ok: false, detail: expect.stringMatching(/InvalidStateError.*remote description was null/) }),
    ]);
    await s.session.close();
  });
});

describe('LabSession fault actions: the trace view is the queue', () => {
  it('heldMessages(trace) equals the queue after any sequence of actions', async () => {
    const actionArb = fc.record({
      op: fc.constantFrom('delay', 'duplicate', 'up', 'down', 'drop', 'step', 'edit'),
      pick: fc.nat({ max: 20 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(actionArb, { minLength: 1, maxLength: 25 }), async (actions) => {
        const s = setup();
        await untilOfferHeld(s);
        for (const a of actions) {
          const held = s.session.queue.held;
          if (held.length === 0) break;
          const m = held[a.pick % held.length]!;
          if (a.op === 'delay') s.session.delay(m.qid);
          else if (a.op === 'duplicate') s.session.duplicate(m.qid);
          else if (a.op === 'up' || a.op === 'down') s.session.move(m.qid, a.op === 'up' ? -1 : 1);
          else if (a.op === 'drop') s.session.drop(m.qid);
          else if (a.op === 'step') s.session.step();
          else s.session.edit(m.qid, m.payload.replace(/"ts":(\d+)/, (_x, ts: string) => `"ts":${Number(ts) + 1}`));
          const view = heldMessages(s.session.trace.events);
          expect(view.map((v) => [v.qid, v.payload])).toEqual(s.session.queue.held.map((q) => [q.qid, q.payload]));
        }
        await s.session.close();
      }),
      { numRuns: 25 },
    );
  });
});
