/**
 * Line-level SDP parser (RFC 8866 §5) for teaching: every line keeps its number, raw text and
 * section, and every problem becomes a message with a line number. It never throws.
 *
 * Structure (media sections, rtpmap/fmtp lists, candidates …) also comes from sdp-transform,
 * attached as `structure`; this layer adds the positions and the checks that a reader needs.
 */
import { parse as transformParse, type SessionDescription } from 'sdp-transform';

/** 'session', or the 0-based index of the m= section the line belongs to. */
export type SectionRef = 'session' | number;

export interface SdpLine {
  /** 1-based line number in the text. */
  n: number;
  /** The line exactly as written, without its line ending. */
  raw: string;
  /** The type letter before '=' ('' when the line has none). */
  type: string;
  /** Attribute name for a= lines (e.g. 'rtpmap'); '' for other lines. */
  name: string;
  /** What follows 'x=' (or 'a=name:' for attributes), trailing whitespace removed. */
  value: string;
  section: SectionRef;
  /** a=mid of the media section this line is in, if it has one. */
  mid?: string;
  /** Problems with this line, each starting with "line N:". */
  errors: string[];
}

export interface SdpSection {
  index: SectionRef;
  /** Line numbers of the section's first and last line (the m= line starts a media section). */
  first: number;
  last: number;
  /** m= fields (RFC 8866 §5.14); absent for the session section. */
  kind?: string;
  port?: number;
  proto?: string;
  fmts: string[];
  mid?: string;
}

export interface ParsedSdp {
  lines: SdpLine[];
  /** sections[0] is the session section, then one per m= line in order. */
  sections: SdpSection[];
  /** Every problem: each line's errors in order, then whole-description ones (missing lines). */
  errors: string[];
  /** sdp-transform's view of the same text (null if it failed). */
  structure: SessionDescription | null;
}

/** Line types RFC 8866 §5 defines, in the order a session section must use them. */
const SESSION_ORDER = ['v', 'o', 's', 'i', 'u', 'e', 'p', 'c', 'b', 't', 'r', 'z', 'k', 'a'] as const;
/** Order inside a media section (RFC 8866 §5): m, then i c b k a. */
const MEDIA_ORDER = ['m', 'i', 'c', 'b', 'k', 'a'] as const;
const KNOWN_TYPES = new Set<string>([...SESSION_ORDER, 'm']);
/** Session-only types: they may not appear after the first m= line (RFC 8866 §5). */
const SESSION_ONLY = new Set(['v', 'o', 's', 'u', 'e', 'p', 't', 'r', 'z']);
/** At most once in the session section (RFC 8866 §5: no '*' in the grammar). */
const ONCE = new Set(['v', 'o', 's', 'i', 'u', 'c', 'z', 'k']);
const REQUIRED: ReadonlyArray<[string, string]> = [
  ['v', 'RFC 8866 §5.1'],
  ['o', 'RFC 8866 §5.2'],
  ['s', 'RFC 8866 §5.3'],
  ['t', 'RFC 8866 §5.9'],
];

/** token-char from RFC 8866 §9 (attribute names). */
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
const LINE = /^([a-z])=(.*)$/s;

/** Per-type checks of the value, for the lines every description has (RFC 8866 §5.x). */
const VALUE_CHECKS: Record<string, (value: string) => string | null> = {
  v: (v) => (v === '0' ? null : 'v= must be 0 (the only SDP version, RFC 8866 §5.1)'),
  o: (v) => {
    const f = v.split(' ');
    if (f.length !== 6) return `o= needs 6 fields "<username> <sess-id> <sess-version> IN IP4|IP6 <address>", found ${f.length} (RFC 8866 §5.2)`;
    if (!/^\d+$/.test(f[1]) || !/^\d+$/.test(f[2])) return 'o= session id and version must be numbers (RFC 8866 §5.2)';
    if (f[3] !== 'IN') return `o= network type must be IN, not "${f[3]}" (RFC 8866 §5.2)`;
    return null;
  },
  s: (v) => (v.length > 0 ? null : 's= must not be empty; use "s=-" (RFC 8866 §5.3)'),
  t: (v) => (/^\d+ \d+$/.test(v) ? null : 't= must be two numbers "<start> <stop>", usually "0 0" (RFC 8866 §5.9)'),
  c: (v) => (/^IN IP[46] \S+$/.test(v) ? null : 'c= must be "IN IP4|IP6 <address>" (RFC 8866 §5.7)'),
  b: (v) => (/^[A-Za-z0-9-]+:\d+$/.test(v) ? null : 'b= must be "<bwtype>:<bandwidth>" (RFC 8866 §5.8)'),
  m: (v) =>
    /^\S+ \d+(\/\d+)? \S+( \S+)+$/.test(v) ? null : 'm= must be "<media> <port> <proto> <fmt> …" (RFC 8866 §5.14)',
};

