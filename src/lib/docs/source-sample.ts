/**
 * One code sample from the lab's own source, as SourceCode.astro shows it: the region's code,
 * the Shiki language for the file and a caption naming the file and lines. The file reader
 * is passed in, so this runs in unit tests without touching the disk.
 */
import { extractRegion, lineRangeLabel, RegionError, type Region } from './extract-region';

export interface SourceSample extends Region {
  /** The file as given, relative to the project root, e.g. src/lib/signalling/topics.ts. */
  file: string;
  /** Shiki language id for the file's extension. */
  lang: string;
  /** "lines 61–67" or "line 5". */
  lines: string;
  /** "src/lib/signalling/topics.ts, lines 61–67". */
  caption: string;
}

/** Shiki languages by file extension; a file type not listed here is refused. */
export const LANG_BY_EXTENSION: Readonly<Record<string, string>> = {
  ts: 'ts',
  mts: 'ts',
  js: 'js',
  mjs: 'js',
  svelte: 'svelte',
  astro: 'astro',
  css: 'css',
};

/** Returns the file's text, or throws (as fs.readFileSync does) when it cannot be read. */
export type ReadText = (relativePath: string) => string;

/** A project-relative path with no way out of the project: no leading '/', no '..', no '\'. */
function checkPath(file: string): void {
  if (file === '' || file.startsWith('/') || file.includes('\\') || file.split('/').some((p) => p === '..' || p === '.' || p === '')) {
    throw new RegionError(`SourceCode: file "${file}" must be a path inside the project, like src/lib/ice/priority.ts`);
  }
}

export function loadSourceSample(file: string, region: string, read: ReadText): SourceSample {
  checkPath(file);
  const ext = /\.([a-z]+)$/.exec(file)?.[1] ?? '';
  const lang = LANG_BY_EXTENSION[ext];
  if (!lang) throw new RegionError(`SourceCode: no language for "${file}" (known: .${Object.keys(LANG_BY_EXTENSION).join(', .')})`);
  let text: string;
  try {
    text = read(file);
  } catch (err) {
    throw new RegionError(`SourceCode: cannot read "${file}": ${err instanceof Error ? err.message : String(err)}`);
  }
  const found = extractRegion(text, region, file);
  const lines = lineRangeLabel(found);
  return { ...found, file, lang, lines, caption: `${file}, ${lines}` };
}
