import { describe, expect, it } from 'vitest';
import { EARLY_CANDIDATE_LIMIT, EarlyCandidates, heldCandidates } from './early-candidates';
import { Trace } from '../trace/trace';
import type { CandidateSignal, Signal } from '../signalling/types';

function candidate(from: string, k: number, session = `s-${from}`): CandidateSignal {
  return { v: 1, kind: 'candidate', from, to: 'dog', session, mid: `${from}-${k}`, ts: 1, candidate: `candidate:${k} 1 udp 1 127.0.0.1 ${k} typ host`, sdpMid: '0', sdpMLineIndex: 0 };
}

describe('EarlyCandidates', () => {
  it(`holds candidates from at most ${EARLY_CANDIDATE_LIMIT.senders} senders at once`, () => {
    const trace = new Trace();
    const early = new EarlyCandidates('dog', (b) => trace.append(b));
    for (let p = 0; p <= EARLY_CANDIDATE_LIMIT.senders; p++) early.hold(candidate(`p${p}`, 1));
    expect(heldCandidates(trace.events, 'dog')).toEqual({ held: EARLY_CANDIDATE_LIMIT.senders, added: 0 });
    expect(trace.events.at(-1)).toMatchObject({ type: 'api', ok: false, detail: `dropped candidate from p${EARLY_CANDIDATE_LIMIT.senders}: already holding early candidates from 8 peers` });
    // A sender that goes offline frees its place.
    early.forget('p0', 'p0 went offline');
    early.hold(candidate('late', 1));
    expect(trace.events.at(-1)).toMatchObject({ type: 'candidate-buffered', reason: 'no offer from late yet' });
  });

  it('release hands the offer first, then the held candidates, and notes the flush once they are processed', async () => {
    const trace = new Trace();
    const early = new EarlyCandidates('dog', (b) => trace.append(b));
    early.hold(candidate('fox', 1));
    early.hold(candidate('fox', 2));
    const got: Signal[] = [];
    let done!: () => void;
    const settled = new Promise<void>((r) => (done = r));
    early.release({ v: 1, kind: 'offer', from: 'fox', to: 'dog', session: 's-fox', mid: 'o', ts: 1, sdp: 'v=0' }, { handleSignal: (s) => got.push(s), settled: () => settled });
    expect(got.map((s) => s.kind === 'candidate' ? s.candidate : s.kind)).toEqual(['offer', 'candidate:1 1 udp 1 127.0.0.1 1 typ host', 'candidate:2 1 udp 1 127.0.0.1 2 typ host']);
    expect(heldCandidates(trace.events, 'dog')).toEqual({ held: 2, added: 0 });
    done();
    await settled;
    await Promise.resolve();
    expect(heldCandidates(trace.events, 'dog')).toEqual({ held: 2, added: 2 });
  });
});
