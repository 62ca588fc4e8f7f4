/**
 * The house rules of docs/ARCHITECTURE.md, checked on the source itself: each rule is a
 * function from the parsed files to its violations, so a broken rule names the file, the
 * line and what it did.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { AREA_IMPORTS, DOM_EDGES, FORBIDDEN_IN_LIB, FRONT_DOORS, checkDomUse, checkFrontDoors, checkLayers, checkLibImports, layerCycle, type Source } from './rules';

const ROOT = resolve(import.meta.dirname, '../..');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const path = join(dir, d.name);
    return d.isDirectory() ? walk(path) : [path];
  });
}

function load(dir: string, ext: RegExp): Source[] {
  return walk(join(ROOT, dir))
    .filter((f) => ext.test(f))
    .map((f) => ({ path: relative(ROOT, f).split(sep).join('/'), text: readFileSync(f, 'utf8') }));
}

const lib = load('src/lib', /\.(ts|mts|mjs)$/);
const ui = ['src/components', 'src/pages', 'src/layouts'].flatMap((dir) => load(dir, /\.(svelte|astro|ts)$/)).filter((f) => !/\.test\.ts$/.test(f.path));

describe('architecture rules (docs/ARCHITECTURE.md)', () => {
  it('reads the whole of src/lib', () => {
    expect(lib.length).toBeGreaterThan(100);
  });

  it('src/lib imports no Svelte, no Astro and no component', () => {
    expect(checkLibImports(lib)).toEqual([]);
  });

  it('src/lib touches no DOM outside its named edges', () => {
    expect(checkDomUse(lib.filter((f) => !/\.test\.ts$/.test(f.path)))).toEqual([]);
  });

  it('each area of src/lib imports only the areas below it', () => {
    // Tests and their fixtures may reach anywhere.
    expect(checkLayers(lib.filter((f) => !/(\.test|\/fixtures|\/arbitraries)\.ts$/.test(f.path)))).toEqual([]);
  });

  it('the layering has no cycle, and names every area', () => {
    expect(layerCycle(AREA_IMPORTS)).toEqual([]);
    const areas = new Set(lib.map((f) => f.path.split('/')[2]!).filter((a) => !a.includes('.')));
    expect([...areas].filter((a) => !(a in AREA_IMPORTS))).toEqual([]);
  });

  it('catches an area importing one above it, but not a type import', () => {
    const up = { path: 'src/lib/queue/signal-queue.ts', text: "import { Trace } from '../trace/trace';" };
    expect(checkLayers([up])).toEqual([expect.stringContaining('queue/ imports trace/')]);
    expect(checkLayers([{ ...up, text: "import type { Trace } from '../trace/trace';" }])).toEqual([]);
    expect(layerCycle({ a: ['b'], b: ['c'], c: ['a'] })).toEqual(['a', 'b', 'c', 'a']);
  });

  it('the UI imports src/lib only through each area front door', () => {
    expect(ui.length).toBeGreaterThan(50);
    expect(checkFrontDoors(ui)).toEqual([]);
  });

  it('every front door is a module that exists', () => {
    const modules = new Set(lib.map((f) => f.path.replace(/^src\/lib\//, '').replace(/\.(ts|mjs)$/, '')));
    const missing = Object.entries(FRONT_DOORS).flatMap(([area, doors]) => doors.filter((d) => !modules.has(`${area}/${d}`)).map((d) => `${area}/${d}`));
    expect(missing).toEqual([]);
  });

  it('every named DOM edge exists and still needs to be one', () => {
    const byPath = new Map(lib.map((f) => [f.path, f]));
    for (const edge of Object.keys(DOM_EDGES)) {
      const file = byPath.get(edge);
      expect(file, `${edge} is listed as a DOM edge but does not exist`).toBeDefined();
      expect(checkDomUse([file!], {}), `${edge} no longer touches the DOM: take it off the list`).not.toEqual([]);
    }
  });

  // The rules themselves, on small sources that break each once.
  it.each<[string, (files: readonly Source[]) => string[], string, string, string]>([
    ['a lib module importing svelte', checkLibImports, 'src/lib/x/a.ts', "import { tick } from 'svelte';", 'svelte'],
    ['a lib module importing astro:content', checkLibImports, 'src/lib/x/a.ts', "import { getCollection } from 'astro:content';", 'astro:content'],
    ['a lib module importing a component', checkLibImports, 'src/lib/x/a.ts', "import Lab from '../../components/lab/LabIsland.svelte';", 'LabIsland.svelte'],
    ['a lib module importing a state class', checkLibImports, 'src/lib/x/a.ts', "import { LabState } from '../../components/lab/lab-state.svelte';", 'lab-state.svelte'],
    ['a lazy import of a component', checkLibImports, 'src/lib/x/a.ts', "const m = await import('../../components/solo/SoloLab.svelte');", 'SoloLab.svelte'],
    ['a component reaching inside an area', checkFrontDoors, 'src/components/lab/X.svelte', "<script lang=\"ts\">\n  import { MqttEndpoint } from '../../lib/session/mqtt-endpoint';\n</script>\n<p>x</p>", 'session/mqtt-endpoint'],
    ['a lazy import inside an area', checkFrontDoors, 'src/components/lab/x.svelte.ts', "export const load = () => import('../../lib/broker/in-page');", 'broker/in-page'],
    ['a page front matter', checkFrontDoors, 'src/pages/x.astro', "---\nimport { decode } from '../lib/mqtt/decode';\n---\n<p/>", 'mqtt/decode'],
  ])('catches %s', (_what, check, path, text, named) => {
    const found = check([{ path, text }]);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(named);
  });

  it.each([
    ['document', 'export const title = () => document.title;'],
    ['window', 'export function w() { return window.innerWidth; }'],
    ['a constructed RTCPeerConnection', 'export const pc = () => new RTCPeerConnection({});'],
    ['a constructed WebSocket', 'export const ws = (u: string) => new WebSocket(u);'],
    ['localStorage', "export const get = () => localStorage.getItem('k');"],
    ['globalThis.document', 'export const doc = () => globalThis.document;'],
  ])('catches %s in the core', (what, text) => {
    const found = checkDomUse([{ path: 'src/lib/x/a.ts', text }]);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(what.split(' ').at(-1)!.replace('globalThis.', ''));
  });

  it.each([
    ['a type only', 'export function f(pc: RTCPeerConnection): Document | null { return null; }'],
    ['a property of that name', 'export const f = (o: { document: string; window: number }) => o.document + o.window;'],
    ['a local of that name', 'export function f() { const location = 1; return location; }'],
    ['a comment or a string', "// document.title\nexport const s = 'window';"],
    ['an injected factory', 'export const make = (create: (c: RTCConfiguration) => RTCPeerConnection) => create({});'],
  ])('lets %s pass', (_what, text) => {
    expect(checkDomUse([{ path: 'src/lib/x/a.ts', text }])).toEqual([]);
  });

  it('names what the core may not touch', () => {
    expect(FORBIDDEN_IN_LIB).toEqual(expect.arrayContaining(['document', 'window', 'RTCPeerConnection', 'WebSocket']));
    expect(ts.version).toMatch(/^\d/);
  });
});
