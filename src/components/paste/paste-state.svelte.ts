/**
 * The copy-and-paste lab's one runes class: it wraps a PasteSession (src/lib/copy-paste) and
 * exposes its snapshot and trace as reactive state. No protocol logic here.
 */
import { parseLabParams } from '../../lib/lab/params';
import { initialSnapshot, PasteSession, type PasteRole, type PasteSnapshot } from '../../lib/copy-paste/paste-session';
import type { TraceEvent } from '../../lib/trace/types';

export class PasteLabState {
  snap = $state.raw<PasteSnapshot>(initialSnapshot());
  events = $state.raw<TraceEvent[]>([]);
  /** ice= / policy= from the address (STUN or TURN for two devices on different networks). */
  rtcConfig: RTCConfiguration = {};
  paramErrors = $state.raw<string[]>([]);
  private session: PasteSession | null = null;
  private off: (() => void) | null = null;

  constructor(search: string) {
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
    this.session = session;
    this.off = session.subscribe(() => this.sync());
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
    this.off?.();
    this.session?.close();
    this.session = null;
    this.off = null;
    this.events = [];
    this.snap = initialSnapshot();
  }

  private sync(): void {
    if (!this.session) return;
    this.snap = this.session.snapshot();
    this.events = this.session.trace.events.slice();
  }
}
