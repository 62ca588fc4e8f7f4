/**
 * Named regions of a source file, for code samples in the chapters (SourceCode.astro).
 *
 * A region is marked with line comments, the convention VS Code folds on:
 *
 *   // #region subscriptions
 *   export function subscriptionsFor(…) { … }
 *   // #endregion subscriptions
 *
 * - The name after `#endregion` is optional; when given it must match the region it closes.
 * - Regions may nest. The sample of an outer region leaves out the inner markers, and every
 *   marker line is left out of every sample.
 * - The sample is dedented by the common indent of its non-blank lines, and blank lines at
 *   its start and end are dropped; the line range still points at the lines shown.
 * - Anything wrong (no such region, a region opened twice or never closed, a stray
 *   `#endregion`, an empty region) throws a RegionError, so a renamed or deleted region
 *   fails the build instead of leaving an empty or stale sample.
 */

export interface Region {
  /** The region's lines without markers, dedented, joined with '\n'. */
  code: string;
  /** 1-based line number in the file of the first line shown. */
  startLine: number;
  /** 1-based line number in the file of the last line shown. */
  endLine: number;
}

export class RegionError extends Error {
  override name = 'RegionError';
}

const MARKER = /^\s*\/\/\s*#(region|endregion)\b[ \t]*(\S*)/;
const NAME = /^[A-Za-z0-9_.-]+$/;

interface Marker {
  kind: 'region' | 'endregion';
  name: string;
}

/** The marker on this line, if it is a marker line. */
export function parseMarker(line: string): Marker | null {
  const m = MARKER.exec(line);
  return m ? { kind: m[1] as Marker['kind'], name: m[2] ?? '' } : null;
}

/** The region called `name` in `source`. `file` only names the file in error messages. */
export function extractRegion(source: string, name: string, file = 'the source'): Region {
  if (!NAME.test(name)) throw new RegionError(`"${name}" is not a region name (letters, digits, _ . -)`);
  const lines = source.split(/\r?\n/);
  const open: { name: string; line: number }[] = [];
  let start = -1; // index of the first line after `#region name`
  let end = -1; // index of its `#endregion`

  lines.forEach((line, i) => {
    const marker = parseMarker(line);
    if (!marker) return;
    const where = `${file}:${i + 1}`;
    if (marker.kind === 'region') {
      if (!NAME.test(marker.name)) throw new RegionError(`${where}: #region needs a name (letters, digits, _ . -)`);
      if (open.some((r) => r.name === marker.name)) throw new RegionError(`${where}: region "${marker.name}" is already open`);
      if (marker.name === name) {
        if (start !== -1) throw new RegionError(`${where}: region "${name}" appears twice`);
        start = i + 1;
      }
      open.push({ name: marker.name, line: i + 1 });
      return;
    }
    const closing = open.pop();
    if (!closing) throw new RegionError(`${where}: #endregion without a #region`);
    if (marker.name !== '' && marker.name !== closing.name) {
      throw new RegionError(`${where}: #endregion ${marker.name} closes region "${closing.name}" (opened at line ${closing.line})`);
    }
    if (closing.name === name) end = i;
  });

  const unclosed = open.at(-1);
  if (unclosed) throw new RegionError(`${file}:${unclosed.line}: region "${unclosed.name}" is never closed`);
  if (start === -1) throw new RegionError(`${file} has no region "${name}" (mark it with // #region ${name} … // #endregion)`);

  // Keep line numbers with the lines, drop inner markers, then trim blank lines at both ends.
  const kept = lines
    .slice(start, end)
    .map((text, k) => ({ text, line: start + k + 1 }))
    .filter((l) => !parseMarker(l.text));
  while (kept.length > 0 && kept[0]!.text.trim() === '') kept.shift();
  while (kept.length > 0 && kept.at(-1)!.text.trim() === '') kept.pop();
  if (kept.length === 0) throw new RegionError(`${file}: region "${name}" is empty`);

  return {
    code: dedent(kept.map((l) => l.text)).join('\n'),
    startLine: kept[0]!.line,
    endLine: kept.at(-1)!.line,
  };
}

/** Removes the longest run of leading whitespace that every non-blank line shares. */
export function dedent(lines: readonly string[]): string[] {
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^[ \t]*/.exec(l)![0]);
  const common = indents.reduce((a, b) => {
    let n = 0;
    while (n < a.length && n < b.length && a[n] === b[n]) n++;
    return a.slice(0, n);
  }, indents[0] ?? '');
  return lines.map((l) => (l.trim() === '' ? '' : l.slice(common.length)));
}

/** "lines 61–67", or "line 61" for one line. */
export function lineRangeLabel(r: Pick<Region, 'startLine' | 'endLine'>): string {
  return r.startLine === r.endLine ? `line ${r.startLine}` : `lines ${r.startLine}–${r.endLine}`;
}
