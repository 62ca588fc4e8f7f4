/**
 * Test-only loader for the captured Chromium sessions in tests/fixtures/ice/ (see the README
 * there). Node only: imported by *.test.ts, never by the site.
 */
import { readFileSync } from 'node:fs';

export const SCENARIOS = ['host-mdns', 'host-raw', 'stun-turn', 'relay', 'errors', 'relay-forbidden'] as const;
export type Scenario = (typeof SCENARIOS)[number];

export interface CapturedSession {
  captured: { by: string; scenario: Scenario; browser: string; flags: 'plain' | 'media'; date: string };
  opened: 'open' | 'timeout';
  offer: string;
  answer: string;
  final: { alice: string; bob: string };
  /** Gathered candidates in order; `at` is ms since the session began, null = gathering complete. */
  candidates: { alice: Array<{ at: number; candidate: string | null }>; bob: Array<{ at: number; candidate: string | null }> };
  errors: Array<{ peer: 'alice' | 'bob'; at: number; errorCode: number; errorText: string; url: string; address: string | null; port: number | null }>;
  states: Array<{ peer: 'alice' | 'bob'; at: number } & Record<string, string | number>>;
  /** getStats() of both peers, as Array.from(report.values()). */
  snapshots: Array<{ label: string; at: number; alice: unknown[]; bob: unknown[] }>;
}

export function loadSession(name: Scenario): CapturedSession {
  const url = new URL(`../../../tests/fixtures/ice/${name}.json`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as CapturedSession;
}
