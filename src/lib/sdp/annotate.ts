/**
 * Explains each parsed SDP line from the table in lines.ts. Separate from parsing: parse.ts
 * finds the lines and their positions, this adds meanings, RFC references and field breakdowns.
 * A line the table does not know is kept, marked recognised: false. Never throws.
 */
import { LINE_MEANINGS, keyOf, type AnnotatedField, type Codec, type LineContext } from './lines';
import type { ParsedSdp, SdpLine, SectionRef } from './parse';

export type { AnnotatedField } from './lines';

export interface AnnotatedLine extends SdpLine {
  /** Table key used ('v', 'a=rtpmap' …); '' for lines without a type. */
  key: string;
  /** Short label ("RTP payload map"), or "Not recognised". */
  title: string;
  /** Plain-language meaning, specific to this line where the table can say more. */
  meaning: string;
  /** RFC section, e.g. 'RFC 8842 §5.2'; '' when not recognised. */
  ref: string;
  /** The line's value split into named parts, for structured lines. */
  fields?: AnnotatedField[];
  recognised: boolean;
}

export const NOT_RECOGNISED = 'not recognised';

/** Codecs per media section, from its a=rtpmap lines ("111 opus/48000/2"). */
function codecMaps(parsed: ParsedSdp): Map<SectionRef, Map<string, Codec>> {
  const maps = new Map<SectionRef, Map<string, Codec>>();
  for (const l of parsed.lines) {
    if (l.type !== 'a' || l.name.toLowerCase() !== 'rtpmap') continue;
    const m = /^(\d+) ([^/\s]+)(?:\/(\d+))?(?:\/(\d+))?/.exec(l.value.trim());
    if (!m) continue;
    let map = maps.get(l.section);
    if (!map) maps.set(l.section, (map = new Map()));
    if (!map.has(m[1])) {
      map.set(m[1], { name: m[2], rate: m[3] ? Number(m[3]) : undefined, channels: m[4] ? Number(m[4]) : undefined });
    }
  }
  return maps;
}

function fieldsByName(fields: AnnotatedField[] | undefined): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  for (const f of fields ?? []) if (!(f.name in out)) out[f.name] = f.value;
  return out;
}

/** One line's annotation; `ctx` describes its section. */
export function annotateLine(line: SdpLine, ctx: LineContext): AnnotatedLine {
  const key = line.type ? keyOf(line.type, line.name) : '';
  const entry = key ? LINE_MEANINGS.get(key) : undefined;
  if (!entry) {
    return { ...line, key, title: 'Not recognised', meaning: NOT_RECOGNISED, ref: '', recognised: false };
  }
  const errors = [...line.errors];
  let fields: AnnotatedField[] | undefined;
  let meaning = entry.meaning;
  let ref = entry.ref;
  try {
    const value = line.value;
    const parsedFields = entry.fields ? entry.fields(value) : undefined;
    if (parsedFields === null) {
      const label = line.type === 'a' ? `a=${line.name}` : `${line.type}=`;
      const form = entry.form ? `: expected "${entry.form}"` : '';
      errors.push(`line ${line.n}: ${label} value does not have the expected form${form} (${entry.ref})`);
    } else if (parsedFields) {
      fields = parsedFields;
    }
    const whole = entry.values?.[value.trim()];
    if (whole) {
      meaning = whole.meaning;
      if (whole.ref) ref = whole.ref;
    } else if (entry.explain && parsedFields !== null) {
      const specific = entry.explain(fieldsByName(parsedFields), ctx, value);
      if (typeof specific === 'string') meaning = specific;
      else if (specific) {
        meaning = specific.meaning;
        if (specific.ref) ref = specific.ref;
      }
    }
  } catch {
    // A table function that trips on odd input keeps the generic meaning.
  }
  meaning = meaning.charAt(0).toUpperCase() + meaning.slice(1);
  return { ...line, errors, key, title: entry.title, meaning, ref, fields, recognised: true };
}

/** Annotates every line of a parsed SDP, in order. Never throws. */
export function annotateSdp(parsed: ParsedSdp): AnnotatedLine[] {
  const codecs = codecMaps(parsed);
  const kinds = new Map<SectionRef, string | undefined>(parsed.sections.map((s) => [s.index, s.kind]));
  const contexts = new Map<SectionRef, LineContext>();
  const ctxFor = (section: SectionRef): LineContext => {
    let ctx = contexts.get(section);
    if (!ctx) {
      const map = codecs.get(section);
      ctx = { kind: kinds.get(section), codec: (pt) => map?.get(pt) };
      contexts.set(section, ctx);
    }
    return ctx;
  };
  return parsed.lines.map((line) => annotateLine(line, ctxFor(line.section)));
}

export interface SdpProblem {
  /** Line number, when the problem is on one line. */
  line?: number;
  message: string;
}

/**
 * Every problem, in line order, then the ones about the whole description (missing lines).
 * Includes annotate's value-form problems as well as the parser's.
 */
export function problemsOf(parsed: ParsedSdp, annotated: readonly AnnotatedLine[]): SdpProblem[] {
  const lineErrors = new Set(parsed.lines.flatMap((l) => l.errors));
  const out: SdpProblem[] = [];
  for (const l of annotated) for (const message of l.errors) out.push({ line: l.n, message });
  for (const message of parsed.errors) {
    if (lineErrors.has(message)) continue;
    const m = /^line (\d+):/.exec(message);
    out.push(m ? { line: Number(m[1]), message } : { message });
  }
  return out;
}
