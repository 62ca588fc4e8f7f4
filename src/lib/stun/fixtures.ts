/**
 * Test helper: the captured messages in tests/fixtures/stun/ (see its README). Node only
 * (reads files); the site imports the JSON directly.
 */
import { readCaptured, recordById, withBytes } from '../testing/captured';

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
  const raw = readCaptured<Omit<StunFixture, 'name' | 'messages'> & { messages: Omit<FixtureMessage, 'bytes'>[] }>('stun', name);
  return { ...raw, name, messages: withBytes(raw.messages) };
}

export function fixtureMessage(f: StunFixture, id: string): FixtureMessage {
  return recordById(f.messages, f.name, id, 'message');
}
