/**
 * The replay view's one runes class: a recorded trace and the step being looked at.
 * Every view is a pure function of the trace prefix at that step: the same selectors the
 * live lab of that kind draws with (src/lib/trace for the MQTT labs, src/lib/lobby for the
 * lobby lab), picked by the trace's kind from REPLAY_VIEWS.
 */
import { traceLanes, watchedLanes } from '../../lib/trace/lanes';
import { newestDelivered } from '../../lib/trace/messages';
import { parseTraceFile, type ParsedTrace, type TraceKind } from '../../lib/trace/export';
import { clampStep, lastStep, prefixAt, stepOfEvent } from '../../lib/trace/replay';
import { diagramRows, heldApart, heldMessages, channelOpen, type DiagramDetail, type DiagramRow } from '../../lib/trace/selectors';
import type { TraceEvent } from '../../lib/trace/types';
import { narrate, stepAnnouncement, type Narration } from '../../lib/trace/narration';
import { lobbyView, type LobbyView } from '../../lib/lobby/diagram-rows';
import { narrateLobby } from '../../lib/lobby/narration';
import type { LobbyTraceEvent } from '../../lib/lobby/trace';

/** A bundled example trace (public/traces/<id>.json). */
export interface Example {
  id: string;
  title: string;
  url: string;
}

/** What every kind's view has: the diagram, for the shared controls and exports. */
interface DiagramView {
  /** The two lanes the lab format names; `lanes`, when set, draws others instead. */
  peers: [string, string];
  lanes?: string[];
  rows: DiagramRow[];
  newestQid: string | null;
  /** What this step did, in words: the same sentences the live lab showed at this step. */
  narration: Narration | null;
}

export interface LabReplayView extends DiagramView {
  kind: 'lab';
  events: readonly TraceEvent[];
  visible: readonly TraceEvent[];
  held: ReturnType<typeof heldMessages>;
  /** Held apart (foreign or suspicious) so far. */
  apart: ReturnType<typeof heldApart>;
  channelOpen: boolean;
  /** The broker of the recorded session (for mosquitto_pub and packet notes). */
  broker: string;
}

export interface LobbyReplayView extends LobbyView {
  narration: Narration | null;
  /** The lab format's two lanes, for the diagram's props; `lanes` draws the server and p1…p4. */
  peers: [string, string];
  kind: 'lobby';
  events: readonly LobbyTraceEvent[];
  visible: readonly LobbyTraceEvent[];
}

export type ReplayView = LabReplayView | LobbyReplayView;

/** Per trace kind: everything the replay shows at a step, from the events up to it. */
const REPLAY_VIEWS: {
  [K in TraceKind]: (events: Extract<ParsedTrace, { kind: K }>['events'], step: number, detail: DiagramDetail) => Extract<ReplayView, { kind: K }>;
} = {
  lab: (events, step, detail) => {
    const visible = prefixAt(events, step);
    const peers = traceLanes(events);
    // A watch trace draws every peer it saw (../../lib/trace/lanes.ts watchedLanes).
    const lanes = watchedLanes(events) ?? undefined;
    const session = events.find((e) => e.type === 'session');
    return {
      kind: 'lab',
      events,
      visible,
      peers,
      ...(lanes ? { lanes } : {}),
      rows: diagramRows(visible, peers, detail, lanes),
      held: heldMessages(visible),
      apart: heldApart(visible),
      channelOpen: channelOpen(visible),
      narration: narrate(visible),
      newestQid: newestDelivered(visible),
      broker: session?.type === 'session' ? session.broker : 'in-page',
    };
  },
  lobby: (events, step) => {
    const visible = prefixAt(events, step);
    // The lobby diagram draws its own lanes; peers only satisfy the lab format's two.
    return { kind: 'lobby', events, visible, peers: ['p1', 'p2'], ...lobbyView(visible), narration: narrateLobby(visible) };
  },
};

function viewOf(trace: ParsedTrace, step: number, detail: DiagramDetail): ReplayView {
  // trace.kind picks the entry; tsc cannot follow that correlation through the union.
  return (REPLAY_VIEWS[trace.kind] as (events: ParsedTrace['events'], step: number, detail: DiagramDetail) => ReplayView)(trace.events, step, detail);
}

export class ReplayState {
  trace = $state.raw<ParsedTrace | null>(null);
  /** Name of the file or example the trace came from. */
  source = $state<string | null>(null);
  error = $state<string | null>(null);
  step = $state(0);
  /** Trace index of the message open in the inspector. */
  selected = $state<number | null>(null);
  announcement = $state('');
  /** How much the lab kind's diagram shows (the detail control); the lobby draws its own rows. */
  detail = $state<DiagramDetail>('p2p');

  events = $derived<readonly (TraceEvent | LobbyTraceEvent)[]>(this.trace?.events ?? []);
  last = $derived(lastStep(this.events));
  view = $derived(this.trace ? viewOf(this.trace, this.step, this.detail) : null);

  constructor(detail: DiagramDetail = 'p2p') {
    this.detail = detail;
  }

  /** Parses untrusted text; on failure keeps the current trace and says why. */
  load(text: string, source: string, step = 0): boolean {
    const result = parseTraceFile(text);
    if (!result.ok) {
      this.error = `${source} is not a trace this lab can replay: ${result.reason}`;
      this.announce(this.error);
      return false;
    }
    this.error = null;
    this.trace = result.trace;
    this.source = source;
    this.selected = null;
    this.step = clampStep(result.trace.events, step);
    this.announce(`Loaded ${source}: ${result.trace.events.length} events, ${this.last} steps. Showing step ${this.step}.`);
    return true;
  }

  setStep(step: number): void {
    const next = clampStep(this.events, step);
    if (next === this.step) return;
    this.step = next;
    // A message that is not visible yet at this step cannot stay open.
    if (this.selected !== null && this.selected >= (this.view?.visible.length ?? 0)) this.selected = null;
    const row = this.view?.rows.findLast((r) => r.status === 'delivered');
    const told = this.view?.narration ?? null;
    this.announce(`Step ${this.step} of ${this.last}${row ? `: ${row.label} delivered to ${row.to}` : ''}.${told ? ` ${stepAnnouncement(told)}` : ''}`);
  }

  back(): void {
    this.setStep(this.step - 1);
  }

  forward(): void {
    this.setStep(this.step + 1);
  }

  /** Open a message; jumps forward to the step where it exists if needed. */
  select(eventIndex: number): void {
    if (eventIndex >= (this.view?.visible.length ?? 0)) this.setStep(stepOfEvent(this.events, eventIndex));
    this.selected = eventIndex;
  }

  announce(text: string): void {
    // Re-setting the same text would not be announced again.
    this.announcement = this.announcement === text ? `${text}\u00a0` : text;
  }
}
