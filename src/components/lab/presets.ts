/**
 * Lab presets: one per chapter. For now a preset chooses which panels start open, so each
 * chapter's lab opens on its lesson; every panel stays one click away.
 */
import type { DiagramDetail } from '../../lib/trace/selectors';

export type Preset = 'full' | 'mqtt' | 'signalling' | 'sdp' | 'ice' | 'stun' | 'turn' | 'direct';

export interface PresetPanels {
  settings: boolean;
  ice: boolean;
  packets: boolean;
  timelines: boolean;
  /** The "discard candidates as they arrive" switches under the held messages. */
  discard: boolean;
}

export const PRESET_PANELS: Readonly<Record<Preset, PresetPanels>> = {
  full: { settings: true, ice: true, packets: false, timelines: false, discard: true },
  mqtt: { settings: true, ice: false, packets: true, timelines: false, discard: false },
  signalling: { settings: false, ice: false, packets: false, timelines: false, discard: false },
  sdp: { settings: false, ice: false, packets: false, timelines: false, discard: false },
  ice: { settings: false, ice: true, packets: false, timelines: true, discard: true },
  stun: { settings: true, ice: true, packets: false, timelines: false, discard: false },
  turn: { settings: true, ice: true, packets: false, timelines: false, discard: false },
  // The direct path chapter reads the diagram's peer-to-peer rows and the answer's SDP.
  direct: { settings: false, ice: false, packets: false, timelines: false, discard: false },
};

/**
 * How much the diagram shows at first, per chapter: the MQTT chapter is about the broker's
 * hops; the signalling and SDP chapters about the calls each message causes; ICE, STUN, TURN
 * and the full lab about the path the peers find between them; the direct path chapter about
 * what runs on it once found.
 */
export const PRESET_DETAIL: Readonly<Record<Preset, DiagramDetail>> = {
  full: 'p2p',
  mqtt: 'signalling',
  // The signalling chapter's experiments (glare, vanilla vs trickle) are about which signals
  // cross; the reader adds the API calls with one click.
  signalling: 'signalling',
  sdp: 'api',
  ice: 'p2p',
  stun: 'p2p',
  turn: 'p2p',
  direct: 'p2p',
};

/** The detail a chapter (by its slug) starts its diagram at; the full lab's for any other page. */
export function detailForChapter(chapter: string): DiagramDetail {
  return (PRESET_DETAIL as Readonly<Record<string, DiagramDetail>>)[chapter] ?? PRESET_DETAIL.full;
}

/** What a preset changes in the session itself (LabConfig); the defaults suit every chapter but MQTT. */
export interface PresetSession {
  /** false: MQTT only, no RTCPeerConnection. */
  webrtc: boolean;
  /** Keep-alive in seconds, shown to the reader; undefined: the transport's default (30 s). */
  keepaliveS?: number;
  /** Pull the plug silently (Wi-Fi gone) so the broker waits out the keep-alive. */
  silentPlug: boolean;
  /** The form that publishes a chat with a chosen QoS, and its handshake. */
  publishForm: boolean;
  subscribeQos: 0 | 1 | 2;
}

const DEFAULT_SESSION: PresetSession = { webrtc: true, silentPlug: false, publishForm: false, subscribeQos: 1 };

export const PRESET_SESSION: Readonly<Partial<Record<Preset, PresetSession>>> = {
  // Short keep-alive, so the reader waits 7.5 s at most for the will, not 45 s.
  mqtt: { webrtc: false, keepaliveS: 5, silentPlug: true, publishForm: true, subscribeQos: 2 },
};

export function presetSession(preset: Preset): PresetSession {
  return PRESET_SESSION[preset] ?? DEFAULT_SESSION;
}
