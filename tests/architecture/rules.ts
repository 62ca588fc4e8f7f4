/**
 * The import and DOM rules of docs/ARCHITECTURE.md as functions over source text. Each
 * returns its violations as "file:line: what", so a failing test says where to look.
 * Parsed with the TypeScript compiler, so comments, strings, types and property names
 * never count.
 */
import ts from 'typescript';

export interface Source {
  /** Repository-relative, with forward slashes. */
  path: string;
  text: string;
}

/** Packages src/lib may not import: the framework stays in the components. */
const FRAMEWORK = /^(svelte|astro)(\/|$)|^astro:|^@astrojs\//;
/** Where components, pages and layouts live; src/lib may not reach into them. */
const UI = /(^|\/)src\/(components|pages|layouts)\/|\.svelte(\.ts)?$|\.astro$/;

/** Browser globals the core of src/lib must not touch: they are passed in. */
export const FORBIDDEN_IN_LIB = [
  'document',
  'window',
  'navigator',
  'location',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'customElements',
  'requestAnimationFrame',
  'getComputedStyle',
  'matchMedia',
  'RTCPeerConnection',
  'WebSocket',
  'Worker',
  'SharedWorker',
  'BroadcastChannel',
] as const;

/**
 * The edges of src/lib that are allowed to touch the browser, and why. Everything else takes
 * its browser objects as arguments.
 */
export const DOM_EDGES: Readonly<Record<string, string>> = {
  // None today: even the SharedWorker hub gets its port and Web Locks passed in.
};

/**
 * Which areas (folders) of src/lib each area may import at run time; importing types is free.
 * Read top-down it is a layering: the wire format and the queue at the bottom, the lab kinds
 * at the top, and no area imports one that imports it.
 */
export const AREA_IMPORTS: Readonly<Record<string, readonly string[]>> = {
  text: [],
  bytes: [],
  signalling: ['text'],
  dialects: ['signalling'],
  queue: [],
  stun: ['bytes'],
  latency: [],
  docs: [],
  testing: ['bytes'],
  broker: ['signalling'],
  mqtt: ['broker', 'bytes', 'text'],
  ice: [],
  sdp: ['ice', 'text'],
  nat: ['ice'],
  direct: ['sdp'],
  trace: ['broker', 'bytes', 'ice', 'mqtt', 'signalling', 'text'],
  diagram: ['trace'],
  peer: ['ice', 'signalling', 'trace'],
  session: ['broker', 'bytes', 'mqtt', 'queue', 'signalling', 'trace'],
  lab: ['broker', 'dialects', 'ice', 'latency', 'peer', 'queue', 'session', 'signalling', 'trace'],
  lobby: ['peer', 'queue', 'sdp', 'session', 'signalling', 'trace'],
  'copy-paste': ['ice', 'peer', 'sdp', 'session', 'signalling', 'trace'],
};

/**
 * Each area's front door: the modules the UI (components, pages, layouts) may import. The
 * rest of an area is its inside, free to change without touching a component.
 */
export const FRONT_DOORS: Readonly<Record<string, readonly string[]>> = {
  broker: ['connect', 'publish-once', 'types', 'tabs', 'tabs-worker'],
  'copy-paste': ['event-log', 'paste-session', 'paste-view', 'qr', 'sdp-candidates'],
  diagram: ['ladder', 'mermaid', 'window'],
  direct: ['channel-bench', 'channels', 'fingerprints', 'in-page'],
  dialects: ['registry'],
  docs: ['source-sample'],
  ice: ['address', 'candidate', 'candidate-error', 'candidates-table', 'diagnose', 'media-permission', 'priority', 'stats', 'stats-poller'],
  lab: ['candidate-filter', 'early-candidates', 'latency-pair', 'params', 'scenarios', 'session', 'solo-session', 'solo-view', 'watch-session'],
  latency: ['capture', 'chart', 'relay-link', 'run', 'size'],
  lobby: ['bad-inputs', 'client', 'diagram-rows', 'explain', 'mesh-session', 'narration', 'params', 'server', 'trace', 'transport'],
  mqtt: ['annotate', 'fields', 'handshake', 'inspect', 'keepalive'],
  bytes: ['hex'],
  text: ['count'],
  nat: ['cases', 'kinds', 'model'],
  peer: ['lab-peer'],
  sdp: ['annotate', 'explain-limits', 'highlight', 'negotiation', 'parse'],
  session: ['core', 'tamper'],
  signalling: ['codec', 'json-depth', 'presence', 'topics'],
  stun: ['annotate', 'bytes', 'tables'],
  trace: ['clock', 'examples', 'export', 'lanes', 'messages', 'narration', 'packets', 'redact', 'replay', 'selectors', 'stable-views', 'timeline', 'trace', 'types'],
};

