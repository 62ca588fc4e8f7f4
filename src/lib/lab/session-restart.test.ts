/**
 * ICE restart in the two-peer lab (RFC 8445 §9; webrtc-pc restartIce()): the reader's ICE restart
 * ICE makes the offerer send a new offer with new credentials through the same queue as any
 * signal, then the answer and a new generation of candidates; the diagram and the narration
 * say so, and the data channel stays up.
 */
import { describe, expect, it } from 'vitest';
import { directLab, gatherNew, stepToEnd, type DirectLab } from './fixtures';
import { pairFakes } from '../testing/fake-peer-connection';
import { sdpUfrag } from '../ice/credentials';
import { canRestartIce, diagramRows, heldMessages, iceConnectedOnce, peerStates } from '../trace/selectors';
import { narrate } from '../trace/narration';
import type { EventOf, TraceEvent } from '../trace/types';

type Held = EventOf<'held'>;

const sdpOf = (h: Held): string => (JSON.parse(h.payload) as { sdp: string }).sdp;
const pwdOf = (sdp: string) => /^a=ice-pwd:(\S+)/m.exec(sdp)?.[1];
const helds = (events: readonly TraceEvent[], kind: string, from: string) => events.filter((e): e is Held => e.type === 'held' && e.kind === kind && e.from === from);

/** alice and bob connected over fake peers, every signal delivered. */
async function connected(): Promise<DirectLab> {
  const lab = directLab({ root: 'webrtc-lab/restart' });
  await lab.session.start();
  await lab.settle();
  pairFakes(lab.fakes.instances[0]!, lab.fakes.instances[1]!, { autoConnect: true });
  await stepToEnd(lab, 30);
  expect(peerStates(lab.session.trace.events, 'alice').connection).toBe('connected');
  return lab;
}

/** One Step, then the fakes gather a host candidate for any new description; the narration of that step. */
async function step(lab: DirectLab) {
  lab.session.step();
  await lab.settle();
  const told = narrate(lab.session.trace.events)!;
  gatherNew(lab.fakes.instances);
  await lab.settle();
  return told;
}

