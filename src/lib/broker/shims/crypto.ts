/**
 * `crypto.randomUUID` for aedes (broker and client ids). The Web Crypto randomUUID exists
 * only in secure contexts (https, localhost); a page on plain http (e.g. a LAN address)
 * falls back to an RFC 9562 version 4 UUID from getRandomValues, which is always available.
 */
export function randomUUID(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40; // version 4
  b[8] = (b[8]! & 0x3f) | 0x80; // variant 10
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export default { randomUUID };
