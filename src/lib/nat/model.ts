/**
 * A MODEL of NAT traversal, not a measurement. Given a NAT for alice and for bob (kinds.ts)
 * and whether each has a STUN and a TURN server, it plays out what ICE would do on the
 * model network:
 *
 * 1. Gathering (RFC 8445 §5.1.1): a host candidate; a server-reflexive one when a STUN (or
 *    TURN) server tells the peer its NAT's public address; a relayed one from TURN.
 * 2. Connectivity checks (RFC 8445 §7.2): each peer sends a check from each base (its host
 *    address, or its relay) to each of the other's candidates, three rounds, alice first.
 *    Packets go through the NATs, which map and filter as RFC 4787 describes; a TURN
 *    server accepts packets only from IPs it has a permission for (RFC 8656 §9). A check
 *    from an address the receiver does not know teaches it a peer-reflexive candidate
 *    (RFC 8445 §7.3.1.3), which it then checks too.
 * 3. The result: alice's check list (her bases × bob's candidates, RFC 8445 §6.1.2.4), whether
 *    each check succeeded and which valid pair it produced (§7.2.5.3.2), in plain words.
 *
 * Left out on purpose: hairpinning, mapping timeouts, UDP blocking, TCP candidates, a
 * second srflx from the TURN server. Addresses are from the documentation ranges
 * (RFC 5737) and private ranges (RFC 1918).
 */
import type { CandidateType } from '../ice/candidate';
import { RECOMMENDED_TYPE_PREFERENCE } from '../ice/priority';
import { NAT_KINDS, type NatInfo, type NatKind } from './kinds';

export type Peer = 'alice' | 'bob';

export interface Endpoint {
  ip: string;
  port: number;
}

export interface SideConfig {
  nat: NatKind;
  stun: boolean;
  turn: boolean;
}

export interface ModelInput {
  alice: SideConfig;
  bob: SideConfig;
  /** alice and bob share a local network (one LAN, or one VPN): host addresses reach each other. */
  sameNetwork?: boolean;
}

export interface ModelCandidate {
  peer: Peer;
  type: CandidateType;
  endpoint: Endpoint;
  /** "198.51.100.7:40000". */
  address: string;
  /** How the peer got it, in plain words. */
  how: string;
}

/**
 * One pair of alice's check list (she is the controlling agent, whose list decides). Its local
 * side is a base, her host or relay address, never her srflx one: a srflx candidate is
 * replaced by its base, because checks are sent from the base (RFC 8445 §6.1.2.4).
 */
export interface PairResult {
  /** Alice's base the check is sent from: host or relay. */
  alice: ModelCandidate;
  /** Bob's candidate it is sent to: one he signalled, or one learned during the checks. */
  bob: ModelCandidate;
  works: boolean;
  /** A peer-reflexive candidate found during the checks is part of this pair or its valid pair. */
  discovered: boolean;
  /**
   * What a successful check validates (RFC 8445 §7.2.5.3.2): alice's side is the address bob
   * saw the check come from (her srflx when it left through her NAT), bob's the address checked.
   */
  valid: { alice: ModelCandidate; bob: ModelCandidate } | null;
  /** "Works", "Fails" plus the main reason, one sentence. */
  summary: string;
  /** What happens in each direction: alice's check, then bob's check towards the address she shows. */
  reasons: string[];
}

export type VerdictKind = 'direct' | 'relay' | 'turn-needed' | 'none';

export interface ModelResult {
  candidates: Record<Peer, ModelCandidate[]>;
  /** Notes on gathering, per peer, in plain words. */
  notes: Record<Peer, string[]>;
  /** Alice's check list: each of her bases with each of bob's candidates, then those learned in the checks. */
  pairs: PairResult[];
  verdict: { kind: VerdictKind; text: string; best: PairResult | null };
}

export const PEERS: readonly Peer[] = ['alice', 'bob'];
const OTHER: Readonly<Record<Peer, Peer>> = { alice: 'bob', bob: 'alice' };
const Name: Readonly<Record<Peer, string>> = { alice: 'Alice', bob: 'Bob' };
const HIS: Readonly<Record<Peer, string>> = { alice: 'her', bob: 'his' };

