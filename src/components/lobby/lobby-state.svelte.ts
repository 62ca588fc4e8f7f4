/**
 * The lobby lab's runes state: wraps a MeshSession (src/lib/lobby) over the shared
 * SessionState (../lab/session-state.svelte.ts) and exposes the trace's views (lobbyView,
 * the same the replay draws) and the in-page server's own view as reactive state; all
 * protocol logic lives in src/lib/lobby. The session code loads on Start. Export trace
 * writes a lobby trace file, which /replay/ reads.
 */
import type { HeldItem, MeshSession } from '../../lib/lobby/mesh-session';
import type { LobbyTransportHandle } from '../../lib/lobby/transport';
import type { LobbyInfo } from '../../lib/lobby/server';
import { BAD_INPUTS, type BadInputKind } from '../../lib/lobby/bad-inputs';
import { IN_PAGE_SERVER, isLobbyServerUrl, parseLobbyParams } from '../../lib/lobby/params';
import { heldLabel, lobbyView } from '../../lib/lobby/diagram-rows';
import type { LobbyTraceEvent } from '../../lib/lobby/trace';
import { narrateLobby } from '../../lib/lobby/narration';
import { stepAnnouncement } from '../../lib/trace/narration';
import { downloadTraceFile, SessionState } from '../lab/session-state.svelte';

export type LobbyPhase = 'idle' | 'connecting' | 'running' | 'error';

/** The in-page server's log keeps the latest lines only. */
const LOG_LINES = 200;

export class LobbyLabState extends SessionState<MeshSession, HeldItem, LobbyTraceEvent> {
  /** 'in-page' or a ws:// / wss:// URL of `npm run lobby-server`. */
  server = $state(IN_PAGE_SERVER);
  phase = $state<LobbyPhase>('idle');
  paramErrors = $state.raw<string[]>([]);
  serverView = $state.raw<{ connections: number; lobbies: LobbyInfo[] } | null>(null);
  serverLog = $state.raw<string[]>([]);
  sealed = $state(false);
  /** Why each bad input cannot be sent right now (null: it can). */
  blocked = $state.raw<Record<BadInputKind, string | null>>(blockedAll('Press Start first.'));

  /** Every view of the trace so far, as the replay draws it at the same step. */
  view = $derived(lobbyView(this.events));
  held = $derived(this.view.held);
  clients = $derived(this.view.clients);
  delivered = $derived(this.view.delivered);
  /** What the last Step did, in words (the replay says the same at the same step). */
  narration = $derived(narrateLobby(this.events));
  serverError = $derived(this.server === IN_PAGE_SERVER || isLobbyServerUrl(this.server) ? null : 'Server: use in-page or a ws:// or wss:// URL.');

  protected readonly nothingHeld = 'Nothing is held. Waiting for the clients.';
  private transport: LobbyTransportHandle | null = null;
  private autoplay = false;

  constructor(search?: URLSearchParams) {
    super();
    const params = parseLobbyParams(search ?? new URLSearchParams());
    this.server = params.server;
    this.paramErrors = params.errors;
    this.autoplay = params.autoplay;
  }

  get wantsAutoplay(): boolean {
    return this.autoplay;
  }

  get running(): boolean {
    return this.phase === 'running';
  }

  async start(opts: { play?: boolean } = {}): Promise<void> {
    if (!this.mayStart(this.phase === 'connecting' || this.phase === 'running', this.serverError)) return;
    this.phase = 'connecting';
    this.selected = null;
    this.serverLog = [];
    const [{ MeshSession }, { inPageTransport, webSocketTransport }] = await Promise.all([
      import('../../lib/lobby/mesh-session'),
      import('../../lib/lobby/transport'),
    ]);
    const log = (line: string) => {
      this.serverLog = [...this.serverLog.slice(-(LOG_LINES - 1)), line];
    };
    const transport = this.server === IN_PAGE_SERVER ? inPageTransport({ log }) : webSocketTransport(this.server, WebSocket);
    const session = new MeshSession({
      transport: transport.label,
      connect: () => transport.connect(),
      createPeerConnection: (config) => new RTCPeerConnection(config),
      onChange: () => this.scheduleFlush(),
    });
    this.attach(session);
    this.transport = transport;
    try {
      await session.start();
      if (this.session !== session) return;
      this.phase = 'running';
      this.sync();
      this.announce('p1 is connected and has asked for a new lobby. Step to deliver the server’s answers.');
      if (opts.play) this.play(0);
    } catch (err) {
      if (this.session !== session) return;
      const why = err instanceof Error ? err.message : String(err);
      this.error =
        this.server === IN_PAGE_SERVER
          ? `Could not start: ${why}`
          : `Could not start: ${why} Is \`npm run lobby-server\` running there? Press Reset, check the URL, and try again.`;
      this.phase = 'error';
      this.sync();
      session.close();
      transport.dispose();
    }
  }

  protected stepped(item: HeldItem): void {
    const e = this.events.find((x) => x.type === 'held' && x.qid === item.qid);
    const label = e?.type === 'held' ? heldLabel(e, this.view.ids) : 'a frame';
    const told = narrateLobby(this.events);
    this.announce(`Step ${this.delivered}: server to ${item.peer}: ${label}.${told ? ` ${stepAnnouncement(told)}` : ''}`);
  }

  /** Downloads the trace as a lobby trace file (../../lib/trace/export.ts), for /replay/. */
  async exportTrace(): Promise<void> {
    const session = this.session;
    if (session) this.announce(await downloadTraceFile({ kind: 'lobby', events: session.trace.events }, 'webrtc-lab-trace-lobby'));
  }

  seal(): void {
    if (this.session?.seal()) {
      this.sync();
      this.announce('p1 sent SEAL. The server tells every peer, refuses new joins, and closes everyone 10 s later.');
    }
  }

  badInput(kind: BadInputKind): void {
    const why = this.session?.badInput(kind) ?? 'Press Start first.';
    const spec = BAD_INPUTS.find((b) => b.kind === kind)!;
    this.sync();
    this.announce(why ? `${spec.label}: ${why}` : `${spec.how} Step to deliver the server’s answer.`);
  }

  async reset(): Promise<void> {
    this.session?.close();
    this.transport?.dispose();
    this.detach();
    this.transport = null;
    this.events = [];
    this.serverView = null;
    this.playing = false;
    this.sealed = false;
    this.blocked = blockedAll('Press Start first.');
    this.selected = null;
    this.error = null;
    this.phase = 'idle';
    this.announce('Reset. Every client is gone; press Start to begin again.');
  }

  protected sync(): void {
    super.sync();
    const s = this.session;
    if (!s) return;
    this.serverView = this.transport?.snapshot?.() ?? null;
    this.sealed = s.sealed;
    const blocked = {} as Record<BadInputKind, string | null>;
    for (const b of BAD_INPUTS) blocked[b.kind] = this.phase === 'running' ? s.badInputBlocked(b.kind) : 'Press Start first.';
    this.blocked = blocked;
  }
}

function blockedAll(why: string): Record<BadInputKind, string | null> {
  return Object.fromEntries(BAD_INPUTS.map((b) => [b.kind, why])) as Record<BadInputKind, string | null>;
}
