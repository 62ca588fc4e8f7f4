/** Hex helpers for packet bytes. Pure. */

/** "10 c4 01" or "10c401" → bytes. Non-hex characters are ignored; an odd last digit is dropped. */
export function hexToBytes(hex: string): Uint8Array {
  const clean = hex.replace(/[^0-9a-f]/gi, '');
  const out = new Uint8Array(clean.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Bytes → "10 c4 01" (sep " ") or "10c401" (sep ""). */
export function bytesToHex(bytes: Uint8Array, sep = ' '): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (i ? sep : '') + HEX[bytes[i]!];
  return s;
}
