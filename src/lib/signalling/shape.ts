/**
 * A tiny schema checker for untrusted JSON objects: a shape is a data table of field
 * name → FieldSpec, checked in table order. Used by the signal codec (./codec.ts) and
 * the trace importer (../trace/export.ts). It never throws, copies only the fields the
 * table names (so `__proto__` or extra keys never travel further), and its reasons name
 * the field and never echo more than a short, clipped piece of the input.
 */

export interface StringSpec {
  t: 'string';
  max: number;
  min?: number;
  pattern?: RegExp;
  /** Said in the reason instead of the pattern, e.g. "1–32 of A-Z a-z 0-9 _ -". */
  hint?: string;
  nullable?: boolean;
  /** A missing field reads as null (a WebIDL dictionary member whose default is null). */
  absentIsNull?: boolean;
  optional?: boolean;
}
export interface NumberSpec {
  t: 'number';
  integer?: boolean;
  min?: number;
  max?: number;
  nullable?: boolean;
  absentIsNull?: boolean;
  optional?: boolean;
}
export interface BooleanSpec {
  t: 'boolean';
  optional?: boolean;
}
export interface EnumSpec {
  t: 'enum';
  values: readonly (string | number)[];
  optional?: boolean;
}
/** A fixed-length list of strings, e.g. the two peer ids of a session. */
export interface StringsSpec {
  t: 'strings';
  length: number;
  max: number;
  optional?: boolean;
}
/** A list of at most `items` strings, e.g. the warnings of a pasted description. */
export interface ListSpec {
  t: 'list';
  items: number;
  max: number;
  optional?: boolean;
}
/** A nested object checked against its own shape, e.g. a WebSocket close's code and reason. */
export interface ObjectSpec {
  t: 'object';
  shape: Shape;
  optional?: boolean;
}
export type FieldSpec = StringSpec | NumberSpec | BooleanSpec | EnumSpec | StringsSpec | ListSpec | ObjectSpec;

export type Shape = Readonly<Record<string, FieldSpec>>;

export type ShapeResult = { ok: true; value: Record<string, unknown> } | { ok: false; reason: string };

// Builders, so tables read like a schema rather than a pile of object literals.
export const str = (max: number, extra: Omit<StringSpec, 't' | 'max'> = {}): StringSpec => ({ t: 'string', max, ...extra });
export const num = (extra: Omit<NumberSpec, 't'> = {}): NumberSpec => ({ t: 'number', ...extra });
export const int = (min: number, max: number): NumberSpec => ({ t: 'number', integer: true, min, max });
export const bool = (): BooleanSpec => ({ t: 'boolean' });
export const oneOf = (values: readonly (string | number)[]): EnumSpec => ({ t: 'enum', values });
export const strings = (length: number, max: number): StringsSpec => ({ t: 'strings', length, max });
export const list = (items: number, max: number): ListSpec => ({ t: 'list', items, max });
export const object = (shape: Shape): ObjectSpec => ({ t: 'object', shape });
export const optional = <S extends FieldSpec>(spec: S): S => ({ ...spec, optional: true });
export const nullable = <S extends StringSpec | NumberSpec>(spec: S): S => ({ ...spec, nullable: true });
/** Null, or left out (then read as null). */
export const nullish = <S extends StringSpec | NumberSpec>(spec: S): S => ({ ...spec, nullable: true, absentIsNull: true });

/** Plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Check `obj` against `shape`; on success `value` holds exactly the fields present in the table. */
export function checkShape(obj: Record<string, unknown>, shape: Shape): ShapeResult {
  const value: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(shape)) {
    if (!Object.hasOwn(obj, name) || obj[name] === undefined) {
      if ('absentIsNull' in spec && spec.absentIsNull) {
        value[name] = null;
        continue;
      }
      if (spec.optional) continue;
      return { ok: false, reason: `missing field "${name}"` };
    }
    if (spec.t === 'object') {
      // Copied field by field too, so a nested `__proto__` or extra key never travels further.
      const v = obj[name];
      if (!isRecord(v)) return { ok: false, reason: `field "${name}" must be an object` };
      const inner = checkShape(v, spec.shape);
      if (!inner.ok) return { ok: false, reason: `field "${name}": ${inner.reason}` };
      value[name] = inner.value;
      continue;
    }
    const problem = checkField(obj[name], spec);
    if (problem) return { ok: false, reason: `field "${name}" ${problem}` };
    value[name] = Array.isArray(obj[name]) ? [...(obj[name] as unknown[])] : obj[name];
  }
  return { ok: true, value };
}

/** What is wrong with one value, as the end of a sentence that starts with its name; or null. */
function checkField(v: unknown, spec: Exclude<FieldSpec, ObjectSpec>): string | null {
  if (v === null && 'nullable' in spec && spec.nullable) return null;
  const orNull = 'nullable' in spec && spec.nullable ? ' or null' : '';
  switch (spec.t) {
    case 'string':
      if (typeof v !== 'string') return `must be a string${orNull}`;
      if (v.length > spec.max) return `is ${v.length} chars, over the ${spec.max}-char limit`;
      if (v.length < (spec.min ?? 0)) return `must be at least ${spec.min} chars`;
      if (!v.isWellFormed()) return 'is not well-formed Unicode';
      if (spec.pattern && !spec.pattern.test(v)) return `must be ${spec.hint ?? `like ${spec.pattern.source}`}`;
      return null;
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) return `must be a finite number${orNull}`;
      if (spec.integer && !Number.isInteger(v)) return `must be an integer${orNull}`;
      if (spec.min !== undefined && v < spec.min) return `must be ≥ ${spec.min}`;
      if (spec.max !== undefined && v > spec.max) return `must be ≤ ${spec.max}`;
      return null;
    case 'boolean':
      return typeof v === 'boolean' ? null : 'must be true or false';
    case 'enum':
      return spec.values.includes(v as string | number)
        ? null
        : `must be one of ${spec.values.map((x) => JSON.stringify(x)).join(', ')}`;
    case 'strings':
      return Array.isArray(v) && v.length === spec.length && v.every((x) => isShortText(x, spec.max)) ? null : `must be a list of ${spec.length} strings`;
    case 'list':
      return Array.isArray(v) && v.length <= spec.items && v.every((x) => isShortText(x, spec.max))
        ? null
        : `must be a list of at most ${spec.items} strings of at most ${spec.max} chars`;
  }
}

function isShortText(x: unknown, max: number): boolean {
  return typeof x === 'string' && x.length <= max && x.isWellFormed();
}

/**
 * Untrusted text made safe to quote inside a reason or a log line: control and format
 * characters become `·`, and at most `max` characters survive (with an ellipsis).
 */
export function clip(text: string, max = 40): string {
  const chars = Array.from(text.toWellFormed().replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, '·'));
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}
