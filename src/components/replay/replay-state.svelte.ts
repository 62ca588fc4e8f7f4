/**
 * The replay view's one runes class: a recorded trace and the step being looked at.
 * Every view is a pure function of the trace prefix at that step (src/lib/trace).
 */
import { traceLanes } from '../../lib/trace/lanes';
import { newestDelivered } from '../../lib/trace/messages';
import { parseTraceJson } from '../../lib/trace/export';
import { clampStep, lastStep, prefixAt, stepOfEvent } from '../../lib/trace/replay';
import { diagramRows, heldMessages, peerStates, brokerState, channelOpen } from '../../lib/trace/selectors';
import type { TraceEvent } from '../../lib/trace/types';

/** A bundled example trace (public/traces/<id>.json). */
export interface Example {
  id: string;
  title: string;
  url: string;
}

export class ReplayState {
  events = $state.raw<TraceEvent[]>([]);
  /** Name of the file or example the trace came from. */
  source = $state<string | null>(null);
  error = $state<string | null>(null);
  step = $state(0);
  /** Trace index of the message open in the inspector. */
  selected = $state<number | null>(null);
  announcement = $state('');

  last = $derived(lastStep(this.events));
  visible = $derived(prefixAt(this.events, this.step));
  peers = $derived(traceLanes(this.events));
  rows = $derived(diagramRows(this.visible, this.peers));
  held = $derived(heldMessages(this.visible));
  channelOpen = $derived(channelOpen(this.visible));
  newestQid = $derived(newestDelivered(this.visible));
  /** The broker of the recorded session (for mosquitto_pub and packet notes). */
  broker = $derived.by(() => {
    const session = this.events.find((e) => e.type === 'session');
    return session?.type === 'session' ? session.broker : 'in-page';
  });

  /** Parses untrusted text; on failure keeps the current trace and says why. */
  load(text: string, source: string, step = 0): boolean {
    const result = parseTraceJson(text);
    if (!result.ok) {
      this.error = `${source} is not a trace this lab can replay: ${result.reason}`;
      this.announce(this.error);
      return false;
    }
    this.error = null;
    this.events = result.events;
    this.source = source;
    this.selected = null;
    this.step = clampStep(result.events, step);
    this.announce(`Loaded ${source}: ${result.events.length} events, ${this.last} steps. Showing step ${this.step}.`);
    return true;
  }

  setStep(step: number): void {
    const next = clampStep(this.events, step);
    if (next === this.step) return;
    this.step = next;
    // A message that is not visible yet at this step cannot stay open.
    if (this.selected !== null && this.selected >= this.visible.length) this.selected = null;
    const row = this.rows.findLast((r) => r.status === 'delivered');
    this.announce(`Step ${this.step} of ${this.last}${row ? `: ${row.label} delivered to ${row.to}` : ''}.`);
  }

  back(): void {
    this.setStep(this.step - 1);
  }

  forward(): void {
    this.setStep(this.step + 1);
  }

  /** Open a message; jumps forward to the step where it exists if needed. */
  select(eventIndex: number): void {
    if (eventIndex >= this.visible.length) this.setStep(stepOfEvent(this.events, eventIndex));
    this.selected = eventIndex;
  }

  statesOf(peer: string) {
    return peerStates(this.visible, peer);
  }

  brokerStateOf(peer: string) {
    return brokerState(this.visible, peer);
  }

  announce(text: string): void {
    // Re-setting the same text would not be announced again.
    this.announcement = this.announcement === text ? `${text}\u00a0` : text;
  }
}
