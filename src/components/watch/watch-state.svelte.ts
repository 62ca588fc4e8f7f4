/**
 * The watch mode's runes state: wraps one WatchSession (src/lib/lab/watch-session.ts) and
 * exposes its trace as the diagram's lanes and rows. No protocol logic here.
 */
import type { WatchSession } from '../../lib/lab/watch-session';
import { IN_PAGE, isBrokerUrl, tcpEndpointFor } from '../../lib/lab/params';
import { mosquittoSubCommand, rootProblem } from '../../lib/signalling/topics';
import { diagramRows } from '../../lib/trace/selectors';
import { watchedLanes, WATCHER } from '../../lib/trace/lanes';
import { newestDelivered } from '../../lib/trace/messages';
import { narrate } from '../../lib/trace/narration';
import type { HeldMessage } from '../../lib/session/core';
import { LabTraceState } from '../lab/session-state.svelte';
import { connectFor, separatePageParams, TABS } from '../solo/connect-for';

/** Shown under Start until a root is typed. */
export const ROOT_NEEDED = 'Type the topic root the peers use (their ?root=, or the Godot app\'s room), then Start watching.';

export class WatchState extends LabTraceState<WatchSession> {
  broker = $state(TABS);
  root = $state('');
  paramErrors = $state.raw<string[]>([]);
  phase = $state<'idle' | 'starting' | 'watching' | 'error' | 'stopped'>('idle');

  lanes = $derived(watchedLanes(this.events) ?? []);
  rows = $derived(diagramRows(this.events, [WATCHER, WATCHER], 'signalling', this.lanes));
  newestQid = $derived(newestDelivered(this.events));
  /** What the newest message is for (src/lib/trace/narration.ts, its watched rows). */
  narration = $derived(narrate(this.events));
  /** What was seen so far, for the status line. */
  counts = $derived.by(() => {
    let messages = 0;
    let unreadable = 0;
    for (const e of this.events) {
      if (e.type === 'published') messages += 1;
      else if (e.type === 'rejected') unreadable += e.dropped ?? 1;
    }
    return { messages, unreadable, peers: this.lanes.filter((l) => l !== 'broker' && l !== WATCHER).length };
  });
  /** Nothing typed yet: Start waits, and the page says what to type (a hint, not an error). */
  rootMissing = $derived(this.root.trim() === '');
  rootError = $derived.by(() => {
    const problem = this.rootMissing ? null : rootProblem(this.root);
    return problem && `Topic root refused: ${problem}.`;
  });
  brokerError = $derived(this.broker === TABS || (isBrokerUrl(this.broker) && this.broker !== IN_PAGE) ? null : 'Broker: choose one from the list or a ws:// or wss:// URL.');
  /** A setting refused, with its reason; null when all may start (an empty root is not refused). */
  refusal = $derived(this.rootError ?? this.brokerError);
  configError = $derived(this.rootMissing ? ROOT_NEEDED : this.refusal);
  mosquittoSub = $derived.by(() => {
    const tcp = this.broker === TABS || this.rootMissing || this.rootError ? null : tcpEndpointFor(this.broker);
    return tcp ? mosquittoSubCommand(this.root, tcp.host, tcp.port) : null;
  });

  constructor(search?: URLSearchParams) {
    super();
    const { params, broker, errors } = separatePageParams(new URLSearchParams(search ?? ''));
    this.broker = broker;
    this.root = params.root ?? '';
    this.paramErrors = [...errors, ...params.errors];
  }

  async start(): Promise<void> {
    if (!this.mayStart(this.phase === 'starting' || this.phase === 'watching', this.configError)) return;
    this.phase = 'starting';
    const { WatchSession } = await import('../../lib/lab/watch-session');
    const broker = this.broker;
    const session = new WatchSession({ broker, root: this.root }, { connectBroker: (opts) => connectFor(broker, opts) });
    this.attach(session);
    await session.start();
    if (this.session !== session) return;
    this.sync();
    this.error = session.error;
    this.phase = session.error ? 'error' : 'watching';
    this.announce(session.error ?? `Watching ${this.root}. Messages appear as the peers publish them.`);
  }

  async stop(): Promise<void> {
    const s = this.session;
    if (!s) return;
    await s.stop();
    this.sync();
    this.phase = 'stopped';
    this.announce('Stopped watching. The diagram keeps what was seen; export it to replay it.');
  }

  /** Nothing is held back in this mode: a Step has nothing to say. */
  protected stepped(_m: HeldMessage): void {}

  protected traceName(session: WatchSession): string {
    return `webrtc-lab-watch-${session.session}`;
  }
}