describe('ICE restart in the two-peer lab', () => {
  it('is not offered before the peers have connected', async () => {
    const lab = directLab({ root: 'webrtc-lab/restart' });
    await lab.session.start();
    await lab.settle();
    expect(canRestartIce(lab.session.trace.events, 'alice')).toBe(false);
    expect(iceConnectedOnce(lab.session.trace.events, 'alice')).toBe(false);
    await lab.session.close();
  });

  it('queues a new offer with new ufrag and pwd; the answer, the rows and the narration follow', async () => {
    const lab = await connected();
    const { session } = lab;
    const events = () => session.trace.events;
    const firstOffer = helds(events(), 'offer', 'alice')[0]!;
    const firstAnswer = helds(events(), 'answer', 'bob')[0]!;
    const was = sdpUfrag(sdpOf(firstOffer))!;
    expect(canRestartIce(events(), 'alice')).toBe(true);
    expect(iceConnectedOnce(events(), 'alice')).toBe(true);

    expect(session.restartIce()).toBe(true);
    await lab.settle();
    // The offer waits in the queue like any signal: nothing reached bob yet.
    const [restartOffer] = heldMessages(events());
    expect(restartOffer).toMatchObject({ kind: 'offer', from: 'alice', to: 'bob' });
    const ufrag = sdpUfrag(sdpOf(restartOffer!))!;
    expect(ufrag).not.toBe(was);
    expect(pwdOf(sdpOf(restartOffer!))).not.toBe(pwdOf(sdpOf(firstOffer)));
    // One restart at a time: alice's offer is out.
    expect(canRestartIce(events(), 'alice')).toBe(false);
    const calls = events().filter((e): e is EventOf<'api'> => e.type === 'api' && e.peer === 'alice').map((e) => `${e.call} ${e.detail ?? ''}`.trim());
    // restartIce() makes negotiation needed (webrtc-pc); the browser's event lands where it may.
    expect(calls).toContain('onnegotiationneeded');
    expect(calls.filter((c) => c !== 'onnegotiationneeded').slice(-3)).toEqual([
      `restartIce replaces ufrag ${was}`,
      `createOffer ICE restart: new ufrag ${ufrag} (was ${was})`,
      'setLocalDescription offer',
    ]);

    // The diagram: the restart over alice at the signalling level, the calls at '+ API calls'.
    const signalling = diagramRows(events(), ['alice', 'bob'], 'signalling').map((r) => r.label);
    expect(signalling).toContain(`ICE restart: new ufrag ${ufrag} (was ${was})`);
    const api = diagramRows(events(), ['alice', 'bob'], 'api').map((r) => r.label);
    expect(api).toEqual(expect.arrayContaining([`restartIce(): replaces ufrag ${was}`, `createOffer(): ICE restart: new ufrag ${ufrag} (was ${was})`]));

    const offerStep = await step(lab);
    expect(offerStep.key).toBe('offer/restart');
    expect(offerStep.text).toContain(`new ufrag ${ufrag} (was ${was})`);
    const restartAnswer = helds(events(), 'answer', 'bob')[1]!;
    const bobWas = sdpUfrag(sdpOf(firstAnswer))!;
    const bobNew = sdpUfrag(sdpOf(restartAnswer))!;
    expect(bobNew).not.toBe(bobWas);

    const told: string[] = [];
    while (session.queue.size > 0) {
      const qid = heldMessages(events())[0]!.qid;
      const n = await step(lab);
      expect(n.qid).toBe(qid);
      told.push(n.key);
      if (n.key === 'answer/restart') expect(n.text).toContain(`new ufrag ${bobNew} (was ${bobWas})`);
    }
    expect(told).toContain('answer/restart');
    expect(told).toContain('candidate/restart');
    // The new candidates carry the new ufrags, and each side added the other's.
    const newCandidates = events().filter((e): e is Held => e.type === 'held' && e.kind === 'candidate' && e.i > restartOffer!.i);
    expect(newCandidates.map((c) => (JSON.parse(c.payload) as { usernameFragment: string }).usernameFragment).sort()).toEqual([bobNew, ufrag].sort());
    const failed = events().filter((e) => e.type === 'api' && !e.ok);
    expect(failed).toEqual([]);
    // Still connected, the channel never closed, chat still goes peer to peer.
    for (const peer of ['alice', 'bob']) expect(peerStates(events(), peer)).toMatchObject({ connection: 'connected', signaling: 'stable' });
    expect(events().some((e) => e.type === 'channel' && e.state === 'closed')).toBe(false);
    expect(session.sendChat('alice', 'still here')).toBe(true);
    expect(canRestartIce(events(), 'alice')).toBe(true);
    await session.close();
  });

  it("a restart's candidate that overtakes its answer waits for the answer's ufrag", async () => {
    const lab = await connected();
    const { session } = lab;
    const events = () => session.trace.events;
    session.restartIce();
    await lab.settle();
    await step(lab); // the offer: bob answers and gathers
    // Deliver bob's first new candidate to alice before his answer.
    const queue = heldMessages(events());
    const answer = queue.find((h) => h.kind === 'answer')!;
    const candidate = queue.find((h) => h.kind === 'candidate' && h.from === 'bob')!;
    while (heldMessages(events())[0]!.qid !== candidate.qid) session.move(candidate.qid, -1);
    const early = await step(lab);
    expect(early.key).toBe('candidate/restart-early');
    const ufrag = sdpUfrag(sdpOf(answer))!;
    expect(events().some((e) => e.type === 'candidate-buffered' && e.peer === 'alice' && e.reason.includes(`ufrag ${ufrag}`))).toBe(true);
    while (heldMessages(events())[0]!.qid !== answer.qid) await step(lab);
    await step(lab);
    // The answer flushed it: addIceCandidate with the new ufrag succeeded.
    expect(events().some((e) => e.type === 'candidates-flushed' && e.peer === 'alice')).toBe(true);
    expect(events().filter((e) => e.type === 'api' && !e.ok)).toEqual([]);
    await session.close();
  });

  it('refuses a restart while an offer/answer round is open, and says why', async () => {
    const lab = await connected();
    const { session } = lab;
    session.restartIce();
    session.restartIce();
    await lab.settle();
    const refused = session.trace.events.filter((e): e is EventOf<'api'> => e.type === 'api' && e.call === 'restartIce' && !e.ok);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.detail).toMatch(/^signalingState is have-local-offer/);
    expect(heldMessages(session.trace.events).filter((h) => h.kind === 'offer')).toHaveLength(1);
    await session.close();
  });
});
