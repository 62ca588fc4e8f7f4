import { readFileSync } from 'node:fs';
import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSignal, SIGNAL_SHAPES } from './codec';
import { signalSchemas } from './schema';
import { signalTopic, statusTopic } from './topics';
import type { Signal, SignalKind } from './types';
import { validSignal } from '../testing/signal-arbitraries';

const ROOT = 'webrtc-lab/ab12cd34';
const schemas = signalSchemas();
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true });
const validators = Object.fromEntries(Object.entries(schemas).map(([k, s]) => [k, ajv.compile(s)])) as Record<SignalKind, ReturnType<typeof ajv.compile>>;

/** Where a signal is accepted: its recipient's inbox, or its sender's status topic. */
const contextFor = (s: Signal) =>
  'to' in s
    ? { topic: signalTopic(ROOT, s.to), root: ROOT, self: s.to, session: s.session }
    : { topic: statusTopic(ROOT, s.from), root: ROOT, self: 'observer', session: null };

describe('JSON Schemas of the wire format (made from the codec\'s SIGNAL_SHAPES)', () => {
  it('has one schema per kind, each a valid draft 2020-12 schema', () => {
    expect(Object.keys(schemas)).toEqual(Object.keys(SIGNAL_SHAPES));
    for (const kind of Object.keys(schemas) as SignalKind[]) expect(typeof validators[kind]).toBe('function');
  });

  it('docs/wire-format.md shows each schema exactly as the code makes it', () => {
    const doc = readFileSync(new URL('../../../docs/wire-format.md', import.meta.url), 'utf8');
    for (const [kind, schema] of Object.entries(schemas)) {
      expect(doc, `the ${kind} schema in docs/wire-format.md is stale: paste in JSON.stringify(signalSchema('${kind}'), null, 2)`).toContain(`\`\`\`json\n${JSON.stringify(schema, null, 2)}\n\`\`\``);
    }
  });

  it('accepts every signal the codec accepts', () => {
    fc.assert(
      fc.property(validSignal, (signal) => {
        const json = JSON.parse(JSON.stringify(signal)) as Signal;
        expect(decodeSignal(JSON.stringify(json), contextFor(json)).ok).toBe(true);
        const validate = validators[json.kind];
        expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  // Shape faults only: the schema cannot see topics or sessions (the codec's CONTEXT_RULES).
  const candidate = { v: 1, kind: 'candidate', from: 'alice', to: 'bob', session: 's1', mid: 'm1', ts: 1, candidate: 'candidate:1 1 udp 1 x.local 5 typ host', sdpMid: '0', sdpMLineIndex: 0 };
  it.each([
    ['a wrong version', { ...candidate, v: 2 }],
    ['a missing field', { ...candidate, to: undefined }],
    ['a peer id with a slash', { ...candidate, to: 'bob/x' }],
    ['a fractional index', { ...candidate, sdpMLineIndex: 0.5 }],
    ['neither sdpMid nor sdpMLineIndex', { ...candidate, sdpMid: null, sdpMLineIndex: null }],
    ['both left out', { ...candidate, sdpMid: undefined, sdpMLineIndex: undefined }],
    ['a candidate line over the limit', { ...candidate, candidate: 'c'.repeat(1025) }],
  ])('refuses what the codec refuses: %s', (_, bad) => {
    const json = JSON.parse(JSON.stringify(bad)) as Record<string, unknown>;
    expect(decodeSignal(JSON.stringify(json), { topic: signalTopic(ROOT, 'bob'), root: ROOT, self: 'bob', session: 's1' }).ok).toBe(false);
    expect(validators.candidate(json)).toBe(false);
  });

  it('accepts a candidate that names its m-section by index alone, as RTCIceCandidateInit allows', () => {
    const json = { ...candidate, sdpMid: undefined };
    expect(validators.candidate(JSON.parse(JSON.stringify(json)))).toBe(true);
  });
});
