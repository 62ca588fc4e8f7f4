/**
 * The full lab's modes (`/lab/?mode=…`). Each mode is its own component, loaded only when
 * chosen, so the default lab pays nothing for the others.
 */
export interface LabMode {
  id: string;
  label: string;
  /** One line under the switcher. */
  blurb: string;
}

export const LAB_MODES: readonly LabMode[] = [
  { id: 'both', label: 'Both peers here', blurb: 'Alice and bob in this page, every message held until you step.' },
  { id: 'solo', label: 'One peer per device', blurb: 'You are one peer; the other runs in another tab or on another computer.' },
  { id: 'paste', label: 'Copy and paste', blurb: 'No server at all: carry the offer and the answer across yourself.' },
  { id: 'watch', label: 'Watch a root', blurb: 'Join nothing: draw every signal between any peers on a broker, your own app included.' },
];

/** `?mode=solo` → 'solo'; anything unknown → 'both'. */
export function modeFrom(search: string): string {
  const id = new URLSearchParams(search).get('mode');
  return LAB_MODES.some((m) => m.id === id) ? id! : 'both';
}
