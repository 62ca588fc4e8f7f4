import { describe, expect, it } from 'vitest';
import { parseSync } from 'vite';
import { brokerShimsPlugin, brokerViteConfig } from './vite-shims.mjs';

type Hook = (this: unknown, ...args: unknown[]) => unknown;
const plugin = brokerShimsPlugin();
const resolveId = plugin.resolveId as unknown as Hook;
const transform = plugin.transform as unknown as Hook;
const load = plugin.load as unknown as Hook;

const client = { environment: { config: { consumer: 'client' } }, parse: (code: string) => parseSync('m.js', code).program };
const server = { environment: { config: { consumer: 'server' } }, parse: (code: string) => parseSync('m.js', code).program };
const NM = '/p/node_modules';

const out = (r: unknown): string => (r as { code: string } | null)?.code ?? '';

describe('brokerShimsPlugin resolveId', () => {
  it.each([
    ['stream', /readable-stream[\\/]lib[\\/]ours[\\/]browser\.js$/],
    ['node:stream', /readable-stream[\\/]lib[\\/]ours[\\/]browser\.js$/],
    ['node:util', /shims[\\/]util\.ts$/],
    ['crypto', /shims[\\/]crypto\.ts$/],
    ['node:events', /events[\\/]events\.js$/],
    ['buffer', /buffer[\\/]index\.js$/],
    ['process/', /shims[\\/]process\.ts$/],
    ['assert', /webrtc-lab:assert$/],
  ])('maps %s for the client', (source, target) => {
    expect(String(resolveId.call(client, source, `${NM}/aedes/aedes.js`, {}))).toMatch(target);
  });

  it('leaves server (SSR/prerender) resolution alone', () => {
    expect(resolveId.call(server, 'stream', '/p/src/x.ts', { ssr: true })).toBeNull();
    expect(resolveId.call({}, 'node:crypto', '/p/src/x.ts', { ssr: true })).toBeNull();
  });

  it('swaps debug and lru-cache only for imports from inside mqtt.js / mqtt-packet', () => {
    expect(String(resolveId.call(client, 'debug', `${NM}/mqtt/build/lib/client.js`, {}))).toMatch(/webrtc-lab:debug$/);
    expect(String(resolveId.call(client, 'lru-cache', `${NM}/mqtt/build/lib/topic-alias-send.js`, {}))).toMatch(
      /shims[\\/]lru-cache\.ts$/,
    );
    expect(resolveId.call(client, 'debug', `${NM}/some-lib/index.js`, {})).toBeNull();
    expect(resolveId.call(client, 'lru-cache', '/p/src/x.ts', {})).toBeNull();
  });

  it('serves CommonJS wrappers whose module.exports is callable', () => {
    expect(String(load.call(client, '\0webrtc-lab:assert'))).toMatch(/^module\.exports = require\(.*assert\.ts"\)\.default;$/);
    expect(String(load.call(client, '\0webrtc-lab:debug'))).toMatch(/debug\.ts"\)\.default;$/);
    expect(load.call(client, '/p/src/x.ts')).toBeNull();
  });
});

describe('brokerShimsPlugin transform', () => {
  it('injects ES imports into aedes, including refresh()-able timers', () => {
    const code = "import EventEmitter from 'node:events'\nconst b = Buffer.from('x')\nsetImmediate(f)\nconst t = setTimeout(f, 1); t.refresh()\n";
    const res = out(transform.call(client, code, `${NM}/aedes/lib/client.js`, {}));
    const header = res.slice(0, res.indexOf('import EventEmitter'));
    expect(header).toMatch(/^import \{ Buffer as Buffer \} from ".*buffer[\\/]index\.js";/);
    expect(header).toMatch(/import \{ setImmediate as setImmediate \} from ".*timers\.ts";/);
    expect(header).toMatch(/import \{ setTimeout as setTimeout \} from ".*timers\.ts";/);
    expect(header).not.toContain('\n'); // one line: source maps stay aligned
    expect(res.endsWith(code)).toBe(true);
  });

  it('uses require() in CommonJS modules, and gives timers only to aedes', () => {
    const code = "'use strict'\nmodule.exports = function (cb) { process.nextTick(cb); setTimeout(cb, 1) }\n";
    const res = out(transform.call(client, code, `${NM}/aedes-persistence/callBackPersistence.js`, {}));
    expect(res).toMatch(/^var __brokerShim0 = require\(".*process\.ts"\); var process = __brokerShim0 && __brokerShim0\.default \|\| __brokerShim0;/);
    expect(res).not.toContain('setTimeout as');
    expect(res).not.toMatch(/var setTimeout/);
  });

  it('does not redeclare names the module declares at top level', () => {
    const code = "const { Buffer } = require('buffer')\nmodule.exports = Buffer.alloc(1)\n";
    expect(transform.call(client, code, `${NM}/mqtt-packet/numbers.js`, {})).toBeNull();
    const setImm = "const setImmediate = globalThis.setImmediate || ((f) => f())\nsetImmediate(g)\n";
    expect(transform.call(client, setImm, `${NM}/mqtt/build/lib/client.js`, {})).toBeNull();
  });

  it('ignores property accesses, other packages, app code and the server build', () => {
    expect(transform.call(client, 'x.process.nextTick(f)\nmodule.exports = 1', `${NM}/mqtt/build/lib/a.js`, {})).toBeNull();
    expect(transform.call(client, 'Buffer.from("x")', `${NM}/mermaid/dist/x.js`, {})).toBeNull();
    expect(transform.call(client, 'Buffer.from("x")', '/p/src/lib/broker/in-page.ts', {})).toBeNull();
    expect(transform.call(server, 'Buffer.from("x")', `${NM}/aedes/aedes.js`, { ssr: true })).toBeNull();
  });
});

describe('brokerViteConfig', () => {
  it('adds the plugin to the app and to the dependency pre-bundler, and keeps async functions', () => {
    const cfg = brokerViteConfig();
    expect(cfg.plugins).toHaveLength(1);
    expect(cfg.optimizeDeps?.include).toContain('aedes');
    expect((cfg.optimizeDeps as { rolldownOptions?: { plugins?: unknown[] } }).rolldownOptions?.plugins).toHaveLength(1);
    expect(cfg.build?.target).toBe('es2022');
  });
});
