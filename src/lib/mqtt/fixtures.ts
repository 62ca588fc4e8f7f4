/**
 * Test and demo helper: the captured sessions in tests/fixtures/mqtt/ as WirePacket-like
 * records. Node only (reads files); never imported by the site.
 */
import { readFileSync } from 'node:fs';
import type { ProtocolLevel } from './fields';
import { hexToBytes } from './hex';

export interface FixturePacket {
  id: string;
  label: string;
  client: string;
  direction: 'out' | 'in';
  type: string;
  at: number;
  hex: string;
  bytes: Uint8Array;
}

export interface Fixture {
  name: string;
  broker: string;
  protocolVersion: ProtocolLevel;
  root: string;
  packets: FixturePacket[];
}

export const FIXTURE_NAMES = ['aedes-session', 'mosquitto-session', 'mosquitto-session-v5'] as const;
export type FixtureName = (typeof FIXTURE_NAMES)[number];

export function loadFixture(name: FixtureName): Fixture {
  const url = new URL(`../../../tests/fixtures/mqtt/${name}.json`, import.meta.url);
  const raw = JSON.parse(readFileSync(url, 'utf8')) as Omit<Fixture, 'name' | 'packets'> & { packets: Omit<FixturePacket, 'bytes'>[] };
  return { ...raw, name, packets: raw.packets.map((p) => ({ ...p, bytes: hexToBytes(p.hex) })) };
}

export function fixturePacket(f: Fixture, id: string): FixturePacket {
  const p = f.packets.find((x) => x.id === id);
  if (!p) throw new Error(`${f.name} has no packet ${id}`);
  return p;
}
