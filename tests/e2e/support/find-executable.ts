// Where the tests find the servers they start (mosquitto, coturn): an env var wins, then the
// Debian path, then PATH, so Homebrew's (/opt/homebrew/bin, /usr/local/sbin …) is found too.
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/**
 * `$envVar` if set (undefined when it names no file), else the first of `known` that exists,
 * else `name` on PATH (`name.exe` on Windows).
 */
export function findExecutable(name: string, envVar: string, known: string[]): string | undefined {
  const override = process.env[envVar];
  if (override) return existsSync(override) ? override : undefined;
  const names = process.platform === 'win32' ? [`${name}.exe`, name] : [name];
  for (const candidate of [...known, ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).flatMap((dir) => names.map((n) => join(dir, n)))]) {
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}
