/**
 * The copy-and-paste lab's runes state: follows one PasteSession's trace (TraceState) and
 * reads the tab from it with pasteView. No protocol logic here.
 */
import { parseLabParams } from '../../lib/lab/params';
import { PasteSession } from '../../lib/copy-paste/paste-session';
import { pasteView, type PasteRole } from '../../lib/copy-paste/paste-view';
import { downloadTrace, TraceState } from '../lab/session-state.svelte';

export class PasteLabState extends TraceState<PasteSession> {
  /** ice= / policy= from the address (STUN or TURN for two devices on different networks). */
  rtcConfig: RTCConfiguration = {};
  paramErrors = $state.raw<string[]>([]);
  snap = $derived(pasteView(this.events));

  constructor(search: string) {
    super();
    const params = parseLabParams(new URLSearchParams(search));
    this.rtcConfig = { iceServers: params.iceServers, iceTransportPolicy: params.policy };
    this.paramErrors = params.errors.filter((e) => e.startsWith('ice') || e.startsWith('policy'));
  }

  choose(role: PasteRole): void {
    this.reset();
    const session = new PasteSession({
      createPeerConnection: (config) => new RTCPeerConnection(config),
      rtcConfig: this.rtcConfig,
    });
    this.attach(session);
    session.choose(role);
    this.sync();
  }

  pasteOffer(text: string): Promise<boolean> {
    return this.session?.pasteOffer(text) ?? Promise.resolve(false);
  }

  pasteAnswer(text: string): Promise<boolean> {
    return this.session?.pasteAnswer(text) ?? Promise.resolve(false);
  }

  sendChat(text: string): boolean {
    return this.session?.sendChat(text) ?? false;
  }

  /** Closes the peer connection and goes back to choosing a part. */
  reset(): void {
    const session = this.session;
    this.detach();
    session?.close();
    this.events = [];
  }

  async exportTrace(): Promise<void> {
    const session = this.session;
    if (session) this.announce(await downloadTrace(session.trace.events, `webrtc-lab-trace-copy-paste-${session.snapshot().me ?? 'tab'}`));
  }
}
