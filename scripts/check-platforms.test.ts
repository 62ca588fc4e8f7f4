import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PLATFORMS, missingNative, nativePackages, plannedPackages } from './check-platforms.mjs';

// Captured with `npm ci --dry-run --os=darwin --cpu=arm64` on this lockfile (npm 11.19).
const darwinArm64 = readFileSync(new URL('../tests/fixtures/npm/ci-dry-run-darwin-arm64.txt', import.meta.url), 'utf8');
const lock = JSON.parse(readFileSync(new URL('../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, { os?: string[]; cpu?: string[]; libc?: string[] }>;
};
const macArm = PLATFORMS.find((p) => p.os === 'darwin' && p.cpu === 'arm64')!;

describe('plannedPackages', () => {
  it('reads scoped and plain names from the "add" lines only', () => {
    const planned = plannedPackages(darwinArm64);
    expect(planned.has('@pagefind/darwin-arm64')).toBe(true);
    expect(planned.has('lightningcss-darwin-arm64')).toBe(true);
    expect(planned.has('@pagefind/linux-x64')).toBe(false);
    expect([...planned].some((n) => n.startsWith('added'))).toBe(false);
  });

  it('finds every native package for macOS arm64 in the captured plan', () => {
    expect(missingNative(macArm, plannedPackages(darwinArm64))).toEqual([]);
  });

  it('names the binary a plan leaves out', () => {
    const without = darwinArm64.replace(/^add @pagefind\/darwin-arm64 .*$/m, '');
    expect(missingNative(macArm, plannedPackages(without))).toEqual(['@pagefind/darwin-arm64']);
  });
});

describe('nativePackages', () => {
  // A misspelt name would be "missing" everywhere; each must be a package the lock targets at that platform.
  it.each(PLATFORMS.map((p) => [p.name, p] as const))('%s: names packages built for that platform', (_, p) => {
    for (const name of nativePackages(p)) {
      const entry = lock.packages[`node_modules/${name}`];
      expect(entry, name).toBeDefined();
      expect(entry?.os, name).toContain(p.os);
      expect(entry?.cpu, name).toContain(p.cpu);
      if (entry?.libc) expect(entry.libc, name).toContain(p.libc);
    }
  });
});
