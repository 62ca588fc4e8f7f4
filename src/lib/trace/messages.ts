/**
 * Lookups across the messages of a trace that the inspector needs.
 */
import type { TraceEvent } from './types';

/**
 * For an answer at trace index `index` (published or held): the SDP of the latest offer
 * before it, so the inspector can show what the answer decided. Otherwise null.
 */
export function offerSdpBefore(events: readonly TraceEvent[], index: number): string | null {
  const sel = events[index];
  if (!sel || (sel.type !== 'held' && sel.type !== 'published') || sel.kind !== 'answer') return null;
  for (let i = index - 1; i >= 0; i--) {
    const e = events[i]!;
    if ((e.type === 'published' || e.type === 'held') && e.kind === 'offer') {
      try {
        const sdp: unknown = JSON.parse(e.payload).sdp;
        return typeof sdp === 'string' ? sdp : null;
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** The queue id of the latest delivery, or null: the diagram animates that arrow. */
export function newestDelivered(events: readonly { type: string; qid?: string }[]): string | null {
  for (let i = events.length - 1; i >= 0; i--) {
    const e = events[i]!;
    if (e.type === 'delivered' && e.qid !== undefined) return e.qid;
  }
  return null;
}
