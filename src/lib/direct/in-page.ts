/**
 * Two RTCPeerConnections in one page, connected with no signalling server: each description
 * and candidate is handed straight to the other connection. The direct path's experiments
 * need the path after signalling, not signalling itself. The connections are passed in.
 */

/** A getStats() report as a list (RTCStatsReport.values()). */
export type StatsList = ReadonlyArray<Readonly<Record<string, unknown>> & { type: string; id: string }>;

export interface TransportView {
  dtlsRole: 'client' | 'server' | 'unknown';
  dtlsState: string;
  /** 'FEFC' is DTLS 1.3, 'FEFD' DTLS 1.2 (the wire version, webrtc-stats tlsVersion). */
  tlsVersion: string | null;
  localCertificateId: string | null;
  remoteCertificateId: string | null;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The (one, bundled) transport of a report, or null before there is one. */
export function transportOf(stats: StatsList): TransportView | null {
  const t = stats.find((s) => s.type === 'transport');
  if (!t) return null;
  const role = str(t.dtlsRole);
  return {
    dtlsRole: role === 'client' || role === 'server' ? role : 'unknown',
    dtlsState: str(t.dtlsState) ?? 'new',
    tlsVersion: str(t.tlsVersion),
    localCertificateId: str(t.localCertificateId),
    remoteCertificateId: str(t.remoteCertificateId),
  };
}

export async function statsOf(pc: RTCPeerConnection): Promise<StatsList> {
  return Array.from((await pc.getStats()).values()) as unknown as StatsList;
}

function connected(pc: RTCPeerConnection): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (pc.connectionState === 'connected') done(resolve);
      else if (pc.connectionState === 'failed' || pc.connectionState === 'closed') done(() => reject(new Error(`connectionState ${pc.connectionState}`)));
    };
    const done = (then: () => void) => {
      pc.removeEventListener('connectionstatechange', check);
      then();
    };
    pc.addEventListener('connectionstatechange', check);
    check();
  });
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(what)), ms);
    p.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}

/**
 * Offers from `offerer`, answers from `answerer`, trickles every candidate across, and
 * resolves once both connectionStates are 'connected' (ICE and DTLS done). Create the data
 * channels that need an m=application section before calling it (RFC 8841; webrtc-pc
 * createDataChannel()).
 */
export async function connectInPage(offerer: RTCPeerConnection, answerer: RTCPeerConnection, timeoutMs = 15_000): Promise<void> {
  // A candidate can come before the other side has the description it belongs to, which
  // addIceCandidate() refuses (webrtc-pc): held per receiver until then, as signalling code does.
  const held = new Map<RTCPeerConnection, RTCIceCandidate[]>([
    [offerer, []],
    [answerer, []],
  ]);
  const add = (to: RTCPeerConnection, c: RTCIceCandidate) => {
    // A candidate for a connection closed meanwhile has nowhere to go.
    if (to.remoteDescription) to.addIceCandidate(c).catch(() => {});
    else held.get(to)!.push(c);
  };
  const setRemote = async (to: RTCPeerConnection, d: RTCSessionDescriptionInit) => {
    await to.setRemoteDescription(d);
    for (const c of held.get(to)!.splice(0)) add(to, c);
  };
  for (const [from, to] of [
    [offerer, answerer],
    [answerer, offerer],
  ] as const) {
    from.addEventListener('icecandidate', (ev) => {
      const c = (ev as RTCPeerConnectionIceEvent).candidate;
      if (c) add(to, c);
    });
  }
  const both = Promise.all([connected(offerer), connected(answerer)]);
  both.catch(() => {});
  await offerer.setLocalDescription(await offerer.createOffer());
  await setRemote(answerer, offerer.localDescription!);
  await answerer.setLocalDescription(await answerer.createAnswer());
  await setRemote(offerer, answerer.localDescription!);
  await withTimeout(both, timeoutMs, 'the two connections did not connect in time');
}
