import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NAT_KINDS, NAT_ORDER, type NatKind } from './kinds';
import { runModel, type ModelInput, type ModelResult, type SideConfig } from './model';

const side = (nat: NatKind, stun = true, turn = false): SideConfig => ({ nat, stun, turn });

/** "srflx-prflx": the types of the best valid pair (alice-bob), or "TURN" when only TURN would help. */
function outcome(r: ModelResult): string {
  if (r.verdict.kind === 'turn-needed') return 'TURN';
  if (r.verdict.kind === 'none') return 'none';
  const v = r.verdict.best!.valid!;
  return `${v.alice.type}-${v.bob.type}`;
}

// Both peers have a STUN server, no TURN, different networks. One row per alice NAT, one
// column per bob NAT, in NAT_ORDER: public, forwarded, full-cone, address-restricted,
// port-restricted, symmetric, vpn.
const H = 'host-host';
const HS = 'host-srflx';
const SH = 'srflx-host';
const HP = 'host-prflx';
const PH = 'prflx-host';
const SS = 'srflx-srflx';
const SP = 'srflx-prflx';
const PS = 'prflx-srflx';
const T = 'TURN';
const MATRIX: Record<NatKind, readonly string[]> = {
  //                    public forwarded full  addr  port  sym  vpn
  public: /*          */ [H, HS, HS, HS, HS, HP, HP],
  forwarded: /*       */ [SH, SS, SS, SS, SS, SP, SP],
  'full-cone': /*     */ [SH, SS, SS, SS, SS, SP, SP],
  'address-restricted': [SH, SS, SS, SS, SS, SP, SP],
  'port-restricted': /**/ [SH, SS, SS, SS, SS, T, T],
  symmetric: /*       */ [PH, PS, PS, PS, T, T, T],
  vpn: /*             */ [PH, PS, PS, PS, T, T, T],
};

/** The rule behind each outcome, for the test names. */
const RULE: Record<string, string> = {
  [H]: 'both public: host ↔ host',
  [HS]: 'a public host and a NAT that keeps one port per inside port: the NAT side\'s checks arrive from its srflx address',
  [SH]: 'a public host and a NAT that keeps one port per inside port: the NAT side\'s checks arrive from its srflx address',
  [HP]: 'a public host and a symmetric NAT: the checks arrive from a new port, a prflx candidate',
  [PH]: 'a public host and a symmetric NAT: the checks arrive from a new port, a prflx candidate',
  [SS]: 'both map endpoint-independently: srflx ↔ srflx, by hole punching',
  [SP]: 'symmetric ↔ a cone whose filter ignores ports: the new port gets in and is learned as prflx',
  [PS]: 'symmetric ↔ a cone whose filter ignores ports: the new port gets in and is learned as prflx',
  [T]: 'symmetric ↔ port-restricted or symmetric: the new port is never let in, only TURN helps',
};

const matrixCases = NAT_ORDER.flatMap((a) => NAT_ORDER.map((b, j) => [a, b, MATRIX[a][j]!] as const));

describe('NAT model: every pair of NAT types, both with STUN, no TURN', () => {
  it('covers every NAT kind', () => {
    expect(Object.keys(MATRIX)).toEqual([...NAT_ORDER]);
    expect(matrixCases).toHaveLength(49);
  });

  it.each(matrixCases.map(([a, b, want]) => [a, b, want, RULE[want]!] as const))('alice %s ↔ bob %s: %s (%s)', (a, b, want) => {
    const r = runModel({ alice: side(a), bob: side(b) });
    expect(outcome(r)).toBe(want);
    expect(r.verdict.kind).toBe(want === T ? 'turn-needed' : 'direct');
    if (want === T) expect(r.verdict.text).toContain('Only TURN helps');
  });

  const mirror = (o: string) => o.split('-').reverse().join('-');
  it.each(matrixCases)('alice %s ↔ bob %s: the mirror image with alice and bob swapped', (a, b) => {
    expect(outcome(runModel({ alice: side(b), bob: side(a) }))).toBe(mirror(outcome(runModel({ alice: side(a), bob: side(b) }))));
  });
});

