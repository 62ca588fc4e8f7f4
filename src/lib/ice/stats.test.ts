import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCandidateError, parseCandidate } from './candidate';
import { loadSession, SCENARIOS, type Scenario } from './fixtures';
import { candidateKey } from './key';
import { candidatePairs, candidateShort, iceTransports, pairSteps, pairsWithCandidate, statsCandidates, type CandidatePairRow } from './stats';

const PEERS = ['alice', 'bob'] as const;
const other = { alice: 'bob', bob: 'alice' } as const;

/** Every (scenario, snapshot, peer) with its getStats() array. */
const SNAPSHOTS = SCENARIOS.flatMap((name) =>
  loadSession(name).snapshots.flatMap((snap) => PEERS.map((peer) => ({ name, label: snap.label, peer, stats: snap[peer] }))),
);

const gatheredKeys = (name: Scenario, peer: 'alice' | 'bob') =>
  new Set(
    loadSession(name)
      .candidates[peer].map((c) => (c.candidate === null ? null : parseCandidate(c.candidate)))
      .flatMap((c) => (c === null || isCandidateError(c) ? [] : [candidateKey(c)])),
  );

const count = (stats: unknown[], type: string) => stats.filter((s) => (s as { type: string }).type === type).length;

describe('candidatePairs over captured Chromium getStats()', () => {
  it.each(SNAPSHOTS.map((s) => [`${s.name} / ${s.label} / ${s.peer}`, s] as const))('%s: joins, orders, computes', (_n, { peer, stats }) => {
    const pairs = candidatePairs(stats);
    expect(pairs).toHaveLength(count(stats, 'candidate-pair'));
    for (const p of pairs) {
      expect(p.local?.isRemote).toBe(false);
      expect(p.remote?.isRemote).toBe(true);
      // Alice offered, so she controls (RFC 8445 §6.1.1); the transport stats say so too.
      expect(p.role).toBe(peer === 'alice' ? 'controlling' : 'controlled');
      expect(p.priority).not.toBeNull();
      // Chromium reports the same RFC 8445 §6.1.2.3 value, rounded to a double.
      if (p.reportedPriority !== null) expect(Number(p.priority)).toBe(p.reportedPriority);
    }
    const priorities = pairs.map((p) => p.priority!);
    expect([...priorities].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))).toEqual(priorities);
  });

  it.each(SNAPSHOTS.map((s) => [`${s.name} / ${s.label} / ${s.peer}`, s] as const))('%s: selected pair is the transport’s', (_n, { stats }) => {
    const pairs = candidatePairs(stats);
    const chosen = iceTransports(stats)[0]?.selectedCandidatePairId ?? null;
    const selected = pairs.filter((p) => p.selected);
    if (chosen === null) {
      expect(selected.every((p) => p.selectedBy !== 'transport')).toBe(true);
    } else {
      expect(selected.map((p) => [p.id, p.selectedBy])).toEqual([[chosen, 'transport']]);
    }
  });

  it.each(SCENARIOS.filter((n) => loadSession(n).opened === 'open'))('%s: both peers agree on every pair priority', (name) => {
    const snap = loadSession(name).snapshots.at(-1)!;
    const a = candidatePairs(snap.alice);
    const b = candidatePairs(snap.bob);
    const key = (p: CandidatePairRow, flip: boolean) => (flip ? `${p.remote?.key}~${p.local?.key}` : `${p.local?.key}~${p.remote?.key}`);
    const bobs = new Map(b.map((p) => [key(p, true), p.priority]));
    let matched = 0;
    for (const p of a) {
      if (!bobs.has(key(p, false))) continue; // prflx remote candidates get their own foundation
      expect(bobs.get(key(p, false))).toBe(p.priority);
      matched++;
    }
    expect(matched).toBeGreaterThan(0);
  });

  it.each(SCENARIOS)('%s: pair candidates carry the keys of the gathered (signalled) candidates', (name) => {
    const snap = loadSession(name).snapshots.at(-1)!;
    for (const peer of PEERS) {
      const mine = gatheredKeys(name, peer);
      const theirs = gatheredKeys(name, other[peer]);
      for (const p of candidatePairs(snap[peer])) {
        expect(mine.has(p.local!.key!), `${peer} local ${p.local!.key}`).toBe(true);
        if (p.remote!.candidateType !== 'prflx') expect(theirs.has(p.remote!.key!), `${peer} remote ${p.remote!.key}`).toBe(true);
      }
    }
  });
});

