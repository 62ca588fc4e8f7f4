// 8. Lighthouse performance score of every page, with Lighthouse's default mobile preset
// (simulated slow 4G and a 4× slower CPU: stricter than --preset=desktop), run by its CLI
// against the system Chromium, headless, one page at a time.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHROMIUM_ARGS, chromiumExecutable } from '../chromium.mjs';
import { ROOT } from './lib.mjs';
import { errLine } from './page.mjs';
import { PAGES } from './weight.mjs';

export const LIGHTHOUSE_GOAL = 95;
const METRICS = ['first-contentful-paint', 'largest-contentful-paint', 'total-blocking-time', 'cumulative-layout-shift', 'speed-index'];

function runCli(url, out) {
  const cli = join(ROOT, 'node_modules', 'lighthouse', 'cli', 'index.js');
  const flags = [...CHROMIUM_ARGS.filter((f) => f !== '--headless'), '--headless=new'].join(' ');
  const args = [cli, url, '--only-categories=performance', '--output=json', `--output-path=${out}`, '--quiet', `--chrome-flags=${flags}`];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, CHROME_PATH: chromiumExecutable() }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`lighthouse exited ${code}: ${stderr.trim().split('\n').at(-1)}`));
    });
  });
}

/** Score, the metrics, and the opportunities that would save time, from a Lighthouse report. */
function summarise(path, report) {
  const audits = report.audits;
  const opportunities = Object.values(audits)
    .filter((a) => a.details?.type === 'opportunity' && (a.score ?? 1) < 0.9)
    .map((a) => ({ id: a.id, title: a.title, display: a.displayValue ?? '' }));
  return {
    path,
    score: Math.round((report.categories.performance.score ?? 0) * 100),
    formFactor: report.configSettings.formFactor,
    throttling: report.configSettings.throttlingMethod,
    metrics: Object.fromEntries(METRICS.map((m) => [m, { value: audits[m]?.numericValue, display: audits[m]?.displayValue, score: audits[m]?.score }])),
    opportunities,
    warnings: report.runWarnings ?? [],
    version: report.lighthouseVersion,
  };
}

export async function measureLighthouse(base, { check } = {}) {
  const dir = join(ROOT, '.bench', 'lighthouse');
  mkdirSync(dir, { recursive: true });
  const pages = [];
  const notes = [];
  for (const path of PAGES) {
    check?.();
    const out = join(dir, `${path.replace(/\/$/, '') || 'home'}.json`);
    try {
      await runCli(`${base}${path}`, out);
      pages.push(summarise(path, JSON.parse(readFileSync(out, 'utf8'))));
    } catch (err) {
      notes.push(`lighthouse /${path}: ${errLine(err)}`);
    }
  }
  const min = Math.min(...pages.map((p) => p.score));
  return { pages, min, pass: pages.length === PAGES.length && min >= LIGHTHOUSE_GOAL, version: pages[0]?.version, notes };
}