describe('NAT model: STUN, TURN and the same network', () => {
  // [rule, input, outcome, verdict kind]
  const CASES: [string, ModelInput, string, ModelResult['verdict']['kind']][] = [
    ['without STUN, two peers behind NATs only know private addresses: only TURN helps', { alice: side('full-cone', false), bob: side('full-cone', false) }, T, 'turn-needed'],
    ['on the same network, private host addresses reach each other', { alice: side('full-cone', false), bob: side('full-cone', false), sameNetwork: true }, H, 'direct'],
    ['on the same network even two symmetric NATs connect host ↔ host', { alice: side('symmetric'), bob: side('symmetric'), sameNetwork: true }, H, 'direct'],
    ['two peers on the same VPN reach each other on their tunnel addresses', { alice: side('vpn'), bob: side('vpn'), sameNetwork: true }, H, 'direct'],
    ['one STUN is enough when the other side\'s filter is open: the side without it shows up as prflx', { alice: side('full-cone', false), bob: side('full-cone', true) }, PS, 'direct'],
    ['one STUN is not enough when the other side filters by port: bob cannot learn where alice is', { alice: side('port-restricted', false), bob: side('port-restricted', true) }, T, 'turn-needed'],
    ['a public peer needs no STUN: the other\'s checks reach it and arrive as prflx', { alice: side('public', false), bob: side('symmetric', false) }, HP, 'direct'],
    ['symmetric ↔ symmetric with TURN for alice: bob reaches alice\'s relay from a new port (prflx)', { alice: side('symmetric', true, true), bob: side('symmetric') }, 'relay-prflx', 'relay'],
    ['symmetric ↔ symmetric with TURN for both: relayed', { alice: side('symmetric', true, true), bob: side('symmetric', true, true) }, 'prflx-relay', 'relay'],
    ['TURN alone also gives a srflx candidate (the Allocate answer), so port-restricted ↔ port-restricted connects directly', { alice: side('port-restricted', false, true), bob: side('port-restricted', false, true) }, SS, 'direct'],
    ['a TURN server helps only if the other side\'s public IP is among its permissions: no STUN on bob means alice\'s relay lets nobody in', { alice: side('symmetric', true, true), bob: side('port-restricted', false) }, T, 'turn-needed'],
    ['port forwarded ↔ symmetric: the forwarded port lets the new port in', { alice: side('forwarded'), bob: side('symmetric') }, SP, 'direct'],
  ];
  it.each(CASES)('%s', (_, input, want, kind) => {
    const r = runModel(input);
    expect(r.verdict.kind).toBe(kind);
    expect(outcome(r)).toBe(want);
  });

  it.each([
    ['either peer', { alice: side('symmetric'), bob: side('symmetric') }, 'a TURN server for either peer would do'],
    ['bob, when bob has no STUN (alice\'s relay could not permit an IP nobody knows; bob\'s own TURN also tells him his public address)', { alice: side('symmetric'), bob: side('port-restricted', false) }, 'a TURN server for bob would do'],
    ['both, when neither has STUN', { alice: side('port-restricted', false), bob: side('port-restricted', false) }, 'both peers need a TURN server'],
  ] as const)('says who needs TURN: %s', (_, input, text) => {
    expect(runModel(input).verdict.text).toContain(text);
  });
});

