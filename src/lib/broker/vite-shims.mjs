// @ts-check
/**
 * Vite config fragment that lets aedes 1.2 and mqtt.js (from its sources) run in the browser.
 *
 * Confined on purpose:
 * - Node built-ins are remapped in a resolveId hook for the *client* environment only, so
 *   Astro's server/prerender build keeps the real `stream`, `crypto` … (a global
 *   resolve.alias would apply to both).
 * - Buffer, process, setImmediate and Node-style timers are injected as module-local imports
 *   into the broker's own dependencies only; no page global is set, and nothing reaches a
 *   chunk that does not import the broker (which loads via dynamic import).
 *
 * Usage (astro.config.mjs):  vite: brokerViteConfig()
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const shim = (/** @type {string} */ name) => fileURLToPath(new URL(`./shims/${name}.ts`, import.meta.url));

/**
 * Node built-in -> browser module, for client code.
 * @type {Record<string, string>}
 */
const BUILTINS = {
  buffer: require.resolve('buffer/'),
  events: require.resolve('events/'),
  process: shim('process'),
  'process/': shim('process'),
  stream: require.resolve('readable-stream/lib/ours/browser.js'),
  util: shim('util'),
  crypto: shim('crypto'),
  // CommonJS callers (mqemitter) `require('assert')` and call the result, so they need
  // module.exports to be the function, not an ES namespace: serve a CommonJS wrapper.
  assert: '\0webrtc-lab:assert',
  timers: shim('timers'),
  string_decoder: require.resolve('string_decoder/'),
};

/**
 * Lighter stand-ins for packages that mqtt.js pulls in, applied only to imports made from
 * inside mqtt.js / mqtt-packet, so other code that uses the real package is unaffected.
 */
const MQTT_IMPORTER = /[\\/]node_modules[\\/](mqtt|mqtt-packet)[\\/]/;
/** @type {Record<string, string>} */
const MQTT_STANDINS = {
  debug: '\0webrtc-lab:debug',
  'lru-cache': shim('lru-cache'),
};

/**
 * The broker's runtime dependency tree (read from package.json files at config time), so a
 * dependency added by an upgrade is covered too. Only these modules get Node globals injected.
 */
/** @param {string[]} roots */
function dependencyClosure(roots) {
  const seen = new Set();
  const queue = [...roots];
  while (queue.length > 0) {
    const name = /** @type {string} */ (queue.pop());
    if (seen.has(name)) continue;
    const pkg = readPackageJson(name);
    if (!pkg) continue;
    seen.add(name);
    for (const dep of Object.keys(pkg.dependencies ?? {})) if (!dep.startsWith('@types/')) queue.push(dep);
  }
  return [...seen];
}

/** @param {string} name */
function readPackageJson(name) {
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'node_modules', name, 'package.json');
    if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
    if (path.dirname(dir) === dir) return undefined;
  }
}

// tslib and @babel/runtime are shared with other libraries and need no Node globals.
const SHARED = new Set(['tslib', '@babel/runtime']);
const PACKAGES = dependencyClosure(['aedes', 'mqtt', 'mqtt-packet', 'readable-stream']).filter((p) => !SHARED.has(p));
const escapeRe = (/** @type {string} */ s) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const PACKAGE_RE = new RegExp(`[\\\\/]node_modules[\\\\/](${PACKAGES.map(escapeRe).join('|')})[\\\\/]`);
/** Only aedes needs timers with refresh()/unref(). */
const AEDES_RE = /[\\/]node_modules[\\/]aedes[\\/]/;

/**
 * Free names to provide, and how. `esm` is an import statement, `cjs` a require, so CommonJS
 * modules stay CommonJS for the bundler.
 */
const GLOBALS = [
  { name: 'Buffer', from: 'buffer', pick: 'Buffer' },
  { name: 'process', from: 'process', pick: 'default' },
  { name: 'global', from: null, pick: null },
  { name: 'setImmediate', from: 'timers', pick: 'setImmediate' },
  { name: 'clearImmediate', from: 'timers', pick: 'clearImmediate' },
];
const TIMERS = ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'].map((name) => ({
  name,
  from: 'timers',
  pick: name,
}));

/**
 * Names declared at the top level of a module (those must not be injected again).
 * @param {any} program ESTree Program
 */
function topLevelNames(program) {
  /** @type {Set<string>} */
  const names = new Set();
  /** @param {any} p */
  const addPattern = (p) => {
    if (!p) return;
    if (p.type === 'Identifier') names.add(p.name);
    else if (p.type === 'ObjectPattern') p.properties.forEach((/** @type {any} */ q) => addPattern(q.type === 'RestElement' ? q.argument : q.value));
    else if (p.type === 'ArrayPattern') p.elements.forEach(addPattern);
    else if (p.type === 'AssignmentPattern') addPattern(p.left);
    else if (p.type === 'RestElement') addPattern(p.argument);
  };
  for (let node of program.body) {
    if (node.type === 'ExportNamedDeclaration' && node.declaration) node = node.declaration;
    if (node.type === 'VariableDeclaration') node.declarations.forEach((/** @type {any} */ d) => addPattern(d.id));
    else if ((node.type === 'FunctionDeclaration' || node.type === 'ClassDeclaration') && node.id) names.add(node.id.name);
    else if (node.type === 'ImportDeclaration') node.specifiers.forEach((/** @type {any} */ s) => names.add(s.local.name));
  }
  return names;
}

