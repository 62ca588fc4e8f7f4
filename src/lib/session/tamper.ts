/**
 * The reader's edits of held messages: what the editor shows, how the edited text becomes a
 * payload again, which edits are refused, and which lines changed. Pure functions.
 *
 * An edit is checked like anything from the broker (LabSession.edit runs decodeSignal
 * first); on top of that it must keep the message's kind, and an offer's or answer's SDP
 * must still be lines of `<type>=<value>` (RFC 8866 §5). A well-formed SDP that says
 * something wrong (a changed fingerprint) passes: the peers' reaction is the lesson.
 */
import type { SignalKind, WireSignal } from '../signalling/types';

/** Offers and answers are edited as SDP text; every other kind as its JSON payload. */
export type EditMode = 'sdp' | 'json';

export function editModeOf(kind: SignalKind): EditMode {
  return kind === 'offer' || kind === 'answer' ? 'sdp' : 'json';
}

function sdpOf(payload: string): string | null {
  try {
    const value: unknown = JSON.parse(payload);
    const sdp = typeof value === 'object' && value !== null ? (value as { sdp?: unknown }).sdp : undefined;
    return typeof sdp === 'string' ? sdp : null;
  } catch {
    return null;
  }
}

/** The text the editor starts with: the SDP with plain newlines, or the JSON pretty-printed. */
export function editableText(kind: SignalKind, payload: string): string {
  if (editModeOf(kind) === 'sdp') {
    const sdp = sdpOf(payload);
    if (sdp !== null) return sdp.replace(/\r\n/g, '\n');
  }
  try {
    return JSON.stringify(JSON.parse(payload), null, 2);
  } catch {
    return payload;
  }
}

/**
 * The payload to deliver for the editor's text. SDP goes back into the original JSON with
 * CRLF line ends (RFC 8866 §5; a textarea only knows \n). JSON is compacted when it parses,
 * and passed on as typed when it does not, so the decoder can say what is wrong with it.
 */
export function payloadFromEdit(kind: SignalKind, originalPayload: string, text: string): string {
  if (editModeOf(kind) === 'sdp') {
    try {
      const value = JSON.parse(originalPayload) as Record<string, unknown>;
      return JSON.stringify({ ...value, sdp: text.replace(/\r?\n/g, '\r\n') });
    } catch {
      return text;
    }
  }
  try {
    return JSON.stringify(JSON.parse(text));
  } catch {
    return text;
  }
}

/** RFC 8866 §5: `<type>=<value>`, type one lowercase letter; the first line is v=0. */
const SDP_LINE = /^[a-z]=\S/;

/** Why this SDP text is not well-formed, naming the first bad line; null when it is. */
export function sdpLineError(sdp: string): string | null {
  const lines = sdp.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  if (lines[0] !== 'v=0') return 'SDP line 1 must be "v=0" (RFC 8866 §5.1)';
  for (const [k, line] of lines.entries()) {
    if (!SDP_LINE.test(line)) {
      const shown = line.length > 40 ? `${line.slice(0, 39)}…` : line;
      return `SDP line ${k + 1} "${shown}" is not <type>=<value> (RFC 8866 §5)`;
    }
  }
  return null;
}

/** Why an edit that decoded fine is still refused; null when it may be delivered. */
export function checkEdit(original: WireSignal, edited: WireSignal): string | null {
  if (edited.kind !== original.kind) return `an edit keeps the kind: this is ${article(original.kind)} ${original.kind}, not ${article(edited.kind)} ${edited.kind}`;
  if ((edited.kind === 'offer' || edited.kind === 'answer') && 'sdp' in edited) return sdpLineError(edited.sdp);
  return null;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

/** 0-based indexes of the lines of `after` that differ from the same line of `before`. */
export function changedLines(before: string, after: string): Set<number> {
  const a = before.split(/\r?\n/);
  const b = after.split(/\r?\n/);
  const out = new Set<number>();
  b.forEach((line, k) => {
    if (line !== a[k]) out.add(k);
  });
  return out;
}

/**
 * The "edit the fingerprint" experiment: flips the first hex digit of the first
 * a=fingerprint (RFC 8122 §5). The SDP stays well-formed; the certificate no longer matches,
 * so the DTLS handshake fails (RFC 8827 §6.5). Unchanged when there is no fingerprint.
 */
export function tamperFingerprint(sdp: string): string {
  return sdp.replace(/^(a=fingerprint:\S+ )([0-9A-Fa-f])/m, (_m, head: string, digit: string) => {
    const flipped = (parseInt(digit, 16) ^ 0x8).toString(16);
    return head + (digit === digit.toUpperCase() ? flipped.toUpperCase() : flipped);
  });
}
