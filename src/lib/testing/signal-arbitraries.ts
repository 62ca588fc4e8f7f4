/**
 * fast-check arbitraries of valid wire signals (../signalling/types.ts), for the codec's and
 * the schema's property tests. Tests only.
 */
import fc from 'fast-check';
import type { Signal } from '../signalling/types';

export const peerIdArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,32}$/);
export const tokenArb = fc.stringMatching(/^[A-Za-z0-9_.:-]{1,64}$/);
/** Any well-formed text up to `max` UTF-16 code units. */
export const text = (max: number) => fc.string({ unit: 'binary', maxLength: max }).map((s) => s.toWellFormed());

/** A valid signal from `from` to `to` (status comes from `from` regardless). */
export function signalArb(from: fc.Arbitrary<string>, to: fc.Arbitrary<string>): fc.Arbitrary<Signal> {
  const common = { v: fc.constant(1 as const), from, session: tokenArb, mid: tokenArb, ts: fc.nat() };
  return fc.oneof(
    fc.record(
      { ...common, kind: fc.constant('status' as const), status: fc.constantFrom('online' as const, 'offline' as const), reason: fc.constantFrom('will' as const, 'bye' as const) },
      { requiredKeys: ['v', 'kind', 'from', 'session', 'mid', 'ts', 'status'] },
    ),
    fc.record({ ...common, kind: fc.constantFrom('offer' as const, 'answer' as const), to, sdp: text(2000) }),
    fc
      .record(
        {
          ...common,
          kind: fc.constant('candidate' as const),
          to,
          candidate: text(300),
          sdpMid: fc.option(text(32), { nil: null }),
          sdpMLineIndex: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: null }),
          usernameFragment: fc.option(text(256), { nil: null }),
        },
        { requiredKeys: ['v', 'kind', 'from', 'session', 'mid', 'ts', 'to', 'candidate', 'sdpMid', 'sdpMLineIndex'] },
      )
      // addIceCandidate needs one of them to name the m-section (the codec's KIND_RULES).
      .filter((c) => c.candidate === '' || c.sdpMid !== null || c.sdpMLineIndex !== null),
    fc.record({ ...common, kind: fc.constant('end-of-candidates' as const), to }),
  );
}

/** A valid signal between two different peers. */
export const validSignal = fc
  .tuple(peerIdArb, peerIdArb)
  .filter(([a, b]) => a !== b)
  .chain(([a, b]) => signalArb(fc.constant(a), fc.constant(b)));