/** The model network's addresses (RFC 5737 documentation ranges, RFC 1918 private ones). */
export const NETWORK = {
  stun: { ip: '192.0.2.10', port: 3478 },
  turn: { ip: '192.0.2.20', port: 3478 },
  alice: { lan: '192.168.1.20', sameLan: '192.168.1.20', tunnel: '10.8.0.20', sameTunnel: '10.8.0.20', public: '198.51.100.20', nat: '198.51.100.7', vpnExit: '198.51.100.250', hostPort: 50000, firstPort: 40000, relayPort: 49152 },
  bob: { lan: '10.0.0.30', sameLan: '192.168.1.31', tunnel: '10.9.0.30', sameTunnel: '10.8.0.31', public: '203.0.113.30', nat: '203.0.113.9', vpnExit: '203.0.113.250', hostPort: 60000, firstPort: 45000, relayPort: 49153 },
} as const;

export const TYPE_WORDS: Readonly<Record<CandidateType, string>> = {
  host: 'host',
  srflx: 'server-reflexive (srflx)',
  prflx: 'peer-reflexive (prflx)',
  relay: 'relayed (relay)',
};

const key = (e: Endpoint) => `${e.ip}:${e.port}`;
const same = (a: Endpoint, b: Endpoint) => a.ip === b.ip && a.port === b.port;

type Base = 'host' | 'relay';

/** Why a packet was let in, or dropped. */
type Gate =
  | { ok: true; code: 'public' | 'forwarded' | 'lan' | 'ei' | 'ad' | 'apd' | 'permission'; src: Endpoint }
  | { ok: false; code: 'private' | 'no-mapping' | 'filtered-ad' | 'filtered-apd' | 'no-permission'; src: Endpoint; dests?: Endpoint[]; ips?: string[] };

interface Attempt {
  from: Peer;
  base: Base;
  target: ModelCandidate;
  /** Where the request appeared to come from, outside the sender's NAT. */
  src: Endpoint;
  outcome: 'dropped' | 'no-answer' | 'asymmetric' | 'ok';
  /** The request's gate at the receiver, or the answer's gate at the sender for 'no-answer'. */
  gate: Gate;
  /** The sender's candidate that src turned out to be (ok only). */
  apparent?: ModelCandidate;
}

class Side {
  readonly info: NatInfo;
  readonly host: Endpoint;
  readonly natIp: string | null;
  readonly relay: Endpoint | null;
  readonly hostPublic: boolean;
  /** Mapping key (RFC 4787 §4.1) → public port. */
  readonly mappings = new Map<string, number>();
  /** Public port → where packets from it went (what the filter remembers, RFC 4787 §5). */
  readonly sent = new Map<number, Endpoint[]>();
  readonly permissions = new Set<string>();
  candidates: ModelCandidate[] = [];
  remotes: ModelCandidate[] = [];
  private nextPort: number;

  constructor(
    readonly peer: Peer,
    readonly cfg: SideConfig,
    sameNetwork: boolean,
  ) {
    const net = NETWORK[peer];
    this.info = NAT_KINDS[cfg.nat] ?? NAT_KINDS.public;
    this.hostPublic = this.info.hostPublic;
    const vpn = cfg.nat === 'vpn';
    const ip = this.hostPublic ? net.public : sameNetwork ? (vpn ? net.sameTunnel : net.sameLan) : vpn ? net.tunnel : net.lan;
    this.host = { ip, port: net.hostPort };
    this.natIp = this.info.mapping === null ? null : cfg.nat === 'vpn' ? net.vpnExit : net.nat;
    this.relay = cfg.turn ? { ip: NETWORK.turn.ip, port: net.relayPort } : null;
    this.nextPort = net.firstPort;
  }

  /** Sends a packet from the host address to dst through the NAT; returns the outside source. */
  natSend(dst: Endpoint): Endpoint {
    const m = this.info.mapping;
    if (m === null || this.natIp === null) return this.host;
    const k = m === 'endpoint-independent' ? '*' : m === 'address-dependent' ? dst.ip : key(dst);
    let port = this.mappings.get(k);
    if (port === undefined) {
      port = this.info.filtering === 'open' ? this.host.port : this.nextPort++;
      this.mappings.set(k, port);
    }
    const list = this.sent.get(port) ?? [];
    if (!list.some((d) => same(d, dst))) list.push(dst);
    this.sent.set(port, list);
    return { ip: this.natIp, port };
  }

