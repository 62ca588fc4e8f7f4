/**
 * The labs' keyboard: Space or → steps from anywhere in a lab, except where the key already
 * means something (typing in a field, pressing a button, opening a summary or a link).
 */

/** True when a key press on `target` belongs to the element itself, not to the lab. */
export function keyIsTheElements(event: KeyboardEvent): boolean {
  if (event.altKey || event.ctrlKey || event.metaKey) return true;
  const target = event.target as HTMLElement | null;
  const tag = target?.tagName;
  if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target?.isContentEditable) return true;
  // Space on a button presses that button.
  return event.key === ' ' && (tag === 'BUTTON' || tag === 'SUMMARY' || tag === 'A');
}

/** A keydown handler for a one-line message field: Enter sends (not while an IME is composing). */
export function enterSends(send: () => void): (event: KeyboardEvent) => void {
  return (event) => {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    send();
  };
}

/** A keydown handler for a lab: Space / → call `step` while `canStep()`. */
export function stepKeys(canStep: () => boolean, step: () => void): (event: KeyboardEvent) => void {
  return (event) => {
    if (event.key !== ' ' && event.key !== 'ArrowRight') return;
    if (keyIsTheElements(event) || !canStep()) return;
    event.preventDefault();
    step();
  };
}