describe('NAT model: gathering', () => {
  // [rule, config, candidate types gathered]
  const CASES: [string, SideConfig, string[]][] = [
    ['no servers: host only', side('port-restricted', false), ['host']],
    ['STUN behind a NAT: host and srflx', side('port-restricted'), ['host', 'srflx']],
    ['STUN with a public address: the srflx would equal the host candidate, so it is dropped', side('public'), ['host']],
    ['TURN without STUN: the Allocate answer gives a srflx too, plus the relay', side('symmetric', false, true), ['host', 'srflx', 'relay']],
    ['TURN with a public address: host and relay', side('public', true, true), ['host', 'relay']],
    ['VPN: host is the tunnel address, srflx the VPN server\'s', side('vpn'), ['host', 'srflx']],
  ];
  it.each(CASES)('%s', (_, config, types) => {
    const r = runModel({ alice: config, bob: side('public') });
    expect(r.candidates.alice.map((c) => c.type)).toEqual(types);
    for (const c of r.candidates.alice) expect(c.how.length).toBeGreaterThan(10);
  });

  it('explains the missing srflx of a public peer and the per-destination ports of a symmetric NAT', () => {
    expect(runModel({ alice: side('public'), bob: side('symmetric') }).notes).toEqual({
      alice: [expect.stringContaining('RFC 8445 §5.1.3')],
      bob: [expect.stringContaining('its own port')],
    });
  });

  it('uses documentation and private addresses only', () => {
    const r = runModel({ alice: side('vpn', true, true), bob: side('full-cone', true, true) });
    for (const c of [...r.candidates.alice, ...r.candidates.bob]) expect(c.endpoint.ip).toMatch(/^(192\.0\.2|198\.51\.100|203\.0\.113|10\.|192\.168\.)/);
    expect(r.candidates.alice[0]!.address).toBe('10.8.0.20:50000');
  });
});

