/**
 * How deeply a JSON text nests, found by a linear scan before JSON.parse. A signal is a flat
 * object, so a payload of 60 000 nested arrays is hostile: V8 parses it, but anything that
 * later walks it recursively (JSON.stringify, a pretty printer) throws RangeError.
 * Brackets inside strings do not count; the text need not be valid JSON.
 */
export function jsonDepthOver(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > limit) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return false;
}
