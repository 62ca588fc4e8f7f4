import { describe, expect, it } from 'vitest';
import { Trace } from '../trace/trace';
import type { TraceEventBody } from '../trace/types';
import { diagnoseIceFailure } from './diagnose';

const relay = 'candidate:1 1 udp 41885439 127.0.0.1 49160 typ relay raddr 0.0.0.0 rport 0 generation 0';
const host = 'candidate:2 1 udp 2122260223 a.local 5000 typ host generation 0';
const failed: TraceEventBody = { type: 'state', peer: 'alice', machine: 'iceConnection', value: 'failed' };
const connected: TraceEventBody = { type: 'state', peer: 'alice', machine: 'iceConnection', value: 'connected' };
const disconnected: TraceEventBody = { type: 'state', peer: 'alice', machine: 'iceConnection', value: 'disconnected' };
const gathered = (candidate: string): TraceEventBody => ({ type: 'candidate-gathered', peer: 'alice', candidate });

function events(bodies: TraceEventBody[]) {
  const trace = new Trace(() => 0);
  for (const b of bodies) trace.append(b);
  return trace.events;
}

describe('diagnoseIceFailure', () => {
  it.each([
    ['no failure, no diagnosis', [gathered(relay)], null],
    ['relay only, then failed: a refused permission (403)', [gathered(relay), failed], /403 Forbidden IP/],
    ['nothing gathered, with errors: the TURN server', [{ type: 'api', peer: 'alice', call: 'onicecandidateerror', ok: false, detail: '401' } as TraceEventBody, failed], /701.*401|401/],
    ['nothing gathered, no errors: no TURN server', [failed], /without a working TURN server/],
    ['host candidates too: every pair failed', [gathered(host), gathered(relay), failed], /Every candidate pair failed/],
    ['relay only, connected, then failed: the relay went away', [gathered(relay), connected, disconnected, failed], /TURN server has probably stopped/],
    ['relay only, connectionState connected, then failed', [gathered(relay), { ...connected, machine: 'connection' }, failed], /TURN server has probably stopped/],
    ['host too, connected, then failed: the path went away', [gathered(host), gathered(relay), connected, failed], /stopped answering ICE’s consent checks/],
  ])('%s', (_name, bodies, expected) => {
    const out = diagnoseIceFailure(events(bodies as TraceEventBody[]), ['alice', 'bob']);
    if (expected === null) expect(out).toEqual([]);
    else {
      expect(out).toHaveLength(1);
      expect(out[0]!.peer).toBe('alice');
      expect(out[0]!.detail).toMatch(expected);
    }
  });

  it('counts connectionState failed even while iceConnectionState says disconnected (Chromium)', () => {
    const bodies: TraceEventBody[] = [
      gathered(relay),
      { type: 'state', peer: 'alice', machine: 'iceConnection', value: 'disconnected' },
      { type: 'state', peer: 'alice', machine: 'connection', value: 'failed' },
    ];
    expect(diagnoseIceFailure(events(bodies), ['alice'])[0]?.detail).toMatch(/403 Forbidden IP/);
  });

  it('a recovered connection is not a failure', () => {
    const back: TraceEventBody = { type: 'state', peer: 'alice', machine: 'iceConnection', value: 'connected' };
    expect(diagnoseIceFailure(events([gathered(relay), failed, back]), ['alice'])).toEqual([]);
  });
});
