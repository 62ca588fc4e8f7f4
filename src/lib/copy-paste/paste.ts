/**
 * Copy-paste signalling: there is no server, so one side's whole description (vanilla ICE:
 * every candidate inside) travels as text, by clipboard or QR code, and the other side pastes
 * it. Pasted text is untrusted: it is checked before it reaches setRemoteDescription, and
 * every problem is named.
 *
 * Accepted forms: the SDP itself (`v=0…`), or the JSON of an RTCSessionDescriptionInit
 * (`{"type":"offer","sdp":"v=0…"}`), which is what the copy button produces.
 */
import { parseSdp, sdpLines, type ParsedSdp } from '../sdp/parse';
import { MAX_PASTE_BYTES } from '../signalling/paste-limits';

export type PasteResult =
  | { ok: true; description: { type: 'offer' | 'answer'; sdp: string }; candidates: number; warnings: string[] }
  | { ok: false; reason: string };

/** The text the copy button puts on the clipboard. */
export function copyText(description: { type: string; sdp: string }): string {
  return JSON.stringify({ type: description.type, sdp: description.sdp });
}

function fail(reason: string): PasteResult {
  return { ok: false, reason };
}

function tooLong(chars: number): PasteResult {
  return fail(`the text is ${chars} characters, over the ${MAX_PASTE_BYTES} limit for a description`);
}

function attrCount(parsed: ParsedSdp, name: string): number {
  return parsed.lines.filter((l) => l.type === 'a' && l.name === name).length;
}

export function readPastedDescription(text: string, expected: 'offer' | 'answer'): PasteResult {
  if (typeof text !== 'string') return fail('nothing was pasted');
  const trimmed = text.trim();
  if (trimmed === '') return fail('nothing was pasted');
  if (trimmed.length > MAX_PASTE_BYTES) return tooLong(trimmed.length);

  let sdp = trimmed;
  let type: string = expected;
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      return fail('it starts like JSON but is not valid JSON (was it cut off while copying?)');
    }
    const obj = json as { type?: unknown; sdp?: unknown };
    if (typeof obj !== 'object' || obj === null || typeof obj.sdp !== 'string') return fail('the JSON has no "sdp" text');
    if (obj.type !== 'offer' && obj.type !== 'answer') return fail('"type" must be "offer" or "answer"');
    type = obj.type;
    sdp = obj.sdp.trim();
  }
  if (type !== expected) {
    return fail(`this is an ${type}, but an ${expected} is expected here (${expected === 'offer' ? 'paste the other side\'s offer first' : 'paste the answer the other side made from your offer'})`);
  }
  if (!sdp.startsWith('v=0')) return fail('SDP starts with the line "v=0"; this text does not (RFC 8866 §5.1)');

  // RFC 8866 §5: lines end in CRLF. Copying through chat apps often leaves bare LF.
  const normalised = `${sdpLines(sdp).join('\r\n')}\r\n`;
  // CRs added to bare LFs can take text at the limit over it.
  if (normalised.length > MAX_PASTE_BYTES) return tooLong(normalised.length);
  const parsed = parseSdp(normalised);
  if (parsed.errors.length > 0) return fail(parsed.errors[0]!);
  if (parsed.sections.length < 2) return fail('there is no m= line: the description offers nothing to connect (RFC 8866 §5.14)');
  if (attrCount(parsed, 'ice-ufrag') === 0 || attrCount(parsed, 'ice-pwd') === 0) return fail('a=ice-ufrag or a=ice-pwd is missing, so ICE cannot check a path (RFC 8839 §5.4)');
  if (attrCount(parsed, 'fingerprint') === 0) return fail('a=fingerprint is missing, so DTLS cannot check who is at the other end (RFC 8122 §5)');

  // Bare SDP has no type, so an offer pasted into the answer box gets this far. An answer must
  // pick active or passive (RFC 8842 §5.3); Chromium refuses actpass, and its connection then
  // refuses every later description too, so catch it here.
  if (expected === 'answer' && parsed.lines.some((l) => l.type === 'a' && l.name === 'setup' && l.value === 'actpass')) {
    return fail('it says a=setup:actpass, which only an offer says: this is an offer, not the answer (RFC 8842 §5.3)');
  }

  const candidates = attrCount(parsed, 'candidate');
  const warnings: string[] = [];
  if (candidates === 0) {
    warnings.push('no a=candidate lines: it was copied before gathering finished, so this side has no address to try. Copy it again once gathering is complete.');
  }
  return { ok: true, description: { type: expected, sdp: normalised }, candidates, warnings };
}
