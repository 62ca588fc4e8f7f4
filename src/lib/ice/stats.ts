/**
 * Pure reducers over getStats() output: `Array.from((await pc.getStats()).values())`, or the
 * same round-tripped through JSON. Field names per W3C webrtc-stats (RTCIceCandidatePairStats,
 * RTCIceCandidateStats, RTCTransportStats). Entries are read defensively: a missing or
 * mistyped field becomes null, never a throw, so imported traces are safe too.
 */
import { candidateKey } from './key';
import { pairPriorityFor } from './priority';

/** One RTCStats dictionary, as a plain object. */
export type StatsEntry = Readonly<Record<string, unknown>>;

export type PairState = 'frozen' | 'waiting' | 'in-progress' | 'succeeded' | 'failed';

export interface StatsCandidate {
  id: string;
  isRemote: boolean;
  /** null when the browser hides it (mDNS host candidates show "" in Chromium). */
  address: string | null;
  port: number | null;
  /** 'host' | 'srflx' | 'prflx' | 'relay' */
  candidateType: string | null;
  /** 'udp' | 'tcp' */
  protocol: string | null;
  priority: number | null;
  foundation: string | null;
  relatedAddress: string | null;
  relatedPort: number | null;
  /** How a local relay candidate reaches its TURN server: 'udp' | 'tcp' | 'tls'. */
  relayProtocol: string | null;
  tcpType: string | null;
  /** The STUN/TURN server a local srflx/relay candidate came from. */
  url: string | null;
  usernameFragment: string | null;
  /** candidateKey(), or null when the foundation or port is missing. */
  key: string | null;
}

export interface CandidatePairRow {
  id: string;
  transportId: string | null;
  local: StatsCandidate | null;
  remote: StatsCandidate | null;
  state: string;
  nominated: boolean;
  requestsSent: number;
  responsesReceived: number;
  requestsReceived: number;
  responsesSent: number;
  /** Latest STUN round trip (ms), from currentRoundTripTime. */
  currentRttMs: number | null;
  /** totalRoundTripTime / responsesReceived (ms). */
  averageRttMs: number | null;
  bytesSent: number;
  bytesReceived: number;
  /** RFC 8445 §6.1.2.3, computed exactly; null without both candidate priorities and a role. */
  priority: bigint | null;
  /** What the browser reported (Chromium: a double, so rounded above 2^53). */
  reportedPriority: number | null;
  /** This agent's ICE role, which decides G and D. */
  role: 'controlling' | 'controlled' | null;
  /** The pair ICE is using now. */
  selected: boolean;
  /** How `selected` was decided. */
  selectedBy: 'transport' | 'pair-flag' | 'nominated-succeeded' | null;
}

export interface TransportSummary {
  id: string;
  iceRole: 'controlling' | 'controlled' | null;
  iceState: string | null;
  dtlsState: string | null;
  selectedCandidatePairId: string | null;
  selectedCandidatePairChanges: number | null;
  iceLocalUsernameFragment: string | null;
}

export interface CandidatePairsOptions {
  /**
   * Whether this peer is the controlling agent, used when the transport stats do not say
   * (RFC 8445 §6.1.1: the initiating agent, the offerer, controls; alice in this lab).
   * The transport's iceRole wins when present, since a role conflict can flip it (RFC 8445 §7.3.1.1).
   */
  controlling?: boolean;
}

const str = (o: StatsEntry, k: string): string | null => (typeof o[k] === 'string' ? (o[k] as string) : null);
const num = (o: StatsEntry, k: string): number | null => (typeof o[k] === 'number' && Number.isFinite(o[k]) ? (o[k] as number) : null);
const count = (o: StatsEntry, k: string): number => num(o, k) ?? 0;

function entries(stats: readonly unknown[]): StatsEntry[] {
  if (!Array.isArray(stats)) return [];
  return stats.filter((s): s is StatsEntry => typeof s === 'object' && s !== null && typeof (s as StatsEntry).id === 'string');
}

function toCandidate(s: StatsEntry): StatsCandidate {
  const address = str(s, 'address') ?? str(s, 'ip');
  const foundation = str(s, 'foundation');
  const port = num(s, 'port');
  const protocol = str(s, 'protocol');
  return {
    id: s.id as string,
    isRemote: s.type === 'remote-candidate',
    address: address === '' ? null : address,
    port,
    candidateType: str(s, 'candidateType'),
    protocol,
    priority: num(s, 'priority'),
    foundation,
    relatedAddress: str(s, 'relatedAddress'),
    relatedPort: num(s, 'relatedPort'),
    relayProtocol: str(s, 'relayProtocol'),
    tcpType: str(s, 'tcpType'),
    url: str(s, 'url'),
    usernameFragment: str(s, 'usernameFragment'),
    key: foundation !== null && port !== null && protocol !== null ? candidateKey({ foundation, component: 1, transport: protocol, port }) : null,
  };
}

