// Proves that package-lock.json gives a fresh clone on each platform below the native
// packages the build runs (`npm ci` installs only what the lock lists, and a missing
// optional binary is skipped silently, so the break would show only at `npm start`).
// For each platform it runs `npm ci --dry-run --os … --cpu …` in a temporary copy of
// package.json and the lock (node_modules is never touched) and reads what npm plans to add.
//
//   node scripts/check-platforms.mjs [--lock path/to/package-lock.json]
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** @typedef {{ name: string, os: string, cpu: string, libc?: string, abi: string }} Platform */

/** @type {Platform[]} */
export const PLATFORMS = [
  { name: 'macOS arm64', os: 'darwin', cpu: 'arm64', abi: '' },
  { name: 'macOS x64', os: 'darwin', cpu: 'x64', abi: '' },
  { name: 'Windows x64', os: 'win32', cpu: 'x64', abi: '-msvc' },
  { name: 'Linux x64 (glibc)', os: 'linux', cpu: 'x64', libc: 'glibc', abi: '-gnu' },
];

/**
 * The platform's native packages that `astro build`, `astro dev` and pagefind load.
 * @param {Platform} p
 */
export function nativePackages({ os, cpu, abi }) {
  return [
    `@astrojs/compiler-binding-${os}-${cpu}${abi}`, // Astro's compiler (.astro files)
    `@pagefind/${os === 'win32' ? 'windows' : os}-${cpu}`, // the search index, after the build
    `@esbuild/${os}-${cpu}`, // Astro and Vite
    `@rolldown/binding-${os}-${cpu}${abi}`, // Vite's bundler
    `lightningcss-${os}-${cpu}${abi}`, // Vite's CSS
    `@bruits/satteri-${os}-${cpu}${abi}`, // the MDX chapters' markdown parser
  ];
}

/**
 * Names npm's dry run says it would add ("add <name> <version>" lines).
 * @param {string} output
 */
export function plannedPackages(output) {
  const names = new Set();
  for (const line of output.split(/\r?\n/)) {
    const m = /^add (\S+) \S+$/.exec(line.trim());
    if (m) names.add(m[1]);
  }
  return names;
}

/**
 * @param {Platform} platform
 * @param {Set<string>} planned
 */
export function missingNative(platform, planned) {
  return nativePackages(platform).filter((name) => !planned.has(name));
}

/**
 * @param {Platform} p
 * @param {string} dir  holds package.json and package-lock.json
 */
function dryRun(p, dir) {
  const args = ['ci', '--dry-run', `--os=${p.os}`, `--cpu=${p.cpu}`, '--ignore-scripts', '--no-audit', '--no-fund'];
  if (p.libc) args.push(`--libc=${p.libc}`);
  // Under `npm run`, npm_execpath is npm's own CLI: no shell, the same on Windows.
  const cli = process.env.npm_execpath;
  const run = cli?.endsWith('.js')
    ? spawnSync(process.execPath, [cli, ...args], { cwd: dir, encoding: 'utf8' })
    : spawnSync('npm', args, { cwd: dir, encoding: 'utf8', shell: process.platform === 'win32' });
  if (run.error) throw run.error;
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

async function main() {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const at = process.argv.indexOf('--lock');
  const lock = at === -1 ? join(root, 'package-lock.json') : resolve(process.argv[at + 1] ?? '');
  if (!existsSync(lock)) throw new Error(`no lockfile at ${lock}`);

  const dir = mkdtempSync(join(tmpdir(), 'check-platforms-'));
  const problems = [];
  try {
    copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
    copyFileSync(lock, join(dir, 'package-lock.json'));
    // The project's npm settings (engine-strict) apply as in a clone.
    if (existsSync(join(root, '.npmrc'))) copyFileSync(join(root, '.npmrc'), join(dir, '.npmrc'));
    for (const p of PLATFORMS) {
      const { status, output } = dryRun(p, dir);
      const planned = plannedPackages(output);
      if (status !== 0) {
        // npm's own reason (e.g. "Missing: @pagefind/darwin-arm64@1.6.0 from lock file"), not its usage text.
        const reason = output.split(/\r?\n/).filter((l) => /npm error (code|Missing|Invalid|`npm ci`)/.test(l));
        problems.push(`${p.name}: npm ci --dry-run failed (exit ${status}):\n  ${(reason.length ? reason : [output.trim()]).join('\n  ')}`);
        console.log(`✘ ${p.name}: npm ci fails`);
        continue;
      }
      const missing = missingNative(p, planned);
      for (const name of missing) problems.push(`${p.name}: npm ci would not install ${name}`);
      console.log(`${missing.length ? '✘' : '✔'} ${p.name}: ${planned.size} package names planned` +
        (missing.length ? `, missing ${missing.join(', ')}` : ', every native package present'));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (problems.length) {
    console.error(`\ncheck-platforms: ${lock} is incomplete:\n- ${problems.join('\n- ')}\n` +
      'A package left out means the lock entry of the package that loads it (e.g. node_modules/pagefind) lacks it in\n' +
      'its optionalDependencies: copy them from that package\'s package.json into the entry, run\n' +
      '`npm install --package-lock-only`, then this again.');
    process.exit(1);
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
