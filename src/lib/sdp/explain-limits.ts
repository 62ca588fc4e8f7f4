/**
 * How much text the "Explain any SDP" box (SdpPaste) takes (issue 14). A real offer is 1–20 KB
 * and a few hundred lines; 1.2 MB of pasted lines froze the page for 25 s and built 900k DOM
 * nodes. Text over either limit is refused with a reason and left in the box, never cut.
 */
import { count } from '../text/count';

/** Bytes of UTF-8, as a reader's file would count them. */
export const MAX_EXPLAIN_BYTES = 256 * 1024;
/** Lines, as sdpLines (parse.ts) splits them: \r\n, \n or \r, a final line ending starts none. */
export const MAX_EXPLAIN_LINES = 5000;

/** Line count as sdpLines sees it, by scanning (no array of lines is built). */
function lineCount(text: string): number {
  if (text.length === 0) return 0;
  let lines = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) lines++;
  }
  const last = text.charCodeAt(text.length - 1);
  return lines > 1 && (last === 10 || last === 13) ? lines - 1 : lines;
}

/** Why `text` is too big to explain, or null when it fits. */
export function explainRefusal(text: string): string | null {
  const bytes = new TextEncoder().encode(text).byteLength; // ~1 ms for 1 MB
  if (bytes > MAX_EXPLAIN_BYTES) {
    return `Too long to explain: ${count(bytes)} bytes, and the box explains up to ${MAX_EXPLAIN_BYTES / 1024} KB (a real SDP is 1–20 KB). Your text is still in the box.`;
  }
  const lines = lineCount(text);
  if (lines > MAX_EXPLAIN_LINES) {
    return `Too many lines to explain: ${count(lines)}, and the box explains up to ${count(MAX_EXPLAIN_LINES)} (a real SDP has a few hundred). Your text is still in the box.`;
  }
  return null;
}