  /** Does the NAT let a packet from src in on public port `port`? (RFC 4787 §5) */
  natAccept(port: number, src: Endpoint): Gate {
    const f = this.info.filtering;
    if (f === null) return { ok: true, code: 'public', src };
    if (f === 'open' && port === this.host.port) return { ok: true, code: 'forwarded', src };
    const dests = this.sent.get(port);
    if (!dests) return { ok: false, code: 'no-mapping', src };
    if (f === 'endpoint-independent' || f === 'open') return { ok: true, code: 'ei', src };
    if (f === 'address-dependent') return dests.some((d) => d.ip === src.ip) ? { ok: true, code: 'ad', src } : { ok: false, code: 'filtered-ad', src, dests };
    return dests.some((d) => same(d, src)) ? { ok: true, code: 'apd', src } : { ok: false, code: 'filtered-apd', src, dests };
  }

  candidate(type: CandidateType, endpoint: Endpoint, how: string): ModelCandidate {
    return { peer: this.peer, type, endpoint, address: key(endpoint), how };
  }

  /** Which of my candidates is this outside address? A new one is peer-reflexive. */
  classify(src: Endpoint): ModelCandidate {
    const known = this.candidates.find((c) => same(c.endpoint, src));
    if (known) return known;
    const c = this.candidate('prflx', src, `Learned during the checks: the address ${this.info.mapping === null ? 'it' : `${HIS[this.peer]} NAT`} gave ${HIS[this.peer]} packets to ${Name[OTHER[this.peer]]}, new to both.`);
    this.candidates.push(c);
    return c;
  }
}

// ---------------------------------------------------------------------------------------------
// Words

const DROPPED: Readonly<Record<Exclude<Gate['code'], 'public' | 'forwarded' | 'lan' | 'ei' | 'ad' | 'apd' | 'permission'>, (to: Peer, g: Gate, target: Endpoint) => string>> = {
  private: (to, _g, t) => `${t.ip} is a private address inside ${Name[to]}'s network; from anywhere else it leads nowhere.`,
  'no-mapping': (to, _g, t) => `${Name[to]}'s NAT has nothing open on port ${t.port}, so it drops the packet.`,
  'filtered-ad': (to, g) => `${Name[to]}'s NAT drops it (address-dependent filtering): from that port ${Name[to]} has sent nothing to ${g.src.ip}.`,
  'filtered-apd': (to, g) =>
    `${Name[to]}'s NAT drops it (address-and-port-dependent filtering): from that port ${Name[to]} has sent only to ${describeDests(g.ok ? [] : (g.dests ?? []))}, not to ${key(g.src)}.`,
  'no-permission': (to, g) => `the TURN server drops it: ${Name[to]} asked it to let in only ${(g.ok ? [] : (g.ips ?? [])).join(', ') || 'nobody'}, and the packet comes from ${g.src.ip} (permissions are per IP, RFC 8656 §9).`,
};

const LET_IN: Readonly<Record<'public' | 'forwarded' | 'lan' | 'ei' | 'ad' | 'apd' | 'permission', (to: Peer, g: Gate) => string>> = {
  public: (to) => `${Name[to]}'s address is public, nothing filters it`,
  forwarded: (to) => `the port is forwarded to ${Name[to]}`,
  lan: () => 'both are on the same local network',
  ei: (to) => `${Name[to]}'s NAT lets anyone in on a port ${Name[to]} has used (endpoint-independent filtering)`,
  ad: (to, g) => `${Name[to]} has already sent to ${g.src.ip} from that port (address-dependent filtering)`,
  apd: (to, g) => `${Name[to]} has already sent to exactly ${key(g.src)} from that port: hole punching`,
  permission: (to, g) => `${Name[to]}'s TURN server has a permission for ${g.src.ip}`,
};

function describeDests(dests: Endpoint[]): string {
  const named = dests.map((d) => (same(d, NETWORK.stun) ? `the STUN server` : same(d, NETWORK.turn) ? 'the TURN server' : key(d)));
  return named.length === 0 ? 'nobody' : named.join(' and ');
}

function describe(c: ModelCandidate): string {
  return `${c.type} ${c.address}`;
}

