/** Byte helpers for STUN messages. Pure; reads past the end return null instead of throwing. */

export function u16(b: Uint8Array, at: number): number | null {
  return at >= 0 && at + 2 <= b.length ? (b[at]! << 8) | b[at + 1]! : null;
}

export function u32(b: Uint8Array, at: number): number | null {
  return at >= 0 && at + 4 <= b.length ? ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0 : null;
}

/** 0x2112a442 → "0x2112A442"; `digits` pads. */
export function hexNum(n: number, digits = 4): string {
  return `0x${n.toString(16).toUpperCase().padStart(digits, '0')}`;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const utf8Strict = new TextDecoder('utf-8', { fatal: true });

/** UTF-8 text; `valid` is false when the bytes are not well-formed UTF-8 (replacement characters used). */
export function text(bytes: Uint8Array): { text: string; valid: boolean } {
  try {
    return { text: utf8Strict.decode(bytes), valid: true };
  } catch {
    return { text: utf8.decode(bytes), valid: false };
  }
}

export function utf8Bytes(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}
