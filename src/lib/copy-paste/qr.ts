/**
 * A QR code for a description, drawn as one SVG path (see ./qr-path). The encoder (uqr) is
 * loaded only when a code is first needed.
 */
import { qrPath, qrViewSize } from './qr-path';

/** The most a QR code holds: version 40, error correction L, byte mode (ISO/IEC 18004 Table 7). */
export const QR_MAX_BYTES = 2953;

export type QrResult =
  | { ok: true; path: string; size: number; version: number; bytes: number }
  | { ok: false; bytes: number; reason: string };

type Encode = (text: string, opts: { ecc: 'L'; border: number }) => { version: number; data: boolean[][] };

export async function makeQr(text: string, load: () => Promise<{ encode: Encode }> = () => import('uqr')): Promise<QrResult> {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > QR_MAX_BYTES) {
    return { ok: false, bytes, reason: `${bytes} bytes is more than a QR code can hold (${QR_MAX_BYTES} bytes at version 40, error correction L)` };
  }
  try {
    const { encode } = await load();
    // Level L: the most room, and a screen-to-camera copy is clean. qrPath adds the quiet zone.
    const qr = encode(text, { ecc: 'L', border: 0 });
    return { ok: true, path: qrPath(qr.data), size: qrViewSize(qr.data), version: qr.version, bytes };
  } catch (err) {
    return { ok: false, bytes, reason: err instanceof Error ? err.message : String(err) };
  }
}
