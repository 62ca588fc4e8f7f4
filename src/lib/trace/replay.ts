/**
 * Replay: a recorded trace seen "as of step n". A step is one delivery, as in the live lab,
 * so step n shows everything up to the n-th 'delivered' event and what it caused, and stops
 * just before the next delivery. Step 0 is everything before the first delivery.
 */
/**
 * What stepping reads of an event: its type, its index, and a delivery's queue id. Lab
 * traces (./types.ts) and lobby traces (../lobby/trace.ts) both have 'held' and 'delivered'
 * with a qid, so both step the same way.
 */
export type StepEvent = { readonly type: string; readonly i: number; readonly qid?: string };

/** Trace length (exclusive end) of each step: ends[n] is the prefix length at step n. */
export function stepEnds(events: readonly StepEvent[]): number[] {
  const ends: number[] = [];
  for (const e of events) if (e.type === 'delivered') ends.push(e.i);
  ends.push(events.length);
  return ends;
}

/** Number of the last step (= number of deliveries). */
export function lastStep(events: readonly StepEvent[]): number {
  return stepEnds(events).length - 1;
}

/** Clamp a step into 0..lastStep. NaN and non-numbers go to 0. */
export function clampStep(events: readonly StepEvent[], step: number): number {
  if (!Number.isFinite(step)) return 0;
  return Math.min(Math.max(Math.trunc(step), 0), lastStep(events));
}

/** The events visible at step n. */
export function prefixAt<E extends StepEvent>(events: readonly E[], step: number): readonly E[] {
  const ends = stepEnds(events);
  const n = clampStep(events, step);
  // ends[n] is the index of delivery n+1, i.e. the prefix stops right before it.
  return events.slice(0, ends[n]);
}

/** The step at which a trace event first becomes visible. */
export function stepOfEvent(events: readonly StepEvent[], index: number): number {
  let step = 0;
  for (const e of events) {
    if (e.i > index) break;
    if (e.type === 'delivered') step += 1;
  }
  return step;
}

/** `#step=12` → 12. Anything else → null. */
export function parseStepHash(hash: string): number | null {
  const match = /^#?step=(\d{1,7})$/.exec(hash.trim());
  return match ? Number(match[1]) : null;
}

export function stepHash(step: number): string {
  return `#step=${Math.max(0, Math.trunc(step))}`;
}

/**
 * The step a link to a message should open: the step that delivers it, if it was delivered;
 * otherwise the step at which it first appears (published, held, rejected).
 */
export function stepForMessage(events: readonly StepEvent[], index: number): number {
  const e = events[index];
  if (e?.type === 'held') {
    let step = 0;
    for (const x of events) {
      if (x.type !== 'delivered') continue;
      step += 1;
      if (x.qid === e.qid) return step;
    }
  }
  return stepOfEvent(events, index);
}

/** `base` (an address) with its hash set to step n. */
export function linkToStep(base: string, step: number): string {
  const url = new URL(base);
  url.hash = stepHash(step);
  return url.toString();
}