describe('candidatePairs: what the captures show', () => {
  it('host-mdns: addresses hidden (null), RTTs in ms, bytes on the pair that carried DTLS/SCTP', () => {
    const snap = loadSession('host-mdns').snapshots.find((s) => s.label === 'connected')!;
    const pairs = candidatePairs(snap.alice);
    expect(pairs.length).toBe(2);
    for (const p of pairs) {
      expect(p.local!.address).toBeNull();
      expect(p.remote!.address).toBeNull();
      expect(p.local!.candidateType).toBe('host');
      expect(p.state).toBe('succeeded');
      expect(p.requestsSent).toBeGreaterThan(0);
      expect(p.responsesReceived).toBeGreaterThan(0);
      expect(p.averageRttMs).not.toBeNull();
    }
    expect(pairs.some((p) => p.bytesSent > 1000 && p.bytesReceived > 1000)).toBe(true);
  });

  it('host-mdns: one RTT computed as totalRoundTripTime / responsesReceived', () => {
    const snap = loadSession('host-mdns').snapshots.find((s) => s.label === 'connected')!;
    const raw = snap.alice.find((s) => (s as { type: string }).type === 'candidate-pair') as Record<string, number> & { id: string };
    const row = candidatePairs(snap.alice).find((p) => p.id === raw.id)!;
    // Rounded to the microsecond.
    expect(row.averageRttMs).toBeCloseTo((raw.totalRoundTripTime! / raw.responsesReceived!) * 1000, 3);
    expect(row.currentRttMs).toBeCloseTo(raw.currentRoundTripTime! * 1000, 3);
  });

  it('host-raw: raw IPv4 and IPv6 addresses after getUserMedia', () => {
    const snap = loadSession('host-raw').snapshots.at(-1)!;
    const addresses = new Set(candidatePairs(snap.alice).flatMap((p) => [p.local!.address, p.remote!.address]));
    expect([...addresses].sort()).toEqual(['192.0.2.2', 'fd00::2']);
  });

  it('stun-turn: host, srflx and relay candidates meet in the check list, with waiting pairs', () => {
    const snap = loadSession('stun-turn').snapshots.at(-1)!;
    const pairs = candidatePairs(snap.alice);
    const types = new Set(pairs.flatMap((p) => [p.local!.candidateType, p.remote!.candidateType]));
    expect(types).toEqual(new Set(['host', 'srflx', 'relay']));
    expect(new Set(pairs.map((p) => p.state))).toContain('waiting');
    const relays = statsCandidates(snap.alice).filter((c) => c.candidateType === 'relay' && !c.isRemote);
    expect(relays.map((c) => c.relayProtocol).sort()).toEqual(['tcp', 'udp']);
    expect(relays.every((c) => c.url?.startsWith('turn:'))).toBe(true);
  });

  it('relay-forbidden: an in-progress pair while checking, nothing selected; the pairs are gone after failure', () => {
    const s = loadSession('relay-forbidden');
    const snap = s.snapshots.find((x) => x.label === 'checking')!;
    const checking = [...candidatePairs(snap.alice), ...candidatePairs(snap.bob)];
    expect(checking.map((p) => [p.state, p.selected, p.requestsSent > 0, p.responsesReceived])).toContainEqual(['in-progress', false, true, 0]);
    expect(checking.every((p) => !p.selected)).toBe(true);
    for (const peer of PEERS) {
      expect(candidatePairs(s.snapshots.at(-1)![peer])).toEqual([]);
      expect(iceTransports(s.snapshots.at(-1)![peer])[0]?.iceState).toBe('failed');
    }
  });

  it('errors: the selected pair is a nominated one', () => {
    const snap = loadSession('errors').snapshots.at(-1)!;
    const selected = candidatePairs(snap.alice).find((p) => p.selected)!;
    expect(selected).toMatchObject({ selectedBy: 'transport', nominated: true });
  });

  it('pairsWithCandidate finds the pairs of one candidate on both peers', () => {
    const snap = loadSession('stun-turn').snapshots.at(-1)!;
    const srflx = gatheredKeys('stun-turn', 'alice');
    const key = [...srflx].find((k) => candidatePairs(snap.alice).some((p) => p.local!.key === k && p.local!.candidateType === 'srflx'))!;
    expect(pairsWithCandidate(candidatePairs(snap.alice), key).length).toBeGreaterThan(0);
    expect(pairsWithCandidate(candidatePairs(snap.bob), key).every((p) => p.remote!.key === key)).toBe(true);
    expect(pairsWithCandidate(candidatePairs(snap.bob), key).length).toBeGreaterThan(0);
  });
});

