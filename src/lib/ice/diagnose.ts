/**
 * Why did ICE fail? Plain-words hints from the trace, for failures the browser does not
 * explain itself. A TURN server that refuses CreatePermission (RFC 8656 §9: 403 Forbidden)
 * raises no icecandidateerror in Chromium: ICE just fails after its checks time out.
 */
import type { TraceEvent } from '../trace/types';
import { isCandidateError, parseCandidate } from './candidate';

export interface IceDiagnosis {
  peer: string;
  /** Short headline. */
  title: string;
  /** What probably happened and what to try. */
  detail: string;
}

function typeOf(candidate: string): string | null {
  const c = parseCandidate(candidate);
  return isCandidateError(c) ? null : c.type;
}

export function diagnoseIceFailure(events: readonly TraceEvent[], peers: readonly string[]): IceDiagnosis[] {
  const out: IceDiagnosis[] = [];
  for (const peer of peers) {
    // Chromium can report connectionState 'failed' while iceConnectionState sits at 'disconnected'.
    let iceFailed = false;
    let connectionFailed = false;
    let relays = 0;
    let others = 0;
    let errors = 0;
    /** It had a working path before it failed: the path went away, it was never missing. */
    let wasConnected = false;
    for (const e of events) {
      if (e.type === 'state' && e.peer === peer && (e.value === 'connected' || e.value === 'completed')) wasConnected = true;
      if (e.type === 'state' && e.peer === peer && e.machine === 'iceConnection') iceFailed = e.value === 'failed';
      if (e.type === 'state' && e.peer === peer && e.machine === 'connection') connectionFailed = e.value === 'failed';
      if (e.type === 'candidate-gathered' && e.peer === peer && e.candidate) {
        if (typeOf(e.candidate) === 'relay') relays++;
        else others++;
      }
      if (e.type === 'api' && e.peer === peer && e.call === 'onicecandidateerror') errors++;
    }
    if (!iceFailed && !connectionFailed) continue;
    if (wasConnected) {
      out.push(relays > 0 && others === 0 ? relayWentAway(peer) : pathWentAway(peer));
    } else if (relays > 0 && others === 0) {
      out.push({
        peer,
        title: `ICE failed for ${peer}, although its TURN server gave it a relay address`,
        detail:
          'The allocation worked, so the URL and the credentials are right, but no check through the relay succeeded. ' +
          'The usual cause is that the TURN server refuses to relay to the other peer\u2019s address: it answers ' +
          'CreatePermission with 403 Forbidden IP (coturn does this for loopback and private addresses unless it runs with ' +
          '--allow-loopback-peers, or the address is allowed with allowed-peer-ip). Browsers do not report this 403 as an ' +
          'icecandidateerror; ICE simply fails (RFC 8656 \u00a79).',
      });
    } else if (relays + others === 0) {
      out.push({
        peer,
        title: `ICE failed for ${peer}: it gathered no candidates at all`,
        detail:
          errors > 0
            ? 'Its ICE servers reported errors (see below): with policy=relay, a TURN server that cannot be reached (701) or that refuses the credentials (401) leaves nothing to try.'
            : 'With policy=relay only relay candidates count: without a working TURN server in ?ice= there is nothing to try.',
      });
    } else {
      out.push({
        peer,
        title: `ICE failed for ${peer}`,
        detail:
          'Every candidate pair failed its connectivity checks. Check that the other peer\u2019s candidates were delivered (a dropped or held candidate cannot be paired), and that a relay is available when both peers sit behind NATs that filter by address and port.',
      });
    }
  }
  return out;
}

// Consent freshness (RFC 7675 §5.1): a peer rechecks a working pair every few seconds and
// gives up on it after 30 s without an answer; browsers show 'disconnected', then 'failed'.
function relayWentAway(peer: string): IceDiagnosis {
  return {
    peer,
    title: `ICE failed for ${peer} after it had connected: its TURN relay went away`,
    detail:
      'The connection worked, and every packet went through the TURN server. Then the relay stopped answering: ICE keeps ' +
      'checking that a working path still works (consent freshness, RFC 7675), so it went disconnected and, after about ' +
      '30 seconds without an answer, failed. The TURN server has probably stopped or restarted (a restart forgets every ' +
      'allocation, so the relay addresses are gone), or the network to it broke. With policy=relay there is no other ' +
      'path to fall back on: once the server is back, Reset and start again (or call restartIce()).',
  };
}

function pathWentAway(peer: string): IceDiagnosis {
  return {
    peer,
    title: `ICE failed for ${peer} after it had connected`,
    detail:
      'The connection worked, then its path stopped answering ICE\u2019s consent checks (RFC 7675) for about 30 seconds: ' +
      'the other peer went away without a goodbye, or the network between them changed. An ICE restart ' +
      '(restartIce()) gathers fresh candidates and tries again.',
  };
}