/** Every local-candidate and remote-candidate entry (these include prflx and TCP candidates never signalled). */
export function statsCandidates(stats: readonly unknown[]): StatsCandidate[] {
  return entries(stats)
    .filter((s) => s.type === 'local-candidate' || s.type === 'remote-candidate')
    .map(toCandidate);
}

export function iceTransports(stats: readonly unknown[]): TransportSummary[] {
  return entries(stats)
    .filter((s) => s.type === 'transport')
    .map((s) => {
      const role = str(s, 'iceRole');
      return {
        id: s.id as string,
        iceRole: role === 'controlling' || role === 'controlled' ? role : null,
        iceState: str(s, 'iceState'),
        dtlsState: str(s, 'dtlsState'),
        selectedCandidatePairId: str(s, 'selectedCandidatePairId'),
        selectedCandidatePairChanges: num(s, 'selectedCandidatePairChanges'),
        iceLocalUsernameFragment: str(s, 'iceLocalUsernameFragment'),
      };
    });
}

const ms = (seconds: number | null) => (seconds === null ? null : Math.round(seconds * 1e6) / 1e3);

/**
 * The candidate-pair check list, highest pair priority first (RFC 8445 §6.1.2.3), each with
 * its local and remote candidate joined in and `selected` marked.
 */
export function candidatePairs(stats: readonly unknown[], opts: CandidatePairsOptions = {}): CandidatePairRow[] {
  const all = entries(stats);
  const byId = new Map(all.map((s) => [s.id as string, s]));
  const transports = new Map(iceTransports(all).map((t) => [t.id, t]));
  const candidate = (id: string | null) => {
    const s = id === null ? undefined : byId.get(id);
    return s && (s.type === 'local-candidate' || s.type === 'remote-candidate') ? toCandidate(s) : null;
  };

  const rows: CandidatePairRow[] = all
    .filter((s) => s.type === 'candidate-pair')
    .map((s) => {
      const transportId = str(s, 'transportId');
      const local = candidate(str(s, 'localCandidateId'));
      const remote = candidate(str(s, 'remoteCandidateId'));
      const fromTransport = transportId === null ? null : (transports.get(transportId)?.iceRole ?? null);
      const role = fromTransport ?? (opts.controlling === undefined ? null : opts.controlling ? 'controlling' : 'controlled');
      const okPriority = (p: number | null): p is number => p !== null && Number.isInteger(p) && p >= 0 && p < 2 ** 32;
      const priority =
        role !== null && okPriority(local?.priority ?? null) && okPriority(remote?.priority ?? null)
          ? pairPriorityFor(role === 'controlling', local!.priority!, remote!.priority!)
          : null;
      const responsesReceived = count(s, 'responsesReceived');
      const total = num(s, 'totalRoundTripTime');
      return {
        id: s.id as string,
        transportId,
        local,
        remote,
        state: str(s, 'state') ?? 'unknown',
        nominated: s.nominated === true,
        requestsSent: count(s, 'requestsSent'),
        responsesReceived,
        requestsReceived: count(s, 'requestsReceived'),
        responsesSent: count(s, 'responsesSent'),
        currentRttMs: ms(num(s, 'currentRoundTripTime')),
        averageRttMs: total !== null && responsesReceived > 0 ? ms(total / responsesReceived) : null,
        bytesSent: count(s, 'bytesSent'),
        bytesReceived: count(s, 'bytesReceived'),
        priority,
        reportedPriority: num(s, 'priority'),
        role,
        selected: false,
        selectedBy: null,
      };
    });

  markSelected(rows, all, transports);
  return rows.sort(byPriority);
}