describe('candidatePairs: fallbacks and bad input', () => {
  const connected = () => structuredClone(loadSession('host-mdns').snapshots.find((s) => s.label === 'connected')!.alice) as Array<Record<string, unknown>>;

  it('without selectedCandidatePairId: the highest-priority nominated, succeeded pair', () => {
    const stats = connected();
    const chosen = iceTransports(stats)[0]!.selectedCandidatePairId;
    for (const s of stats) if (s.type === 'transport') delete s.selectedCandidatePairId;
    const selected = candidatePairs(stats).filter((p) => p.selected);
    expect(selected.map((p) => [p.id, p.selectedBy])).toEqual([[chosen, 'nominated-succeeded']]);
  });

  it('a pair flagged selected (Firefox) wins over the nominated fallback', () => {
    const stats = connected();
    for (const s of stats) if (s.type === 'transport') delete s.selectedCandidatePairId;
    const last = candidatePairs(stats).at(-1)!;
    (stats.find((s) => s.id === last.id) as Record<string, unknown>).selected = true;
    expect(candidatePairs(stats).filter((p) => p.selected).map((p) => [p.id, p.selectedBy])).toEqual([[last.id, 'pair-flag']]);
  });

  it('without iceRole: the caller’s role decides G and D; without either, no priority', () => {
    const stats = connected();
    for (const s of stats) if (s.type === 'transport') delete s.iceRole;
    const ctl = candidatePairs(stats, { controlling: true });
    const ctd = candidatePairs(stats, { controlling: false });
    expect(ctl.every((p) => p.role === 'controlling' && p.priority !== null)).toBe(true);
    expect(ctd.every((p) => p.role === 'controlled')).toBe(true);
    expect(candidatePairs(stats).every((p) => p.priority === null && p.role === null)).toBe(true);
  });

  it('the transport’s iceRole wins over the caller’s guess', () => {
    expect(candidatePairs(connected(), { controlling: false }).every((p) => p.role === 'controlling')).toBe(true);
  });

  it.each<[string, unknown]>([
    ['not an array', { id: 'x' }],
    ['nulls and numbers', [null, 1, 'x', { type: 'candidate-pair' }]],
    ['pair with missing candidates', [{ id: 'p', type: 'candidate-pair', localCandidateId: 'nope', state: 5, nominated: 'yes' }]],
    ['pair with mistyped counters', [{ id: 'p', type: 'candidate-pair', bytesSent: '12', totalRoundTripTime: Infinity, responsesReceived: 0 }]],
  ])('%s: never throws', (_name, input) => {
    const rows = candidatePairs(input as unknown[]);
    for (const r of rows) {
      expect(r).toMatchObject({ priority: null, bytesSent: 0, averageRttMs: null, nominated: false });
    }
  });
});

describe('candidatePairs: property', () => {
  it('never throws on arbitrary JSON-ish input, including mutated real entries', () => {
    const real = loadSession('stun-turn').snapshots.at(-1)!.alice as Array<Record<string, unknown>>;
    const mutated = fc
      .tuple(fc.subarray(real), fc.array(fc.tuple(fc.nat(), fc.string({ maxLength: 20 }), fc.anything()), { maxLength: 10 }))
      .map(([entries, edits]) => {
        const copy = entries.map((e) => ({ ...e }));
        for (const [k, field, value] of edits) if (copy.length) copy[k % copy.length]![field] = value;
        return copy;
      });
    fc.assert(
      fc.property(fc.oneof(fc.array(fc.anything()), mutated), (stats) => {
        for (const row of candidatePairs(stats, { controlling: true })) {
          expect(typeof row.id).toBe('string');
          expect(row.priority === null || typeof row.priority === 'bigint').toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('pairSteps', () => {
  const pair = (fields: Partial<CandidatePairRow>): CandidatePairRow => ({ ...candidatePairs([{ id: 'P', type: 'candidate-pair' }])[0]!, ...fields });
  it.each<[string, Partial<CandidatePairRow>, string[]]>([
    ['frozen, nothing sent', { state: 'frozen' }, []],
    ['waiting, nothing sent', { state: 'waiting' }, []],
    ['a request out', { state: 'in-progress', requestsSent: 1 }, ['sent']],
    ['answered', { state: 'succeeded', requestsSent: 2, responsesReceived: 1 }, ['sent', 'succeeded']],
    ['nominated but not yet succeeded', { state: 'in-progress', requestsSent: 1, nominated: true }, ['sent']],
    ['nominated and succeeded', { state: 'succeeded', requestsSent: 3, responsesReceived: 3, nominated: true }, ['sent', 'succeeded', 'nominated']],
    ['failed', { state: 'failed', requestsSent: 7 }, ['sent', 'failed']],
  ])('%s: %j → %j', (_, fields, steps) => {
    expect(pairSteps([pair(fields)])[0]!.steps).toEqual(steps);
  });

  it.each(SCENARIOS.filter((s) => loadSession(s).opened === 'open'))('%s: a connected session has a nominated pair that succeeded', (name) => {
    const last = loadSession(name).snapshots.at(-1)!;
    for (const stats of [last.alice, last.bob]) {
      const nominated = pairSteps(candidatePairs(stats)).filter(({ steps }) => steps.includes('nominated'));
      expect(nominated.length).toBeGreaterThan(0);
      for (const { pair, steps } of nominated) {
        expect(steps.slice(0, 3)).toEqual(['sent', 'succeeded', 'nominated']);
        expect(candidateShort(pair.local)).toMatch(/^(host|srflx|prflx|relay) (udp|tcp) :\d+$/);
      }
    }
  });

  it.each(SCENARIOS)('%s: no two candidate pairs get the same short label', (name) => {
    for (const snapshot of loadSession(name).snapshots) {
      for (const stats of [snapshot.alice, snapshot.bob]) {
        const labels = candidatePairs(stats).map((p) => `${candidateShort(p.local)} → ${candidateShort(p.remote)}`);
        expect(new Set(labels).size).toBe(labels.length);
      }
    }
  });
});