/** One direction of a pair: `from`'s checks from candidate `own` to the other's candidate `target`. */
function directionSentence(from: Peer, own: ModelCandidate, target: ModelCandidate, attempt: Attempt | undefined): string {
  const to = OTHER[from];
  const head = `${Name[from]} → ${Name[to]}'s ${describe(target)}:`;
  if (!attempt) return `${head} ${Name[from]} never sends a check there.`;
  const moved = !same(attempt.src, own.endpoint) && attempt.gate.code !== 'private';
  let via = '';
  if (moved) {
    via =
      own.type === 'host'
        ? `The check leaves through ${Name[from]}'s NAT as ${key(attempt.src)}`
        : `${Name[from]}'s NAT sends the check from ${key(attempt.src)}, not from ${HIS[from]} ${own.type} ${own.address}${own.type === 'srflx' ? ' (a new port for a new destination)' : ''}`;
  }
  const g = attempt.gate;
  const cap = (t: string) => t.charAt(0).toUpperCase() + t.slice(1);
  switch (attempt.outcome) {
    case 'dropped': {
      const why = g.ok ? '' : DROPPED[g.code](to, g, target.endpoint);
      return moved ? `${head} ${via}, and ${why}` : `${head} ${cap(why)}`;
    }
    case 'no-answer': {
      const why = g.ok ? '' : DROPPED[g.code](from, g, attempt.src);
      return `${head} ${moved ? `${via}. ` : ''}The check gets in, but the answer does not: ${why}`;
    }
    case 'asymmetric':
      return `${head} The answer comes back from another address, so the check fails (RFC 8445 §7.2.5.2.1).`;
    case 'ok': {
      const seen = moved && attempt.apparent ? ` ${Name[to]} sees it come from ${HIS[from]} ${describe(attempt.apparent)}.` : '';
      return `${head} ${moved ? `${via}. ` : ''}Gets in: ${g.ok ? LET_IN[g.code](to, g) : ''}.${seen} The answer comes back.`;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The run

function simulate(input: ModelInput): { sides: Record<Peer, Side>; attempts: Map<string, Attempt>; gathered: Record<Peer, ModelCandidate[]>; notes: Record<Peer, string[]> } {
  const sameNetwork = !!input.sameNetwork;
  const sides: Record<Peer, Side> = { alice: new Side('alice', input.alice, sameNetwork), bob: new Side('bob', input.bob, sameNetwork) };
  const notes: Record<Peer, string[]> = { alice: [], bob: [] };

  // 1. Gathering.
  for (const peer of PEERS) {
    const s = sides[peer];
    const who = Name[peer];
    s.candidates.push(
      s.candidate('host', s.host, s.hostPublic ? 'The address of its network interface, which is public.' : `The address of its network interface${s.cfg.nat === 'vpn' ? ' (the VPN tunnel)' : ''}: private, meaningful only inside ${HIS[peer]} own network.`),
    );
    const server = s.cfg.stun ? NETWORK.stun : s.cfg.turn ? NETWORK.turn : null;
    if (s.natIp !== null && server) {
      const mapped = s.natSend(server);
      s.candidates.push(
        s.candidate('srflx', mapped, s.cfg.stun ? `The STUN server's answer: ${HIS[peer]} NAT's public address and port for ${HIS[peer]} Binding request.` : `The TURN server's answer to ${HIS[peer]} Allocate (XOR-MAPPED-ADDRESS): ${HIS[peer]} NAT's public address and port.`),
      );
    }
    if (s.cfg.turn && s.cfg.stun && s.natIp !== null) s.natSend(NETWORK.turn);
    if (s.relay) s.candidates.push(s.candidate('relay', s.relay, `Allocated on the TURN server: packets sent there are relayed to ${who}.`));

    if (s.natIp === null && (s.cfg.stun || s.cfg.turn)) notes[peer].push(`The STUN answer is ${who}'s host address itself, so there is no separate srflx candidate (a redundant candidate is dropped, RFC 8445 §5.1.3).`);
    if (s.natIp !== null && !server) notes[peer].push(`No STUN or TURN server: ${who} cannot learn ${HIS[peer]} public address, only ${HIS[peer]} private one.`);
    if (s.info.mapping === 'address-and-port-dependent' && server) notes[peer].push(`${who}'s NAT gives every destination its own port: the srflx port is good only for the server that saw it.`);
    if (s.info.mapping === 'address-and-port-dependent' && s.cfg.stun && s.cfg.turn) notes[peer].push('A real browser would gather a second srflx here, from the TURN server; the model shows one.');
    if (s.cfg.nat === 'forwarded') notes[peer].push(`${who}'s router forwards public port ${s.host.port} to ${HIS[peer]} host port ${s.host.port}; STUN is how ${who} learns the public address.`);
  }
  const gathered = { alice: [...sides.alice.candidates], bob: [...sides.bob.candidates] };

  // Signalling: each learns the other's candidates; a TURN client asks for permissions for them.
  for (const peer of PEERS) {
    const s = sides[peer];
    s.remotes = [...gathered[OTHER[peer]]];
    if (s.relay) for (const c of s.remotes) s.permissions.add(c.endpoint.ip);
  }

  /** A packet from `from`'s base to dst: who gets it, from which outside address, and is it let in. */
  const deliver = (from: Side, base: Base, dst: Endpoint): Gate => {
    const to = sides[OTHER[from.peer]];
    const fromRelay = base === 'relay' && from.relay;
    const toPrivateHost = same(dst, to.host) && !to.hostPublic;
    if (toPrivateHost) {
      if (!fromRelay && sameNetwork) return { ok: true, code: 'lan', src: from.host };
      // The packet never gets anywhere, so its outside source does not matter.
      return { ok: false, code: 'private', src: fromRelay ? from.relay! : from.host };
    }
    const src = fromRelay ? from.relay! : from.natSend(dst);
    if (same(dst, to.host)) return { ok: true, code: 'public', src };
    if (to.relay && same(dst, to.relay)) {
      return to.permissions.has(src.ip) ? { ok: true, code: 'permission', src } : { ok: false, code: 'no-permission', src, ips: [...to.permissions].filter((ip) => !ip.startsWith('10.') && !ip.startsWith('192.168.')) };
    }
    if (to.natIp !== null && dst.ip === to.natIp) return to.natAccept(dst.port, src);
    return { ok: false, code: 'no-mapping', src };
  };

  // 2. Checks: three rounds, alice (controlling) first, then bob.
  const attempts = new Map<string, Attempt>();
  const check = (from: Side, base: Base, target: ModelCandidate) => {
    const to = sides[OTHER[from.peer]];
    const id = `${from.peer}|${base}|${target.address}`;
    const record = (a: Attempt) => {
      if (attempts.get(id)?.outcome !== 'ok') attempts.set(id, a);
    };
    const req = deliver(from, base, target.endpoint);
    if (!req.ok) return record({ from: from.peer, base, target, src: req.src, outcome: 'dropped', gate: req });
    // The receiver learns a peer-reflexive candidate from an unknown source (RFC 8445 §7.3.1.3).
    if (!to.remotes.some((c) => same(c.endpoint, req.src))) {
      to.remotes.push({ peer: from.peer, type: 'prflx', endpoint: req.src, address: key(req.src), how: '' });
      if (to.relay) to.permissions.add(req.src.ip);
    }
    const res = deliver(to, target.type === 'relay' ? 'relay' : 'host', req.src);
    if (!res.ok) return record({ from: from.peer, base, target, src: req.src, outcome: 'no-answer', gate: res });
    if (!same(res.src, target.endpoint)) return record({ from: from.peer, base, target, src: req.src, outcome: 'asymmetric', gate: req });
    record({ from: from.peer, base, target, src: req.src, outcome: 'ok', gate: req, apparent: from.classify(req.src) });
  };
  for (let round = 0; round < 3; round++) {
    for (const peer of PEERS) {
      const s = sides[peer];
      const bases: Base[] = s.relay ? ['host', 'relay'] : ['host'];
      for (const base of bases) for (const target of [...s.remotes]) check(s, base, target);
    }
  }
  return { sides, attempts, gathered, notes };
}

function pairPriority(a: ModelCandidate, b: ModelCandidate): number {
  // RFC 8445 §6.1.2.3 with alice controlling, on type preferences only.
  const g = RECOMMENDED_TYPE_PREFERENCE[a.type];
  const d = RECOMMENDED_TYPE_PREFERENCE[b.type];
  return 2 ** 32 * Math.min(g, d) + 2 * Math.max(g, d) + (g > d ? 1 : 0);
}

const pairName = (v: { alice: ModelCandidate; bob: ModelCandidate }) => `alice ${describe(v.alice)} ↔ bob ${describe(v.bob)}`;

function pairs(sim: ReturnType<typeof simulate>): PairResult[] {
  const { sides, attempts } = sim;
  const alice = sides.alice;
  const attemptFor = (from: Peer, base: Base, target: ModelCandidate) => attempts.get(`${from}|${base}|${target.address}`);
  const baseOf = (c: ModelCandidate): Base => (c.type === 'relay' ? 'relay' : 'host');
  // The address alice shows the world from a base: her srflx for the host when she has one.
  const face = (base: ModelCandidate) => (base.type === 'host' ? alice.candidates.find((c) => c.type === 'srflx') : undefined) ?? base;
  const bases = alice.candidates.filter((c) => c.type === 'host' || c.type === 'relay');

  const row = (al: ModelCandidate, bo: ModelCandidate): PairResult => {
    const ab = attemptFor('alice', baseOf(al), bo);
    const valid = ab?.outcome === 'ok' && ab.apparent ? { alice: ab.apparent, bob: bo } : null;
    const shown = valid?.alice ?? face(al);
    const ba = attemptFor('bob', baseOf(bo), shown);
    const reasons = [directionSentence('alice', al, bo, ab), directionSentence('bob', bo, shown, ba)];
    const discovered = bo.type === 'prflx' || valid?.alice.type === 'prflx';
    let summary: string;
    if (valid) {
      const same = valid.alice === al ? '' : ` Valid pair: ${pairName(valid)} (RFC 8445 §7.2.5.3.2).`;
      summary = `${discovered ? 'Works, found during the checks' : 'Works'}: Alice's check gets through and back.${same}`;
    } else if (al.type === 'host' && bo.type === 'host' && !alice.hostPublic && !sides.bob.hostPublic) summary = 'Fails: private addresses on different networks.';
    else if (ab?.outcome === 'no-answer') summary = 'Fails: the check gets in, but its answer does not get back.';
    else if (ab?.outcome === 'asymmetric') summary = 'Fails: the answer comes back from another address.';
    else summary = 'Fails: the check does not get through.';
    return { alice: al, bob: bo, works: valid !== null, discovered, valid, summary, reasons };
  };

  return bases.flatMap((al) => alice.remotes.map((bo) => row(al, bo)));
}

function verdictOf(result: PairResult[], input: ModelInput): ModelResult['verdict'] {
  // Nominated: the valid pair of highest priority (RFC 8445 §8.1.1), priorities of the valid pair's own candidates.
  const working = result.filter((p) => p.valid).sort((x, y) => pairPriority(y.valid!.alice, y.valid!.bob) - pairPriority(x.valid!.alice, x.valid!.bob));
  const direct = working.filter((p) => p.valid!.alice.type !== 'relay' && p.valid!.bob.type !== 'relay');
  const picked = (p: PairResult) => `${pairName(p.valid!)}${p.valid!.alice === p.alice ? '' : `, checked from her ${p.alice.type} base`}`;
  if (direct.length > 0) return { kind: 'direct', best: direct[0]!, text: `A direct pair works, no relay needed. ICE would pick ${picked(direct[0]!)}.` };
  if (working.length > 0) return { kind: 'relay', best: working[0]!, text: `Only TURN helps: no direct pair works, so the data goes through the relay (${picked(working[0]!)}).` };
  // Nothing works: would TURN help, and on which side?
  const withTurn = (alice: boolean, bob: boolean) =>
    pairs(simulate({ ...input, alice: { ...input.alice, turn: input.alice.turn || alice }, bob: { ...input.bob, turn: input.bob.turn || bob } })).some((p) => p.works);
  if (withTurn(true, true)) {
    const a = withTurn(true, false);
    const b = withTurn(false, true);
    const who = a && b ? 'a TURN server for either peer would do' : a ? 'a TURN server for alice would do' : b ? 'a TURN server for bob would do' : 'both peers need a TURN server';
    return { kind: 'turn-needed', best: null, text: `No pair works. Only TURN helps: ${who}.` };
  }
  return { kind: 'none', best: null, text: 'No pair works, even with TURN.' };
}

/** Runs the model. Pure and deterministic. */
export function runModel(input: ModelInput): ModelResult {
  const sim = simulate(input);
  const result = pairs(sim);
  return {
    candidates: { alice: sim.gathered.alice, bob: sim.gathered.bob },
    notes: sim.notes,
    pairs: result,
    verdict: verdictOf(result, input),
  };
}
