import { describe, expect, it } from 'vitest';
import type { TraceEvent } from '../trace/types';
import { describeTabEvent, isFailure } from './event-log';

const at = { i: 0, at: 0 };

describe('describeTabEvent', () => {
  it.each<[TraceEvent, string]>([
    [{ ...at, type: 'api', peer: 'alice', call: 'createOffer', ok: true }, 'createOffer() ok'],
    [{ ...at, type: 'api', peer: 'alice', call: 'setRemoteDescription', ok: false, detail: 'InvalidStateError: x' }, 'setRemoteDescription() failed: InvalidStateError: x'],
    [{ ...at, type: 'state', peer: 'alice', machine: 'connection', value: 'connected' }, 'connection state → connected'],
    [{ ...at, type: 'candidate-gathered', peer: 'alice', candidate: null }, 'gathering complete (null candidate)'],
    [{ ...at, type: 'candidate-gathered', peer: 'alice', candidate: 'candidate:1 1 udp 1 a.local 1 typ host' }, 'gathered candidate:1 1 udp 1 a.local 1 typ host'],
    [{ ...at, type: 'channel', peer: 'alice', state: 'open' }, 'data channel open'],
    [{ ...at, type: 'chat', from: 'bob', to: 'alice', text: '<b>hi</b>' }, 'chat bob → alice: <b>hi</b>'],
    [{ ...at, type: 'delivered', qid: 'q', to: 'bob' }, 'delivered'],
    [{ ...at, type: 'paste', peer: 'bob', what: 'role', role: 'answerer' }, 'you chose the answerer part'],
    [{ ...at, type: 'paste', peer: 'alice', what: 'own', sdpType: 'offer', sdp: 'v=0', candidates: 1 }, 'your offer is ready to carry (1 candidate inside)'],
    [{ ...at, type: 'paste', peer: 'bob', what: 'accepted', sdpType: 'offer', sdp: 'v=0', candidates: 0, warnings: ['w'] }, 'pasted offer passed the checks (0 candidates, 1 warning(s))'],
    [{ ...at, type: 'paste', peer: 'bob', what: 'refused', reason: 'not SDP' }, 'paste refused: not SDP'],
  ])('%j', (e, text) => {
    expect(describeTabEvent(e)).toBe(text);
  });

  it('marks failed calls only', () => {
    expect(isFailure({ ...at, type: 'api', peer: 'a', call: 'x', ok: false })).toBe(true);
    expect(isFailure({ ...at, type: 'api', peer: 'a', call: 'x', ok: true })).toBe(false);
    expect(isFailure({ ...at, type: 'channel', peer: 'a', state: 'closed' })).toBe(false);
  });
});