function byPriority(a: CandidatePairRow, b: CandidatePairRow): number {
  if (a.priority !== null && b.priority !== null && a.priority !== b.priority) return a.priority > b.priority ? -1 : 1;
  if (a.priority === null && b.priority !== null) return 1;
  if (a.priority !== null && b.priority === null) return -1;
  const ra = a.reportedPriority ?? -1;
  const rb = b.reportedPriority ?? -1;
  if (ra !== rb) return rb - ra;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * Per transport: its selectedCandidatePairId (webrtc-stats RTCTransportStats); else a pair
 * flagged `selected` (Firefox's own field); else the highest-priority pair that is nominated
 * and succeeded (RFC 8445 §8.1.1: the nominated pair becomes the selected pair).
 */
function markSelected(rows: CandidatePairRow[], all: StatsEntry[], transports: Map<string, TransportSummary>): void {
  const raw = new Map(all.map((s) => [s.id as string, s]));
  const groups = new Map<string, CandidatePairRow[]>();
  for (const r of rows) {
    const g = r.transportId ?? '';
    groups.set(g, [...(groups.get(g) ?? []), r]);
  }
  for (const [transportId, group] of groups) {
    const chosen = transports.get(transportId)?.selectedCandidatePairId;
    const byTransport = chosen ? group.find((r) => r.id === chosen) : undefined;
    if (byTransport) {
      byTransport.selected = true;
      byTransport.selectedBy = 'transport';
      continue;
    }
    const flagged = group.filter((r) => raw.get(r.id)?.selected === true);
    if (flagged.length > 0) {
      for (const r of flagged) {
        r.selected = true;
        r.selectedBy = 'pair-flag';
      }
      continue;
    }
    const best = group.filter((r) => r.nominated && r.state === 'succeeded').sort(byPriority)[0];
    if (best) {
      best.selected = true;
      best.selectedBy = 'nominated-succeeded';
    }
  }
}

/** The pairs that contain a candidate with this key (local or remote). */
export function pairsWithCandidate(pairs: readonly CandidatePairRow[], key: string): CandidatePairRow[] {
  return pairs.filter((p) => p.local?.key === key || p.remote?.key === key);
}

/** Candidate pair states (RFC 8445 §6.1.2.6; webrtc-stats RTCStatsIceCandidatePairState). */
export const PAIR_STATES: Readonly<Record<PairState, { meaning: string; ref: string }>> = {
  frozen: { meaning: 'Not checked yet, waiting until a pair with the same foundation has been checked.', ref: 'RFC 8445 §6.1.2.6' },
  waiting: { meaning: 'Ready to be checked as soon as it is its turn.', ref: 'RFC 8445 §6.1.2.6' },
  'in-progress': { meaning: 'A check (a STUN Binding request) has been sent; no answer yet.', ref: 'RFC 8445 §6.1.2.6' },
  succeeded: { meaning: 'A check got a successful answer: the two candidates can reach each other.', ref: 'RFC 8445 §7.2.5.3' },
  failed: { meaning: 'The check failed or timed out; ICE will not use this pair.', ref: 'RFC 8445 §7.2.5.2' },
};

/** The steps of a pair's checks the diagram draws, in the order they happen. */
export type PairStep = 'sent' | 'succeeded' | 'nominated' | 'failed';

/**
 * Which steps each pair has reached, as one getStats() snapshot shows them: a first check
 * sent (a Binding request out, RFC 8445 §7.2.4), a first success (§7.2.5.3), nominated and
 * succeeded (§8.1.1), or failed (§7.2.5.2). A table, tried in order, per pair.
 */
const PAIR_STEP_TESTS: ReadonlyArray<[PairStep, (p: CandidatePairRow) => boolean]> = [
  ['sent', (p) => p.requestsSent > 0 || p.state === 'in-progress' || p.state === 'succeeded' || p.state === 'failed'],
  ['succeeded', (p) => p.state === 'succeeded' || p.responsesReceived > 0],
  ['nominated', (p) => p.nominated && p.state === 'succeeded'],
  ['failed', (p) => p.state === 'failed'],
];

/** "host udp", "prflx tcp" …: a candidate as the diagram names it; "?" for what stats leave out. */
export function candidateShort(c: StatsCandidate | null): string {
  // The port tells apart two pairs of the same kinds (e.g. two host → prflx pairs); the address
  // stays out of the label (an mDNS host's is hidden anyway, and exports redact addresses).
  const port = c?.port ? ` :${c.port}` : '';
  return `${c?.candidateType ?? '?'} ${c?.protocol ?? '?'}${port}`;
}

/** Each pair with the steps it has reached, in PAIR_STEP_TESTS order. */
export function pairSteps(pairs: readonly CandidatePairRow[]): Array<{ pair: CandidatePairRow; steps: PairStep[] }> {
  return pairs.map((pair) => ({ pair, steps: PAIR_STEP_TESTS.filter(([, test]) => test(pair)).map(([step]) => step) }));
}