/** SDP text → its lines, without line endings or a BOM: the one place SDP is split into lines. */
export function sdpLines(text: string): string[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lines = body.split(/\r\n|\n|\r/);
  // A final line ending does not start another line.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Parses SDP text (\r\n or \n line endings). Never throws; problems are reported, not raised. */
export function parseSdp(text: string): ParsedSdp {
  const src = typeof text === 'string' ? text : '';
  const rawLines = src.length === 0 ? [] : sdpLines(src);
  const lines: SdpLine[] = [];
  const sections: SdpSection[] = [{ index: 'session', first: 1, last: 0, fmts: [] }];
  const seenInSession = new Map<string, number>();
  let media = -1;
  let rank = -1; // highest order rank seen in the current section
  let prevType = '';

  rawLines.forEach((raw, i) => {
    const n = i + 1;
    const errors: string[] = [];
    const err = (msg: string) => errors.push(`line ${n}: ${msg}`);
    const section: SectionRef = media < 0 ? 'session' : media;
    let type = '';
    let name = '';
    let value = '';

    const m = LINE.exec(raw);
    if (raw.trim() === '') {
      err('empty line (SDP has no blank lines, RFC 8866 §5)');
    } else if (!m) {
      const trimmed = raw.trimStart();
      err(
        LINE.test(trimmed)
          ? 'expected <type>=<value> at the start of the line, found leading whitespace'
          : /^[A-Z]=/.test(trimmed)
            ? `expected <type>=<value> with a lower-case type letter, found "${trimmed[0]}="`
            : 'expected <type>=<value>',
      );
    } else {
      type = m[1];
      // trimEnd, not /\s+$/: that regex restarts at every blank of a long run (quadratic).
      value = m[2].trimEnd();
      if (type === 'a') {
        const colon = value.indexOf(':');
        name = colon < 0 ? value : value.slice(0, colon);
        value = colon < 0 ? '' : value.slice(colon + 1);
        if (!TOKEN.test(name)) err(`attribute name "${name}" is not a token (RFC 8866 §5.13)`);
      }
    }

    if (type) {
      if (!KNOWN_TYPES.has(type)) err(`unknown line type "${type}=" (RFC 8866 §5 defines v o s i u e p c b t r z k a m)`);
      const check = VALUE_CHECKS[type];
      const problem = check ? check(value) : null;
      if (problem) err(problem);

      if (type === 'm') {
        media += 1;
        rank = 0;
        const f = value.split(' ');
        const port = Number.parseInt(f[1] ?? '', 10);
        sections.push({
          index: media,
          first: n,
          last: n,
          kind: f[0] || undefined,
          port: Number.isFinite(port) ? port : undefined,
          proto: f[2] || undefined,
          fmts: f.slice(3).filter(Boolean),
        });
      } else if (media >= 0 && SESSION_ONLY.has(type)) {
        err(`${type}= belongs to the session section, before the first m= line (RFC 8866 §5)`);
      } else if (KNOWN_TYPES.has(type)) {
        const order: readonly string[] = media < 0 ? SESSION_ORDER : MEDIA_ORDER;
        const r = type === 'r' ? order.indexOf('t') : order.indexOf(type);
        if (media < 0 && n > 1 && type === 'o' && prevType !== 'v') err('o= must follow v=');
        else if (media < 0 && type === 's' && prevType !== 'o') err('s= must follow o=');
        else if (r >= 0 && r < rank) {
          const where = media < 0 ? 'session lines go v o s i u e p c b t r z k a' : 'media lines go m i c b k a';
          err(`${type}= is out of order (${where}, RFC 8866 §5)`);
        }
        if (r > rank) rank = r;
        if (media < 0 && ONCE.has(type)) {
          const first = seenInSession.get(type);
          if (first !== undefined) err(`a second ${type}= line (the first is line ${first}); only one is allowed`);
        }
      }
      if (media < 0 && !seenInSession.has(type)) seenInSession.set(type, n);
      if (n === 1 && type !== 'v') err('an SDP must start with v=0 (RFC 8866 §5.1)');
      prevType = type;
    } else {
      prevType = '';
    }

    const current = sections[sections.length - 1];
    current.last = n;
    lines.push({ n, raw, type, name, value, section: type === 'm' ? media : section, errors });
  });

  // Second pass: each media section's mid, copied to its lines (a=mid may come late).
  for (const line of lines) {
    if (line.type === 'a' && line.name === 'mid' && typeof line.section === 'number') {
      const s = sections[line.section + 1];
      if (s.mid === undefined) s.mid = line.value;
      else line.errors.push(`line ${line.n}: a second a=mid in this media section (RFC 5888 §4)`);
    }
  }
  for (const line of lines) {
    if (typeof line.section === 'number') {
      const mid = sections[line.section + 1].mid;
      if (mid !== undefined) line.mid = mid;
    }
  }

  const errors = lines.flatMap((l) => l.errors);
  if (lines.length === 0) {
    errors.push('the SDP is empty: it needs at least v=, o=, s= and t= lines (RFC 8866 §5)');
  } else {
    for (const [type, ref] of REQUIRED) {
      if (!seenInSession.has(type)) errors.push(`missing the required ${type}= line (${ref})`);
    }
    // c= is needed in the session or in every media section (RFC 8866 §5.7).
    if (!seenInSession.has('c')) {
      const withC = new Set(lines.filter((l) => l.type === 'c').map((l) => l.section));
      for (const s of sections.slice(1)) {
        if (!withC.has(s.index)) errors.push(`line ${s.first}: this m= section has no c= line and the session has none (RFC 8866 §5.7)`);
      }
    }
  }

  let structure: SessionDescription | null = null;
  try {
    structure = transformParse(src);
  } catch {
    structure = null;
  }
  return { lines, sections, errors, structure };
}

/** The section a reader sees as a heading: "Session" or "m=audio (mid 0)". */
export function sectionTitle(section: SdpSection): string {
  if (section.index === 'session') return 'Session';
  const kind = section.kind ?? '?';
  return section.mid !== undefined ? `m=${kind} (mid ${section.mid})` : `m=${kind}`;
}

/**
 * Each section with its lines, in one pass over the lines: filtering the lines once per section
 * costs sections × lines, 18 s for 20,000 m= sections (issue 14).
 */
export function groupBySection<L extends { section: SectionRef }>(
  sections: readonly SdpSection[],
  lines: readonly L[],
): Array<{ section: SdpSection; lines: L[] }> {
  const bySection = new Map<SectionRef, L[]>(sections.map((s) => [s.index, []]));
  for (const l of lines) bySection.get(l.section)?.push(l);
  return sections.map((section) => ({ section, lines: bySection.get(section.index)! }));
}

/** The lines of one section (session or media index). */
export function linesOf(parsed: ParsedSdp, section: SectionRef): SdpLine[] {
  return parsed.lines.filter((l) => l.section === section);
}

// The first a=<name> line of each section, indexed once per parsed SDP, so asking for one per
// m= section stays linear (negotiation.ts does).
const firstAttrs = new WeakMap<ParsedSdp, Map<string, SdpLine>>();

/** The first a=<name> line in a section, if any. */
export function attr(parsed: ParsedSdp, section: SectionRef, name: string): SdpLine | undefined {
  let index = firstAttrs.get(parsed);
  if (!index) {
    index = new Map();
    for (const l of parsed.lines) {
      const key = `${l.section}\n${l.name}`;
      if (l.type === 'a' && !index.has(key)) index.set(key, l);
    }
    firstAttrs.set(parsed, index);
  }
  return index.get(`${section}\n${name}`);
}
