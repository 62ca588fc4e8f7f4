/**
 * Why did ICE fail? Plain-words hints from the trace, for failures the browser does not
 * explain itself. A TURN server that refuses CreatePermission (RFC 8656 §9: 403 Forbidden)
 * raises no icecandidateerror in Chromium: ICE just fails after its checks time out.
 */
import type { TraceEvent } from '../trace/types';

export interface IceDiagnosis {
  peer: string;
  /** Short headline. */
  title: string;
  /** What probably happened and what to try. */
  detail: string;
}

function typeOf(candidate: string): string | null {
  return / typ (host|srflx|prflx|relay)\b/.exec(candidate)?.[1] ?? null;
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
    for (const e of events) {
      if (e.type === 'state' && e.peer === peer && e.machine === 'iceConnection') iceFailed = e.value === 'failed';
      if (e.type === 'state' && e.peer === peer && e.machine === 'connection') connectionFailed = e.value === 'failed';
      if (e.type === 'candidate-gathered' && e.peer === peer && e.candidate) {
        if (typeOf(e.candidate) === 'relay') relays++;
        else others++;
      }
      if (e.type === 'api' && e.peer === peer && e.call === 'onicecandidateerror') errors++;
    }
    if (!iceFailed && !connectionFailed) continue;
    if (relays > 0 && others === 0) {
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
