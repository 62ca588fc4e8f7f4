import { describe, expect, it } from 'vitest';
import { dedent, extractRegion, lineRangeLabel, parseMarker, RegionError } from './extract-region';
import { loadSourceSample } from './source-sample';
import { itReturns } from '../testing/table';

const lines = (...l: string[]) => l.join('\n');

const NESTED = lines(
  'const a = 1;', //                       1
  '// #region outer', //                   2
  'export function f() {', //              3
  '  // #region inner', //                 4
  '  return 2;', //                        5
  '  // #endregion inner', //              6
  '}', //                                  7
  '// #endregion', //                      8
);

describe('extractRegion: found', () => {
  const cases: { name: string; source: string; region: string; code: string; start: number; end: number }[] = [
    {
      name: 'a top-level region, markers stripped',
      source: lines('a', '// #region r', 'b', 'c', '// #endregion r', 'd'),
      region: 'r',
      code: 'b\nc',
      start: 3,
      end: 4,
    },
    { name: 'outer region leaves out the inner markers', source: NESTED, region: 'outer', code: 'export function f() {\n  return 2;\n}', start: 3, end: 7 },
    { name: 'inner region is dedented', source: NESTED, region: 'inner', code: 'return 2;', start: 5, end: 5 },
    {
      name: 'common indent removed, relative indent kept, blank lines inside kept empty',
      source: lines('class A {', '  // #region m', '  m() {', '    go();', '    ', '    stop();', '  }', '  // #endregion', '}'),
      region: 'm',
      code: 'm() {\n  go();\n\n  stop();\n}',
      start: 3,
      end: 7,
    },
    {
      name: 'blank lines at both ends trimmed, line numbers follow',
      source: lines('// #region r', '', 'x', '', '// #endregion'),
      region: 'r',
      code: 'x',
      start: 3,
      end: 3,
    },
    {
      name: 'CRLF line endings',
      source: '// #region r\r\nx\r\ny\r\n// #endregion r\r\n',
      region: 'r',
      code: 'x\ny',
      start: 2,
      end: 3,
    },
    {
      name: 'the other of two sibling regions',
      source: lines('// #region a', '1', '// #endregion', '// #region b', '2', '// #endregion'),
      region: 'b',
      code: '2',
      start: 5,
      end: 5,
    },
    {
      name: 'a comment that merely mentions #region in text is code',
      source: lines('// #region r', 'const s = "// #region x";', '// #endregion'),
      region: 'r',
      code: 'const s = "// #region x";',
      start: 2,
      end: 2,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(extractRegion(c.source, c.region, 'f.ts')).toEqual({ code: c.code, startLine: c.start, endLine: c.end });
    });
  }
});

describe('extractRegion: errors name the file, line and region', () => {
  const cases: { name: string; source: string; region: string; message: RegExp }[] = [
    { name: 'missing region', source: lines('// #region a', 'x', '// #endregion'), region: 'b', message: /^f\.ts has no region "b"/ },
    { name: 'no markers at all', source: 'export const x = 1;', region: 'x', message: /has no region "x"/ },
    { name: 'never closed', source: lines('x', '// #region a', 'y'), region: 'a', message: /^f\.ts:2: region "a" is never closed/ },
    { name: 'another region never closed', source: lines('// #region a', 'y', '// #endregion', '// #region b'), region: 'a', message: /f\.ts:4: region "b"/ },
    { name: 'stray #endregion', source: lines('x', '// #endregion'), region: 'a', message: /^f\.ts:2: #endregion without a #region/ },
    { name: 'endregion names the wrong region', source: lines('// #region a', '// #region b', 'x', '// #endregion a', '// #endregion'), region: 'a', message: /f\.ts:4: #endregion a closes region "b" \(opened at line 2\)/ },
    { name: 'region twice', source: lines('// #region a', '1', '// #endregion', '// #region a', '2', '// #endregion'), region: 'a', message: /f\.ts:4: region "a" appears twice/ },
    { name: 'region nested in itself', source: lines('// #region a', '// #region a', '// #endregion', '// #endregion'), region: 'a', message: /already open/ },
    { name: 'empty region', source: lines('// #region a', '', '// #region b', '// #endregion', '// #endregion'), region: 'a', message: /region "a" is empty/ },
    { name: 'unnamed #region', source: lines('// #region', 'x', '// #endregion'), region: 'a', message: /f\.ts:1: #region needs a name/ },
    { name: 'bad name asked for', source: '', region: 'a b', message: /not a region name/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(() => extractRegion(c.source, c.region, 'f.ts')).toThrow(RegionError);
      expect(() => extractRegion(c.source, c.region, 'f.ts')).toThrow(c.message);
    });
  }
});

describe('markers, dedent and labels', () => {
  itReturns('%j', parseMarker, [
    ['// #region a', { kind: 'region', name: 'a' }],
    ['    //#region a.b-c_1  trailing words', { kind: 'region', name: 'a.b-c_1' }],
    ['// #endregion', { kind: 'endregion', name: '' }],
    ['\t// #endregion a', { kind: 'endregion', name: 'a' }],
  ]);

  it.each(['// #regional', 'x; // #region a', '/* #region a */'])('%j is not a marker', (line) => {
    expect(parseMarker(line)).toBeNull();
  });

  it.each([
    [['  a', '    b', ''], ['a', '  b', '']],
    [['\ta', '\t\tb'], ['a', '\tb']],
    [['  a', '\tb'], ['  a', '\tb']],
    [['a', '  b'], ['a', '  b']],
  ])('dedent %j', (input, out) => {
    expect(dedent(input)).toEqual(out);
  });

  it.each([
    [{ startLine: 61, endLine: 67 }, 'lines 61–67'],
    [{ startLine: 5, endLine: 5 }, 'line 5'],
  ])('%j → %s', (r, label) => {
    expect(lineRangeLabel(r)).toBe(label);
  });
});

describe('loadSourceSample', () => {
  const files: Record<string, string> = {
    'src/lib/x.ts': lines('// #region r', 'const x = 1;', '// #endregion'),
    'src/c/A.svelte': lines('<script>', '  // #region s', '  let n = 0;', '  // #endregion', '</script>'),
  };
  const read = (p: string) => {
    const text = files[p];
    if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
    return text;
  };

  it.each([
    ['src/lib/x.ts', 'r', { code: 'const x = 1;', lang: 'ts', lines: 'line 2', caption: 'src/lib/x.ts, line 2' }],
    ['src/c/A.svelte', 's', { code: 'let n = 0;', lang: 'svelte', caption: 'src/c/A.svelte, line 3' }],
  ])('%s#%s', (file, region, expected) => {
    expect(loadSourceSample(file, region, read)).toMatchObject({ file, ...expected });
  });

  it.each([
    ['src/lib/gone.ts', 'r', /cannot read "src\/lib\/gone\.ts": ENOENT/],
    ['src/lib/x.ts', 'nope', /src\/lib\/x\.ts has no region "nope"/],
    ['src/lib/x.json', 'r', /no language for "src\/lib\/x\.json"/],
    ['/etc/passwd.ts', 'r', /must be a path inside the project/],
    ['src/../../x.ts', 'r', /must be a path inside the project/],
    ['./src/lib/x.ts', 'r', /must be a path inside the project/],
  ])('%s#%s fails: %s', (file, region, message) => {
    expect(() => loadSourceSample(file, region, read)).toThrow(message);
  });
});
