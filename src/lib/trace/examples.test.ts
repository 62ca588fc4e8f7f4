import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_TRACES } from './examples';
import { parseTraceJson } from './export';
import { redactTrace } from './redact';
import { lastStep } from './replay';

const dir = new URL('../../../public/traces/', import.meta.url);

describe('bundled example traces', () => {
  it('every listed example has a file, and every file is listed', () => {
    const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    expect(files).toEqual(EXAMPLE_TRACES.map((e) => `${e.id}.json`).sort());
  });

  it.each(EXAMPLE_TRACES.map((e) => [e.id, e] as const))('%s imports cleanly, has deliveries, and is already redacted', (id) => {
    const parsed = parseTraceJson(readFileSync(new URL(`${id}.json`, dir), 'utf8'));
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(lastStep(parsed.events)).toBeGreaterThan(3);
    // Redacting again finds nothing new to replace: no real address or credential is left.
    const again = redactTrace(parsed.events, { ips: true, iceCredentials: true });
    expect(again.events).toEqual(parsed.events);
  });
});
