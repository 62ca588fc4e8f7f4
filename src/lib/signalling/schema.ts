/**
 * JSON Schema (draft 2020-12) of each signal kind, made from the codec's own shape table
 * (SIGNAL_SHAPES), so docs/wire-format.md and the code cannot disagree. A schema says what
 * a payload's fields must look like; who may send what on which topic is the codec's
 * CONTEXT_RULES, which no schema can express. One difference: the codec counts string
 * lengths in UTF-16 code units (JavaScript's length), JSON Schema in code points.
 */
import { SIGNAL_SHAPES, MAX_JSON_DEPTH } from './codec';
import type { FieldSpec } from './shape';
import { MAX_PAYLOAD_BYTES, SIGNAL_VERSION, type SignalKind } from './types';

export type JsonSchema = Record<string, unknown>;

const withNull = (type: string, spec: { nullable?: boolean }) => (spec.nullable ? [type, 'null'] : type);

/** One field's schema; `hint` becomes its description. */
function fieldSchema(spec: FieldSpec): JsonSchema {
  switch (spec.t) {
    case 'string':
      return {
        type: withNull('string', spec),
        ...(spec.min !== undefined ? { minLength: spec.min } : {}),
        maxLength: spec.max,
        ...(spec.pattern ? { pattern: spec.pattern.source } : {}),
        ...(spec.hint ? { description: spec.hint } : {}),
      };
    case 'number':
      return {
        type: withNull(spec.integer ? 'integer' : 'number', spec),
        ...(spec.min !== undefined ? { minimum: spec.min } : {}),
        ...(spec.max !== undefined ? { maximum: spec.max } : {}),
      };
    case 'boolean':
      return { type: 'boolean' };
    case 'enum':
      return { enum: [...spec.values] };
    case 'strings':
      return { type: 'array', items: { type: 'string', maxLength: spec.max }, minItems: spec.length, maxItems: spec.length };
    case 'list':
      return { type: 'array', items: { type: 'string', maxLength: spec.max }, maxItems: spec.items };
    case 'object':
      return objectSchema(spec.shape);
  }
}

const isRequired = (spec: FieldSpec) => !spec.optional && !('absentIsNull' in spec && spec.absentIsNull);

function objectSchema(shape: Readonly<Record<string, FieldSpec>>, head: Record<string, JsonSchema> = {}): JsonSchema {
  const properties: Record<string, JsonSchema> = { ...head };
  for (const [name, spec] of Object.entries(shape)) properties[name] = fieldSchema(spec);
  const required = [...Object.keys(head), ...Object.entries(shape).filter(([, s]) => isRequired(s)).map(([n]) => n)];
  return { type: 'object', properties, required };
}

/** The codec's KIND_RULES, said in JSON Schema. */
const KIND_EXTRA: Partial<Record<SignalKind, JsonSchema>> = {
  // A candidate (not the empty end-of-candidates one) needs sdpMid or sdpMLineIndex.
  candidate: { not: { properties: { candidate: { type: 'string', minLength: 1 }, sdpMid: { type: 'null' }, sdpMLineIndex: { type: 'null' } } } },
};

/** The schema of one kind of signal. Unknown fields are allowed and dropped by the codec. */
export function signalSchema(kind: SignalKind): JsonSchema {
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: `${kind} signal, wire format v${SIGNAL_VERSION}`,
    description: `One MQTT PUBLISH payload: UTF-8 JSON, at most ${MAX_PAYLOAD_BYTES} bytes, nested at most ${MAX_JSON_DEPTH} levels.`,
    ...objectSchema(SIGNAL_SHAPES[kind], { v: { const: SIGNAL_VERSION }, kind: { const: kind } }),
    ...KIND_EXTRA[kind],
  };
}

/** Every kind's schema, in the codec's table order. */
export function signalSchemas(): Record<SignalKind, JsonSchema> {
  return Object.fromEntries((Object.keys(SIGNAL_SHAPES) as SignalKind[]).map((k) => [k, signalSchema(k)])) as Record<SignalKind, JsonSchema>;
}