describe('NAT model: the check list (RFC 8445 §6.1.2.4) and valid pairs (§7.2.5.3.2)', () => {
  const pair = (r: ModelResult, a: string, b: string) => r.pairs.find((p) => p.alice.type === a && p.bob.type === b)!;
  const types = (r: ModelResult) => r.pairs.map((p) => `${p.alice.type}-${p.bob.type}`);

  // [rule, input, alice's check list as local-remote types]
  const LISTS: [string, ModelInput, string[]][] = [
    ['host and srflx: the srflx is replaced by its base, the host, so only the host is a local side', { alice: side('port-restricted'), bob: side('port-restricted') }, ['host-host', 'host-srflx']],
    ['host, srflx and relay: checks go from the host and from the relay (a relay is its own base)', { alice: side('full-cone', true, true), bob: side('full-cone') }, ['host-host', 'host-srflx', 'relay-host', 'relay-srflx']],
    ['a remote relay is checked like any remote candidate', { alice: side('full-cone'), bob: side('full-cone', true, true) }, ['host-host', 'host-srflx', 'host-relay']],
    ['a prflx that bob\'s checks teach alice joins her list (§7.3.1.3)', { alice: side('full-cone'), bob: side('symmetric') }, ['host-host', 'host-srflx', 'host-prflx']],
    ['no STUN on either side: host to host only', { alice: side('port-restricted', false), bob: side('port-restricted', false) }, ['host-host']],
  ];
  it.each(LISTS)('%s', (_, input, want) => {
    const r = runModel(input);
    expect(types(r)).toEqual(want);
    expect(r.pairs.some((p) => p.alice.type === 'srflx')).toBe(false);
  });

  it('port-restricted ↔ port-restricted: the check alice host → bob srflx succeeds by hole punching, and validates srflx ↔ srflx', () => {
    const p = pair(runModel({ alice: side('port-restricted'), bob: side('port-restricted') }), 'host', 'srflx');
    expect(p.works).toBe(true);
    expect(p.valid!.alice.type).toBe('srflx');
    expect(p.valid!.alice.address).toBe('198.51.100.7:40000');
    expect(p.valid!.bob).toBe(p.bob);
    expect(p.summary).toContain('Valid pair: alice srflx 198.51.100.7:40000 ↔ bob srflx 203.0.113.9:45000');
    expect(p.reasons.join(' ')).toContain('hole punching');
    expect(p.reasons[0]).toContain('Bob sees it come from her srflx 198.51.100.7:40000');
  });

  it('private host ↔ private host on different networks fails: "private address"', () => {
    const p = pair(runModel({ alice: side('full-cone'), bob: side('full-cone') }), 'host', 'host');
    expect(p.works).toBe(false);
    expect(p.valid).toBeNull();
    expect(p.summary).toBe('Fails: private addresses on different networks.');
    expect(p.reasons.join(' ')).toContain('is a private address inside Bob\'s network');
  });

  it('symmetric ↔ port-restricted: alice host → bob srflx fails, the new port is not one bob\'s NAT has sent to', () => {
    const p = pair(runModel({ alice: side('symmetric'), bob: side('port-restricted') }), 'host', 'srflx');
    expect(p.works).toBe(false);
    expect(p.reasons[0]).toMatch(/leaves through Alice's NAT as 198\.51\.100\.7:4000[1-9].*address-and-port-dependent filtering/);
    expect(p.reasons[1]).toContain('Alice\'s NAT drops it');
  });

  it('symmetric ↔ address-restricted: bob\'s filter checks only the IP, so alice\'s new port gets in and is her prflx', () => {
    const r = runModel({ alice: side('symmetric'), bob: side('address-restricted') });
    const p = pair(r, 'host', 'srflx');
    expect(p.works).toBe(true);
    expect(p.discovered).toBe(true);
    expect(p.valid!.alice.type).toBe('prflx');
    expect(p.reasons.join(' ')).toContain('address-dependent filtering');
  });

  it('a TURN permission is per IP: a relay without the other\'s public IP drops its checks', () => {
    const r = runModel({ alice: side('symmetric', true, true), bob: side('port-restricted', false) });
    expect(r.pairs.some((p) => p.works)).toBe(false);
    expect(r.pairs.flatMap((p) => p.reasons).join(' ')).toContain('permissions are per IP');
  });

  it('the verdict names the best valid pair and the base it was checked from, preferring direct pairs to relayed ones', () => {
    const r = runModel({ alice: side('full-cone', true, true), bob: side('full-cone', true, true) });
    expect(r.verdict.kind).toBe('direct');
    expect(r.verdict.text).toContain('alice srflx 198.51.100.7:40000 ↔ bob srflx 203.0.113.9:45000, checked from her host base');
  });
});

describe('NAT model: properties (fast-check)', () => {
  const arbSide = fc.record({ nat: fc.constantFrom(...NAT_ORDER), stun: fc.boolean(), turn: fc.boolean() });
  const arbInput = fc.record({ alice: arbSide, bob: arbSide, sameNetwork: fc.boolean() });

  it('is deterministic, and the verdict agrees with the pairs', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const r = runModel(input);
        expect(runModel(input)).toEqual(r);
        const direct = r.pairs.some((p) => p.valid && p.valid.alice.type !== 'relay' && p.valid.bob.type !== 'relay');
        const any = r.pairs.some((p) => p.works);
        expect(r.verdict.kind).toBe(direct ? 'direct' : any ? 'relay' : 'turn-needed');
        // Alice's bases (host, relay) with each of bob's signalled candidates, then those learned.
        const bases = r.candidates.alice.filter((c) => c.type === 'host' || c.type === 'relay').length;
        expect(r.pairs.filter((p) => p.bob.type !== 'prflx')).toHaveLength(bases * r.candidates.bob.length);
        for (const p of r.pairs) {
          expect(p.reasons).toHaveLength(2);
          expect(['host', 'relay']).toContain(p.alice.type);
          expect(p.works).toBe(p.valid !== null);
          // A valid pair's remote side is the candidate checked; its local side is where the check came from.
          if (p.valid) expect(p.valid.bob).toBe(p.bob);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('swapping alice and bob gives the same verdict', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        expect(runModel({ ...input, alice: input.bob, bob: input.alice }).verdict.kind).toBe(runModel(input).verdict.kind);
      }),
      { numRuns: 300 },
    );
  });

  it('adding a TURN server never stops a connection from working', () => {
    fc.assert(
      fc.property(arbInput, fc.constantFrom('alice', 'bob'), (input, who) => {
        const before = runModel(input).verdict.kind;
        const after = runModel({ ...input, [who]: { ...input[who as 'alice'], turn: true } }).verdict.kind;
        if (before !== 'turn-needed') expect(after).not.toBe('turn-needed');
      }),
      { numRuns: 300 },
    );
  });

  it('every NAT kind has words', () => {
    for (const k of NAT_ORDER) expect(NAT_KINDS[k].about.length).toBeGreaterThan(40);
  });
});
