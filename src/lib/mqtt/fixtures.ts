/**
 * Test and demo helper: the captured sessions in tests/fixtures/mqtt/ as WirePacket-like
 * records. Node only (reads files); never imported by the site.
 */
import { readCaptured, recordById, withBytes } from '../testing/captured';
import type { ProtocolLevel } from './fields';

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
  const raw = readCaptured<Omit<Fixture, 'name' | 'packets'> & { packets: Omit<FixturePacket, 'bytes'>[] }>('mqtt', name);
  return { ...raw, name, packets: withBytes(raw.packets) };
}

export function fixturePacket(f: Fixture, id: string): FixturePacket {
  return recordById(f.packets, f.name, id, 'packet');
}