/** @returns {import('vite').Plugin} */
export function brokerShimsPlugin() {
  /** @param {any} ctx @param {any} options */
  const isClient = (ctx, options) => {
    const consumer = ctx?.environment?.config?.consumer;
    if (consumer) return consumer === 'client';
    return !options?.ssr; // the dep optimizer has no environment; it only serves the client
  };
  return {
    name: 'webrtc-lab:broker-shims',
    enforce: 'pre',
    resolveId(source, importer, options) {
      if (!isClient(this, options)) return null;
      if (importer && MQTT_IMPORTER.test(importer) && Object.prototype.hasOwnProperty.call(MQTT_STANDINS, source)) {
        return MQTT_STANDINS[source];
      }
      const bare = source.startsWith('node:') ? source.slice(5) : source;
      return Object.prototype.hasOwnProperty.call(BUILTINS, bare) ? BUILTINS[bare] : null;
    },
    load(id) {
      // CommonJS wrappers: callers do require('assert')(x) and require('debug')('ns').
      if (id === '\0webrtc-lab:assert') return `module.exports = require(${JSON.stringify(shim('assert'))}).default;`;
      if (id === '\0webrtc-lab:debug') return `module.exports = require(${JSON.stringify(shim('debug'))}).default;`;
      return null;
    },
    transform(code, id, options) {
      if (!isClient(this, options) || !PACKAGE_RE.test(id) || /\.(json|css)($|\?)/.test(id)) return null;
      const wanted = AEDES_RE.test(id) ? [...GLOBALS, ...TIMERS] : GLOBALS;
      const used = wanted.filter((g) => new RegExp(`(^|[^.\\w$])${g.name}\\b`).test(code));
      if (used.length === 0) return null;
      let program;
      try {
        program = this.parse(code);
      } catch {
        return null;
      }
      const declared = topLevelNames(program);
      const missing = used.filter((g) => !declared.has(g.name));
      if (missing.length === 0) return null;
      const esm = program.body.some((n) => /^(Import|Export)/.test(n.type));
      const lines = missing.map((g, i) => {
        if (g.from === null) return `var ${g.name} = globalThis;`;
        const target = JSON.stringify(BUILTINS[g.from]);
        if (esm) {
          return g.pick === 'default'
            ? `import ${g.name} from ${target};`
            : `import { ${g.pick} as ${g.name} } from ${target};`;
        }
        const mod = `__brokerShim${i}`;
        return g.pick === 'default'
          ? `var ${mod} = require(${target}); var ${g.name} = ${mod} && ${mod}.default || ${mod};`
          : `var ${g.name} = require(${target}).${g.pick};`;
      });
      // One line, so source maps stay line-aligned.
      return { code: `${lines.join(' ')}${code}`, map: null };
    },
  };
}

/** Packages to pre-bundle in `astro dev`, so the lab's first Start needs no reload. */
const OPTIMIZE = ['aedes', 'mqtt/lib/client', 'mqtt/lib/connect/ws', 'mqtt-packet', 'readable-stream'];

/**
 * The Vite config fragment for astro.config.mjs `vite:`.
 * @returns {import('vite').UserConfig}
 */
export function brokerViteConfig() {
  return {
    plugins: [brokerShimsPlugin()],
    optimizeDeps: {
      include: OPTIMIZE,
      // The dependency pre-bundler runs its own plugin pipeline.
      rolldownOptions: { plugins: [brokerShimsPlugin()] },
    },
    build: {
      // aedes checks that persistence.setup is a real AsyncFunction, so async functions
      // must not be down-levelled (anything >= es2017 keeps them).
      target: 'es2022',
      rolldownOptions: {
        output: {
          // What the lazily loaded labs share with the two-peer lab (trace views, the session
          // core, the runes base, the chat and broker fields and the error notice, which have
          // no CSS of their own) gets a chunk of its own. Left in that lab's chunk, a lazy
          // import would preload the chunk's CSS under a name Astro does not emit (the page
          // links every component's CSS itself) and fail on the 404.
          codeSplitting: { groups: [{ name: 'lab-shared', test: /src[\\/](lib[\\/](trace|session|broker[\\/]connect|mqtt[\\/]handshake)[\\/.]|components[\\/]lab[\\/](session-state|chat-draft|ChatLog|BrokerFields|ErrorNotice|inspector-focus)\b)/ }] },
        },
      },
    },
  };
}
