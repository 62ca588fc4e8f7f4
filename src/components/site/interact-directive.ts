/**
 * `client:interact`: hydrate an island when the reader reaches for it (pointer over or down,
 * focus, a key, a file dragged in) rather than on load, so a page whose lab sits above the
 * fold ships none of the lab's code until it is used.
 *
 * Nothing the reader does in the meantime is lost: a press of a button, a changed field (a
 * checkbox, a choice, a file) and a dropped file are held while it loads and replayed on the
 * same elements once it has hydrated; text typed into a field stays (Svelte keeps a value
 * changed before hydration). Links, labels and <summary> work natively.
 * An address carrying lab settings (`?…`, or `#step=N`) hydrates at once, because the island
 * must read them to render the right thing.
 */
import type { ClientDirective } from 'astro';

/** The reader is reaching for the island: start loading it. */
const WAKE = ['pointerover', 'pointerdown', 'touchstart', 'focusin', 'keydown', 'dragenter'] as const;
/** Must not be lost while it loads: held, then replayed once it has hydrated. */
const HOLD = ['click', 'change', 'dragover', 'drop'] as const;

type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
const isField = (el: Element): el is Field =>
  el instanceof HTMLInputElement || el instanceof HTMLSelectElement || el instanceof HTMLTextAreaElement;

const interact: ClientDirective = (load, _options, el) => {
  let woken = false;
  let hydrated = false;
  const replays: Array<() => void> = [];

  const wake = async (): Promise<void> => {
    if (woken) return;
    woken = true;
    for (const type of WAKE) el.removeEventListener(type, onWake, true);
    try {
      const hydrate = await load();
      await hydrate();
    } finally {
      hydrated = true;
      for (const type of HOLD) el.removeEventListener(type, hold, true);
    }
    // Svelte runs effects (onMount) after hydrate() returns: replay once they have run.
    await new Promise((resolve) => setTimeout(resolve, 0));
    for (const replay of replays.splice(0)) replay();
  };
  const onWake = (): void => void wake();

  const hold = (event: Event): void => {
    const target = event.target;
    if (hydrated || !(target instanceof HTMLElement)) return;
    void wake();
    if (event.type === 'click') {
      // Only a button needs the island; links, labels, checkboxes and <summary> work without
      // it (a field's change is replayed below).
      const button = target.closest('button');
      if (!button) return;
      event.preventDefault();
      event.stopPropagation();
      // Say the press was taken while the lab loads (global.css shows it).
      button.setAttribute('aria-busy', 'true');
      replays.push(() => {
        button.removeAttribute('aria-busy');
        if (button.isConnected) button.click();
      });
    } else if (event.type === 'change') {
      if (!isField(target)) return;
      // Svelte sets a <select> from its state when it hydrates: put the reader's choice back.
      const { value } = target;
      const checked = target instanceof HTMLInputElement && target.checked;
      replays.push(() => {
        if (target instanceof HTMLInputElement && (target.type === 'checkbox' || target.type === 'radio')) target.checked = checked;
        else if (!(target instanceof HTMLInputElement && target.type === 'file')) target.value = value;
        target.dispatchEvent(new Event('input', { bubbles: true }));
        target.dispatchEvent(new Event('change', { bubbles: true }));
      });
    } else if (event.type === 'dragover') {
      // Without this the browser refuses the drop (HTML, drag-and-drop processing model).
      event.preventDefault();
    } else {
      event.preventDefault();
      event.stopPropagation();
      const files = Array.from((event as DragEvent).dataTransfer?.files ?? []);
      replays.push(() => {
        const data = new DataTransfer();
        for (const file of files) data.items.add(file);
        target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: data }));
      });
    }
  };

  // Held until hydrated even when it hydrates at once: its controls are enabled from the start.
  for (const type of HOLD) el.addEventListener(type, hold, true);
  if (location.search !== '' || location.hash.startsWith('#step=')) void wake();
  else for (const type of WAKE) el.addEventListener(type, onWake, { capture: true, passive: true });
};

export default interact;