function line(source: ts.SourceFile, node: ts.Node): number {
  return source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
}

function parse(file: Source): ts.SourceFile {
  return ts.createSourceFile(file.path, file.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
}

/** Every module specifier: static imports and exports, and import('…') with a literal. */
function specifiers(source: ts.SourceFile): { spec: string; node: ts.Node; typeOnly: boolean }[] {
  const out: { spec: string; node: ts.Node; typeOnly: boolean }[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const typeOnly = ts.isImportDeclaration(node) ? node.importClause?.phaseModifier === ts.SyntaxKind.TypeKeyword : node.isTypeOnly;
      out.push({ spec: node.moduleSpecifier.text, node, typeOnly });
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg && ts.isStringLiteralLike(arg)) out.push({ spec: arg.text, node, typeOnly: false });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** Joins a relative specifier onto the importing file's folder. */
function resolveSpec(from: string, spec: string): string {
  if (!spec.startsWith('.')) return spec;
  const parts = from.split('/').slice(0, -1);
  for (const part of spec.split('/')) {
    if (part === '..') parts.pop();
    else if (part !== '.') parts.push(part);
  }
  return parts.join('/');
}

/** Rule: src/lib imports no Svelte, no Astro, and nothing from the UI. */
export function checkLibImports(files: readonly Source[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const source = parse(file);
    for (const { spec, node } of specifiers(source)) {
      const target = resolveSpec(file.path, spec);
      if (FRAMEWORK.test(spec)) found.push(`${file.path}:${line(source, node)}: imports the framework (${spec})`);
      else if (UI.test(target)) found.push(`${file.path}:${line(source, node)}: imports the UI (${spec})`);
    }
  }
  return found;
}

/** The area of a src/lib path ("trace" for src/lib/trace/selectors), or null outside src/lib. */
function areaOf(path: string): string | null {
  const m = /^src\/lib\/([^/]+)\//.exec(path);
  return m ? m[1]! : null;
}

/** Rule: an area imports at run time only the areas AREA_IMPORTS lists for it. */
export function checkLayers(files: readonly Source[], allowed: Readonly<Record<string, readonly string[]>> = AREA_IMPORTS): string[] {
  const found: string[] = [];
  for (const file of files) {
    const from = areaOf(file.path);
    if (!from) continue;
    const source = parse(file);
    for (const { spec, node, typeOnly } of specifiers(source)) {
      const to = spec.startsWith('.') ? areaOf(resolveSpec(file.path, spec)) : null;
      if (typeOnly || !to || to === from) continue;
      if (!(allowed[from] ?? []).includes(to)) found.push(`${file.path}:${line(source, node)}: ${from}/ imports ${to}/ (${spec}), which AREA_IMPORTS does not allow`);
    }
  }
  return found;
}

/** The areas in an import cycle of the table, or [] when it is a layering. */
export function layerCycle(allowed: Readonly<Record<string, readonly string[]>>): string[] {
  const state = new Map<string, 'open' | 'done'>();
  const path: string[] = [];
  const visit = (area: string): string[] => {
    if (state.get(area) === 'done') return [];
    if (state.get(area) === 'open') return [...path.slice(path.indexOf(area)), area];
    state.set(area, 'open');
    path.push(area);
    for (const next of allowed[area] ?? []) {
      const cycle = visit(next);
      if (cycle.length) return cycle;
    }
    path.pop();
    state.set(area, 'done');
    return [];
  };
  for (const area of Object.keys(allowed)) {
    const cycle = visit(area);
    if (cycle.length) return cycle;
  }
  return [];
}

/** The script parts of a UI file: a .svelte file's <script> blocks, an .astro file's front matter. */
export function scriptOf(file: Source): string {
  if (file.path.endsWith('.svelte')) return [...file.text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n');
  if (file.path.endsWith('.astro')) return /^---\r?\n([\s\S]*?)\r?\n---/.exec(file.text)?.[1] ?? '';
  return file.text;
}

/** Rule: the UI imports src/lib only through each area's front door (FRONT_DOORS). */
export function checkFrontDoors(files: readonly Source[], doors: Readonly<Record<string, readonly string[]>> = FRONT_DOORS): string[] {
  const found: string[] = [];
  for (const file of files) {
    const source = parse({ path: file.path, text: scriptOf(file) });
    for (const { spec, node } of specifiers(source)) {
      if (!spec.startsWith('.')) continue;
      const m = /^src\/lib\/([^/]+)\/([^?]+?)(\.ts|\.mjs)?(\?.*)?$/.exec(resolveSpec(file.path, spec));
      if (!m) continue;
      const [, area, module] = m as unknown as [string, string, string];
      if (!(doors[area] ?? []).includes(module)) {
        found.push(`${file.path}:${line(source, node)}: imports ${area}/${module}, which is inside ${area}/: use its front door (${(doors[area] ?? []).join(', ') || 'none'})`);
      }
    }
  }
  return found;
}

/** True where an identifier is read as a value from the global scope (not a type, property or local). */
function isGlobalValue(id: ts.Identifier, locals: ReadonlySet<string>): boolean {
  const parent = id.parent;
  if (locals.has(id.text)) return false;
  if (ts.isPropertyAccessExpression(parent) && parent.name === id) return false;
  if (ts.isQualifiedName(parent) || ts.isTypeReferenceNode(parent) || ts.isExpressionWithTypeArguments(parent)) return false;
  if ((ts.isPropertyAssignment(parent) || ts.isPropertySignature(parent) || ts.isPropertyDeclaration(parent) || ts.isMethodDeclaration(parent)) && parent.name === id) return false;
  if (ts.isBindingElement(parent) || ts.isParameter(parent) || ts.isVariableDeclaration(parent)) return false;
  if (ts.isImportSpecifier(parent) || ts.isExportSpecifier(parent)) return false;
  // Inside a type (e.g. `x: typeof window` aside), nothing runs.
  for (let n: ts.Node = parent; n; n = n.parent) if (ts.isTypeNode(n) && !ts.isTypeQueryNode(n)) return false;
  return true;
}

/** Names declared anywhere in the file (a local `location` is not the global one). */
function declaredNames(source: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if ((ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isBindingElement(node) || ts.isFunctionDeclaration(node)) && node.name && ts.isIdentifier(node.name)) {
      names.add(node.name.text);
    }
    if (ts.isImportSpecifier(node) || ts.isImportClause(node) || ts.isNamespaceImport(node)) {
      if (node.name) names.add(node.name.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return names;
}

/** Rule: the core of src/lib reads no browser global; only DOM_EDGES may. */
export function checkDomUse(files: readonly Source[], edges: Readonly<Record<string, string>> = DOM_EDGES): string[] {
  const forbidden = new Set<string>(FORBIDDEN_IN_LIB);
  const found: string[] = [];
  for (const file of files) {
    if (Object.hasOwn(edges, file.path)) continue;
    const source = parse(file);
    const locals = declaredNames(source);
    const visit = (node: ts.Node): void => {
      const viaGlobal =
        ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && ['globalThis', 'self'].includes(node.expression.text) && forbidden.has(node.name.text);
      if (viaGlobal) found.push(`${file.path}:${line(source, node)}: uses the browser's ${node.name.text} through ${(node.expression as ts.Identifier).text}; pass it in instead`);
      if (ts.isIdentifier(node) && forbidden.has(node.text) && isGlobalValue(node, locals)) {
        const via = ts.isPropertyAccessExpression(node.parent) && node.parent.expression === node ? `${node.text}.${node.parent.name.text}` : node.text;
        found.push(`${file.path}:${line(source, node)}: uses the browser's ${via}; pass it in instead`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}
