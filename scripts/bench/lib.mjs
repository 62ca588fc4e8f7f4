// Helpers for scripts/bench.mjs: build + preview server, browser launch, gzip sizes, stats.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CHROMIUM_ARGS, chromiumExecutable } from '../chromium.mjs';

export const ROOT = new URL('../../', import.meta.url).pathname.replace(/\/$/, '');
export const DIST = join(ROOT, 'dist');

/** The directory preview serves and sizes are read from: dist/, or a snapshot of it. */
let served = DIST;

/**
 * Copies dist/ to .bench/dist and serves that instead, so that a build someone runs while the
 * bench is measuring (chunks renamed or half written) cannot change what is measured.
 */
export function snapshotDist() {
  const snap = join(ROOT, '.bench', 'dist');
  rmSync(snap, { recursive: true, force: true });
  cpSync(DIST, snap, { recursive: true });
  served = snap;
  return snap;
}

/** Serve another build directory (e.g. one built with --outDir) instead of dist/. */
export function serveDir(dir) {
  served = dir;
}

/** The directory being served (dist/, its snapshot, or serveDir's). */
export function servedDir() {
  return served;
}

/** { args, executablePath } for chromium.launch(). */
export async function chromiumLaunchConfig() {
  return { args: [...CHROMIUM_ARGS], executablePath: chromiumExecutable() };
}

/** The site's base path as astro.config.mjs sees it ('/' or '/x/'). */
export function basePath() {
  return `/${(process.env.BASE_PATH ?? '/').replace(/^\/+|\/+$/g, '')}/`.replace(/\/+/g, '/');
}

export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen({ port: 0, host, exclusive: true }, () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close((err) => (err ? reject(err) : resolve(port)));
    });
  });
}

function canConnect(port, host) {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    const done = (ok) => {
      socket.removeAllListeners();
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Runs `npm run build` when dist/ has no index.html. */
export function ensureBuilt({ force = false } = {}) {
  if (!force && existsSync(join(DIST, 'index.html'))) return false;
  console.error(force ? 'bench: building (--build)…' : 'bench: dist/ is missing, running npm run build…');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, shell: process.platform === 'win32', stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' } });
  if (r.status !== 0) throw new Error(`npm run build failed (exit ${r.status ?? r.signal})`);
  return true;
}

/**
 * Starts `astro preview` on a free 127.0.0.1 port, in its own process group.
 * Returns { url, stop } where url ends with the base path.
 */
export async function startPreview() {
  const port = await freePort();
  const astroBin = join(ROOT, 'node_modules', 'astro', 'bin', 'astro.mjs');
  if (!existsSync(astroBin)) throw new Error(`astro is not installed (${astroBin} missing): run npm install`);
  // --ignore-lock: run alongside any preview someone else started (Astro 7 keeps one per
  // project by default), in the foreground (no agent auto-backgrounding), untracked.
  const outDir = served === DIST ? [] : ['--outDir', served];
  const child = spawn(process.execPath, [astroBin, 'preview', '--host', '127.0.0.1', '--port', String(port), '--ignore-lock', ...outDir], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' },
  });
  let output = '';
  const append = (chunk) => {
    output = (output + chunk.toString()).slice(-16_384);
  };
  child.stdout.on('data', append);
  child.stderr.on('data', append);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });

  const stop = async () => {
    if (exited || child.pid === undefined) return;
    const gone = new Promise((r) => child.once('exit', r));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }, 3000);
    await gone;
    clearTimeout(timer);
  };
  // If the bench dies without running its cleanup, do not leave the server behind.
  process.once('exit', () => {
    if (!exited && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    }
  });

  const deadline = Date.now() + 30_000;
  while (!(await canConnect(port, '127.0.0.1'))) {
    if (exited) throw new Error(`astro preview exited before listening on 127.0.0.1:${port}:\n${output}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`astro preview did not listen on 127.0.0.1:${port} within 30 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url: `http://127.0.0.1:${port}${basePath()}`, pid: child.pid, stop };
}

const gzCache = new Map();
/** gzip -9 size of a buffer or string. */
export function gzSize(data) {
  return gzipSync(typeof data === 'string' ? Buffer.from(data) : data, { level: 9 }).length;
}

/**
 * Raw and gz sizes of a JS file served by preview, read from dist/ or its snapshot (astro
 * preview does not compress). Falls back to the response body when the URL does not map to a file.
 */
export async function jsSizeFor(url, response) {
  const parsed = new URL(url);
  if (parsed.protocol === 'blob:' || parsed.protocol === 'data:') {
    // A script made in the page (e.g. mqtt.js's worker-timers Worker from a Blob): its code
    // is already inside a chunk, so callers list it but do not add it to totals.
    const buf = response ? await response.body().catch(() => Buffer.alloc(0)) : Buffer.alloc(0);
    return { file: url.slice(0, 60), raw: buf.length, gz: gzSize(buf), source: parsed.protocol.slice(0, -1) };
  }
  const { pathname } = parsed;
  const base = basePath();
  const rel = decodeURIComponent(pathname.startsWith(base) ? pathname.slice(base.length) : pathname.replace(/^\//, ''));
  const file = join(served, rel);
  if (gzCache.has(file)) return gzCache.get(file);
  let buf;
  let source = 'dist';
  if (rel && !rel.includes('..') && existsSync(file)) buf = readFileSync(file);
  else {
    source = 'response';
    buf = response ? await response.body().catch(() => Buffer.alloc(0)) : Buffer.alloc(0);
  }
  const sizes = { file: rel, raw: buf.length, gz: gzSize(buf), source };
  gzCache.set(file, sizes);
  return sizes;
}

export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  // Nearest rank: the smallest value with at least q of the samples at or below it.
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1];
}

/** Least-squares slope of ys against 0..n-1 (the soaks' trend per sample). */
export function slope(ys) {
  const n = ys.length;
  if (n < 2) return 0;
  const mx = (n - 1) / 2;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, x) => {
    num += (x - mx) * (y - my);
    den += (x - mx) ** 2;
  });
  return num / den;
}

export function median(values) {
  const s = [...values].filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function kb(bytes) {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

export function ms(v) {
  return Number.isFinite(v) ? `${v.toFixed(1)} ms` : 'n/a';
}

export function machineInfo() {
  const list = cpus();
  // Load average at the start: other work on the machine shows up in every timing.
  return { cpu: list[0]?.model?.trim() ?? 'unknown', cores: list.length, node: process.version, platform: `${process.platform} ${process.arch}`, load1: loadavg()[0] };
}

/**
 * Bundles `contents` (TypeScript, imports resolved from the project root) into one script for
 * a page: esbuild, ESM output, minified like the site's own chunks. The entry should only put
 * what it needs on globalThis: with no exports, the ESM output runs as a classic script.
 */
export async function bundleForBrowser(contents, { sourcefile = 'bench-entry.ts' } = {}) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    throw new Error('esbuild is not installed (node_modules/esbuild missing): run npm install');
  }
  const result = await esbuild.build({
    stdin: { contents, resolveDir: ROOT, sourcefile, loader: 'ts' },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
  });
  return result.outputFiles[0].text;
}

/** A markdown table from a header row and body rows. */
export function mdTable(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
