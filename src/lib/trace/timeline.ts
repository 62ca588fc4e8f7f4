/**
 * State timelines: every transition of a peer's four RTCPeerConnection state machines and
 * of its data channel's readyState, each linked to the delivery that most likely caused it.
 */
import { describeMessage } from './selectors';
import type { EventOf, PeerMachine, TraceEvent } from './types';

export type TimelineMachine = PeerMachine | 'dataChannel';

export interface Transition {
  machine: TimelineMachine;
  value: string;
  /** ms since the trace began. */
  at: number;
  /** Trace index of the state event. */
  i: number;
  /**
   * Trace index of the 'held' event of the last message delivered to this peer before the
   * transition: a peer only changes state after a signal reaches it, or after its own API
   * call that such a signal prompted. Null before any delivery.
   */
  cause: number | null;
  /** e.g. "offer from alice" */
  causeLabel: string | null;
}

export const MACHINE_LABELS: Readonly<Record<TimelineMachine, string>> = {
  signaling: 'signalingState',
  iceGathering: 'iceGatheringState',
  iceConnection: 'iceConnectionState',
  connection: 'connectionState',
  dataChannel: 'data channel readyState',
};

/** The data channel's readyState as the trace reveals it (webrtc-pc §6.2 RTCDataChannelState). */
function channelState(e: TraceEvent, peer: string): string | null {
  if (e.type === 'channel' && e.peer === peer) return e.state;
  if (e.type === 'api' && e.peer === peer && e.ok && (e.call === 'createDataChannel' || e.call === 'ondatachannel')) return 'connecting';
  return null;
}

export function stateTimeline(events: readonly TraceEvent[], peer: string): Transition[] {
  const heldByQid = new Map<string, EventOf<'held'>>();
  const out: Transition[] = [];
  const last = new Map<TimelineMachine, string>();
  let cause: EventOf<'held'> | null = null;
  for (const e of events) {
    if (e.type === 'held') heldByQid.set(e.qid, e);
    if (e.type === 'delivered' && e.to === peer) cause = heldByQid.get(e.qid) ?? cause;
    let machine: TimelineMachine | null = null;
    let value: string | null = null;
    if (e.type === 'state' && e.peer === peer) {
      machine = e.machine;
      value = e.value;
    } else {
      value = channelState(e, peer);
      if (value !== null) machine = 'dataChannel';
    }
    if (machine === null || value === null || last.get(machine) === value) continue;
    last.set(machine, value);
    out.push({
      machine,
      value,
      at: e.at,
      i: e.i,
      cause: cause ? cause.i : null,
      causeLabel: cause ? `${describeMessage(cause)} from ${cause.from}` : null,
    });
  }
  return out;
}
