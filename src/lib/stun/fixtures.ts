/**
 * Test helper: the captured messages in tests/fixtures/stun/ (see its README). Node only
 * (reads files); the site imports the JSON directly.
 */
import { readFileSync } from 'node:fs';
import { hexToBytes } from '../mqtt/hex';

export interface Endpoint {
  address: string;
  port: number;
}

export interface FixtureMessage {
  id: string;
  label: string;
  by: string;
  from: Endpoint;
  to: Endpoint;
  hex: string;
  bytes: Uint8Array;
}

export interface StunFixture {
  name: string;
  captured: Record<string, unknown>;
  ice?: { chromium: { ufrag: string; pwd: string }; node: { ufrag: string; pwd: string } };
  messages: FixtureMessage[];
}

export const FIXTURE_NAMES = ['coturn', 'chromium-ice'] as const;
export type FixtureName = (typeof FIXTURE_NAMES)[number];

export function loadFixture(name: FixtureName): StunFixture {
  const url = new URL(`../../../tests/fixtures/stun/${name}.json`, import.meta.url);
  const raw = JSON.parse(readFileSync(url, 'utf8')) as Omit<StunFixture, 'name' | 'messages'> & { messages: Omit<FixtureMessage, 'bytes'>[] };
  return { ...raw, name, messages: raw.messages.map((m) => ({ ...m, bytes: hexToBytes(m.hex) })) };
}

export function fixtureMessage(f: StunFixture, id: string): FixtureMessage {
  const m = f.messages.find((x) => x.id === id);
  if (!m) throw new Error(`${f.name} has no message ${id}`);
  return m;
}
