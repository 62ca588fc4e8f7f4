/**
 * The captured sessions in tests/fixtures/<kind>/ (MQTT packets, STUN messages): read, with
 * each record's `hex` also as bytes. Node only (reads files); the site imports the JSON.
 */
import { readFileSync } from 'node:fs';
import { hexToBytes } from '../bytes/hex';

export function readCaptured<T>(kind: 'mqtt' | 'stun', name: string): T {
  return JSON.parse(readFileSync(new URL(`../../../tests/fixtures/${kind}/${name}.json`, import.meta.url), 'utf8')) as T;
}

export function withBytes<T extends { hex: string }>(records: readonly T[]): (T & { bytes: Uint8Array })[] {
  return records.map((r) => ({ ...r, bytes: hexToBytes(r.hex) }));
}

/** The record with this id; throws, naming the file, when there is none. */
export function recordById<T extends { id: string }>(records: readonly T[], file: string, id: string, what: string): T {
  const r = records.find((x) => x.id === id);
  if (!r) throw new Error(`${file} has no ${what} ${id}`);
  return r;
}
