/** Copy to the clipboard, for every lab's Copy buttons (browser only). */

/** Said when the browser refuses the clipboard. */
export const COPY_FAILED = 'Copy failed: select the text and copy it by hand.';

/** Writes `text` to the clipboard: null once copied, else the name of the browser's refusal. */
export async function writeClipboard(text: string): Promise<string | null> {
  try {
    await navigator.clipboard.writeText(text);
    return null;
  } catch (err) {
    return err instanceof Error ? err.name : 'refused';
  }
}

/** Copies `text` and says how it went through `say` ("<what> to the clipboard."); true once copied. */
export async function copyAndSay(text: string, say: (message: string) => void, what = 'Copied'): Promise<boolean> {
  const refused = await writeClipboard(text);
  say(refused === null ? `${what} to the clipboard.` : COPY_FAILED);
  return refused === null;
}
