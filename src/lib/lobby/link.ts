/**
 * One end of one mesh pair is a LabPeer (../peer/lab-peer.ts), the same negotiation engine
 * the MQTT labs use. This module adapts between the two: LabPeer's signals and the lobby
 * client's frames, and LabPeer's trace events and the lobby trace's (which add `remote`, the
 * other end's wire id).
 */
import type { ChannelSpec } from '../peer/lab-peer';
import { createSignalFactory, type DirectedSignalBody, type SignalFactory } from '../peer/signal-factory';
import { SIGNAL_VERSION, type DirectedSignal, type StatusSignal } from '../signalling/types';
import type { TraceEventBody } from '../trace/types';
import type { LobbyClient, LobbyClientEventOf } from './client';
import { LINK_EVENT_TYPES, type LinkTraceBody } from './trace';

/**
 * multiplayer_client.gd (Godot 4) _create_peer: `if id < rtc_mp.get_unique_id():
 * peer.create_offer()`, "so lobby creator never creates offers". Of each pair, the peer with
 * the higher id offers; the host (1) only answers.
 */
export function makesOffer(myId: number, remoteId: number): boolean {
  return remoteId < myId;
}

/**
 * The negotiated channel both ends create themselves (webrtc-pc createDataChannel,
 * negotiated), as Godot's WebRTCMultiplayerPeer does for its channel (id 1).
 */
export const MESH_CHANNEL = { label: 'mesh', init: { negotiated: true, id: 1 } } as const satisfies ChannelSpec;

/**
 * Lobby frames carry no session; LabPeer refuses signals of another session, so both ends of
 * every link use this one.
 */
export const MESH_SESSION = 'mesh';

/** The relayed frames a client hands to its link for that peer. */
export const RELAYED_EVENTS = ['offer', 'answer', 'candidate'] as const;
export type RelayedEvent = LobbyClientEventOf<(typeof RELAYED_EVENTS)[number]>;

/** LabPeer's id for the other end: its wire id as text. */
export const remoteName = (remote: number): string => String(remote);

/** Builds the signals `remote` sent to `peer` (the envelope LabPeer checks). */
export function incomingSignals(peer: string, remote: number): SignalFactory {
  return createSignalFactory({ from: remoteName(remote), to: peer, session: MESH_SESSION, instance: 'lobby' });
}

/** A relayed frame as LabPeer's signal body. */
export function signalBody(event: RelayedEvent): DirectedSignalBody {
  switch (event.kind) {
    case 'offer':
    case 'answer':
      return { kind: event.kind, sdp: event.sdp };
    case 'candidate':
      return { kind: 'candidate', candidate: event.candidate.sdp, sdpMid: event.candidate.mid, sdpMLineIndex: event.candidate.index };
  }
}

/** PEER_CONNECT as LabPeer's presence: the offerer offers once it sees the remote online. */
export function peerOnline(peer: string, remote: number, ts: number): StatusSignal {
  return { v: SIGNAL_VERSION, kind: 'status', from: remoteName(remote), session: MESH_SESSION, mid: `peer-connect-${remote}-${peer}`, ts, status: 'online' };
}

/** A signal LabPeer sends to `remote`, as the client's frame. */
export function sendFrame(client: LobbyClient, remote: number, signal: DirectedSignal): void {
  switch (signal.kind) {
    case 'offer':
      client.offer(remote, signal.sdp);
      return;
    case 'answer':
      client.answer(remote, signal.sdp);
      return;
    case 'candidate':
      client.candidate(remote, { mid: signal.sdpMid ?? '0', index: signal.sdpMLineIndex ?? 0, sdp: signal.candidate });
      return;
    case 'end-of-candidates':
      // Dropped: Godot's ice_candidate_created fires for real candidates only, so its clients
      // never send one, and the protocol's CANDIDATE has no form for it. ICE completes without
      // it; the far end just cannot conclude early that no pair will work (RFC 8838 §14).
      return;
  }
}

const LINK_TYPES: ReadonlySet<string> = new Set(LINK_EVENT_TYPES);

/** LabPeer's trace event as the lobby's, or null for one the lobby does not keep (see LINK_EVENT_TYPES). */
export function linkEvent(body: TraceEventBody, remote: number): LinkTraceBody | null {
  return LINK_TYPES.has(body.type) ? ({ ...body, remote } as LinkTraceBody) : null;
}
