/**
 * Decodes one MQTT control packet with mqtt-packet, the parser mqtt.js itself uses.
 * Never throws: a packet mqtt-packet rejects or cannot finish comes back as an error string.
 */
import { parser as createParser, type Packet } from 'mqtt-packet';
import type { ProtocolLevel } from './fields';

export type DecodeResult = { packet: Packet; error: null } | { packet: null; error: string };

/**
 * `protocolVersion` matters for every packet but CONNECT, which carries its own level
 * (§3.1.2.2): MQTT 5 packets have properties and reason codes where 3.1.1 has none.
 */
export function decodePacket(bytes: Uint8Array, protocolVersion: ProtocolLevel = 4): DecodeResult {
  let packet: Packet | null = null;
  let error: string | null = null;
  try {
    const p = createParser({ protocolVersion });
    p.on('packet', (decoded: Packet) => {
      packet ??= decoded;
    });
    p.on('error', (err: Error) => {
      // Only the first packet counts; errors in bytes after it are reported by the annotator.
      if (!packet) error ??= err.message;
    });
    // mqtt-packet wants a Buffer; its BufferList wraps any typed array view without copying.
    p.parse(bytes as unknown as Parameters<typeof p.parse>[0]);
  } catch (err) {
    if (!packet) error ??= err instanceof Error ? err.message : String(err);
  }
  if (packet) return { packet, error: null };
  return { packet: null, error: error ?? 'incomplete packet: fewer bytes than its remaining length says' };
}
