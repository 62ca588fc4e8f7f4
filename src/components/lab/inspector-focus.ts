/**
 * Where the message inspector takes the reader and gives them back: opening a message brings
 * the inspector into view (beside the diagram it already is; under it, the page scrolls to it),
 * and Close returns the focus to what opened it (the table's button, the diagram's drawing, a
 * held message), so a keyboard or screen-reader user is not left at the top of the page.
 */
import { tick } from 'svelte';

/**
 * Scroll `el` into view below the lab's sticky Step bar, not under it: its scroll margin is the
 * bar's height now (the narration in it takes one line or three). Set on `el` alone, at scroll
 * time: a custom property kept up to date on the whole lab box restyled every element in it on
 * each Step (≈ 5 ms a Step, npm run bench 3b).
 */
export function revealBelowStepbar(el: HTMLElement | undefined, behavior: ScrollBehavior = 'auto'): void {
  if (!el) return;
  const bar = el.closest('.lab-box')?.querySelector<HTMLElement>('.stepbar');
  if (bar) el.style.setProperty('--stepbar-h', `${bar.offsetHeight}px`);
  el.scrollIntoView({ block: 'nearest', behavior });
}

export class InspectorFocus {
  private opener: HTMLElement | null = null;

  /** A message was selected: remember the focused element, then show the inspector. */
  opened(inspector: HTMLElement | undefined): void {
    const active = document.activeElement;
    if (active instanceof HTMLElement && active !== document.body && !inspector?.contains(active)) this.opener = active;
    // After the inspector has drawn the message, so its new height counts.
    void tick().then(() => revealBelowStepbar(inspector));
  }

  /** The inspector's Close: `clear` the selection, then focus goes back to the opener, if it is still on the page. */
  closer(clear: () => void): () => void {
    return () => {
      clear();
      const el = this.opener;
      this.opener = null;
      if (el?.isConnected) el.focus();
    };
  }
}
