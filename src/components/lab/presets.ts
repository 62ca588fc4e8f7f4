/**
 * Lab presets: one per chapter. For now a preset chooses which panels start open, so each
 * chapter's lab opens on its lesson; every panel stays one click away.
 */
export type Preset = 'full' | 'mqtt' | 'signalling' | 'sdp' | 'ice' | 'stun' | 'turn';

export interface PresetPanels {
  settings: boolean;
  ice: boolean;
  packets: boolean;
  timelines: boolean;
}

export const PRESET_PANELS: Readonly<Record<Preset, PresetPanels>> = {
  full: { settings: true, ice: true, packets: false, timelines: false },
  mqtt: { settings: true, ice: false, packets: true, timelines: false },
  signalling: { settings: false, ice: false, packets: false, timelines: false },
  sdp: { settings: false, ice: false, packets: false, timelines: false },
  ice: { settings: false, ice: true, packets: false, timelines: true },
  stun: { settings: true, ice: true, packets: false, timelines: false },
  turn: { settings: true, ice: true, packets: false, timelines: false },
};
