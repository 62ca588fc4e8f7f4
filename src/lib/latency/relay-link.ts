/**
 * The TURN path of the latency test: a second RTCPeerConnection between the same two peers
 * with iceTransportPolicy 'relay' (webrtc-pc §4.2.1: only relay candidates are used), so
 * every byte goes through the TURN server (RFC 8656). It is signalled over the latency data
 * channel that is already open (no MQTT, no queue), with vanilla ICE: one offer and one answer,
 * each carrying all its candidates once gathering is complete.
 *
 * Messages, next to the pings on the same channel (EchoEndpoint ignores them):
 *   {"t":"relay-offer","sdp":"…"}  {"t":"relay-answer","sdp":"…"}  {"t":"relay-refused","reason":"…"}
 */
import type { TextChannel } from './echo';

export const RELAY_CHANNEL: RTCDataChannelInit = { negotiated: true, id: 0 };

export interface RelayOptions {
  /** The open latency channel to the other peer (signalling for the relay connection). */
  signal: TextChannel;
  createPeerConnection: (config: RTCConfiguration) => RTCPeerConnection;
  /** This side's ICE servers; null when none is a TURN server (the answerer then refuses). */
  config: RTCConfiguration | null;
  /** Gathering plus connecting must finish within this (ms). */
  timeoutMs?: number;
  /** One line per step, for the trace. */
  note?: (ok: boolean, detail: string) => void;
}

export interface RelayConnection {
  channel: RTCDataChannel;
  close(): void;
}

type RelayMessage = { t: 'relay-offer' | 'relay-answer'; sdp: string } | { t: 'relay-refused'; reason: string };

function parse(text: string): RelayMessage | null {
  if (!text.startsWith('{"t":"relay-')) return null;
  try {
    const m = JSON.parse(text) as Record<string, unknown>;
    if ((m.t === 'relay-offer' || m.t === 'relay-answer') && typeof m.sdp === 'string' && m.sdp.length < 64 * 1024) return { t: m.t, sdp: m.sdp };
    if (m.t === 'relay-refused' && typeof m.reason === 'string') return { t: 'relay-refused', reason: m.reason.slice(0, 200) };
  } catch {
    /* not ours */
  }
  return null;
}

/** True if any ICE server in the configuration is a TURN server. */
export function hasTurn(config: RTCConfiguration | undefined): boolean {
  return (config?.iceServers ?? []).some((s) => (Array.isArray(s.urls) ? s.urls : [s.urls]).some((u) => /^turns?:/.test(u)));
}

/** The configuration with relay-only transport, or null without a TURN server. */
export function relayConfig(config: RTCConfiguration | undefined): RTCConfiguration | null {
  return hasTurn(config) ? { ...config, iceTransportPolicy: 'relay' } : null;
}

function localSdpWhenGathered(pc: RTCPeerConnection): Promise<string> {
  return new Promise((resolve) => {
    const done = () => {
      if (pc.iceGatheringState !== 'complete') return;
      pc.removeEventListener('icegatheringstatechange', done);
      resolve(pc.localDescription?.sdp ?? '');
    };
    pc.addEventListener('icegatheringstatechange', done);
    done();
  });
}

/** Resolves when the channel is open; rejects if it closes first. */
export function whenOpen(ch: RTCDataChannel): Promise<void> {
  if (ch.readyState === 'open') return Promise.resolve();
  return new Promise((resolve, reject) => {
    ch.addEventListener('open', () => resolve(), { once: true });
    ch.addEventListener('close', () => reject(new Error(`${ch.label} channel closed`)), { once: true });
  });
}

/** `p`, or an Error saying `what` once `ms` have passed. */
export function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(what)), ms);
    p.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

function makePeer(opts: RelayOptions, config: RTCConfiguration): { pc: RTCPeerConnection; channel: RTCDataChannel } {
  const pc = opts.createPeerConnection(config);
  const channel = pc.createDataChannel('relay-latency', RELAY_CHANNEL);
  return { pc, channel };
}

/** Offerer side: builds the relay connection and resolves once its channel is open. */
export async function openRelay(opts: RelayOptions): Promise<RelayConnection> {
  const note = opts.note ?? (() => {});
  if (!opts.config) throw new Error('no TURN server configured (add one with ?ice=)');
  const { pc, channel } = makePeer(opts, opts.config);
  note(true, 'relay: RTCPeerConnection with iceTransportPolicy relay');
  let off = () => {};
  const answered = new Promise<string>((resolve, reject) => {
    off = opts.signal.onMessage((text) => {
      const m = parse(text);
      if (m?.t === 'relay-answer') resolve(m.sdp);
      else if (m?.t === 'relay-refused') reject(new Error(`the other peer refused: ${m.reason}`));
    });
  });
  try {
    const work = (async () => {
      await pc.setLocalDescription(await pc.createOffer());
      const sdp = await localSdpWhenGathered(pc);
      const relays = (sdp.match(/^a=candidate:.* typ relay/gm) ?? []).length;
      note(relays > 0, `relay: offer with ${relays} relay candidate${relays === 1 ? '' : 's'}`);
      if (relays === 0) throw new Error('no relay candidate: the TURN server did not answer or refused the credentials');
      opts.signal.send(JSON.stringify({ t: 'relay-offer', sdp }));
      await pc.setRemoteDescription({ type: 'answer', sdp: await answered });
      await whenOpen(channel);
    })();
    await withTimeout(work, opts.timeoutMs ?? 15_000, 'the relay connection did not open in time (is the TURN server reachable from both peers?)');
    note(true, 'relay: data channel open through the TURN server');
    return { channel, close: () => pc.close() };
  } catch (err) {
    note(false, `relay: ${err instanceof Error ? err.message : String(err)}`);
    pc.close();
    throw err;
  } finally {
    off();
  }
}

/**
 * Answerer side: waits for relay offers on the latency channel and answers them (or refuses
 * without a TURN server). `onChannel` gets each relay channel, to echo pings on it.
 */
export function answerRelay(opts: RelayOptions & { onChannel: (ch: RTCDataChannel) => void }): () => void {
  const note = opts.note ?? (() => {});
  const peers: RTCPeerConnection[] = [];
  const off = opts.signal.onMessage((text) => {
    const m = parse(text);
    if (m?.t !== 'relay-offer') return;
    if (!opts.config) {
      opts.signal.send(JSON.stringify({ t: 'relay-refused', reason: 'no TURN server configured here (add one with ?ice=)' }));
      note(false, 'relay: refused an offer, no TURN server configured');
      return;
    }
    const { pc, channel } = makePeer(opts, opts.config);
    peers.push(pc);
    opts.onChannel(channel);
    void (async () => {
      try {
        await pc.setRemoteDescription({ type: 'offer', sdp: m.sdp });
        await pc.setLocalDescription(await pc.createAnswer());
        opts.signal.send(JSON.stringify({ t: 'relay-answer', sdp: await localSdpWhenGathered(pc) }));
        note(true, 'relay: answered a relay-only offer');
      } catch (err) {
        note(false, `relay: ${err instanceof Error ? err.message : String(err)}`);
        opts.signal.send(JSON.stringify({ t: 'relay-refused', reason: err instanceof Error ? err.message : String(err) }));
      }
    })();
  });
  return () => {
    off();
    for (const pc of peers.splice(0)) pc.close();
  };
}
