/**
 * Lazy syntax highlighting for SDP and JSON in the browser. Nothing loads until the first
 * call; after that the highlighter is cached. Output is Shiki HTML: all input text is
 * escaped, and each colour is inline as light-dark(light, dark), which follows the page's
 * color-scheme (global.css).
 */
import type { HighlighterCore, LanguageRegistration } from 'shiki/core';

export type HighlightLang = 'sdp' | 'json';

// The -default variants keep every token colour at AA contrast on --code-bg.
export const THEMES = { light: 'github-light-default', dark: 'github-dark-default' } as const;

let highlighter: Promise<HighlighterCore> | undefined;

function load(): Promise<HighlighterCore> {
  highlighter ??= (async () => {
    const [{ createHighlighterCore }, { createJavaScriptRegexEngine }] = await Promise.all([
      import('shiki/core'),
      import('shiki/engine/javascript'),
    ]);
    return createHighlighterCore({
      engine: createJavaScriptRegexEngine(),
      langs: [
        import('./sdp.tmLanguage.json').then((m) => m.default as unknown as LanguageRegistration),
        import('shiki/langs/json.mjs'),
      ],
      themes: [import('shiki/themes/github-light-default.mjs'), import('shiki/themes/github-dark-default.mjs')],
    });
  })();
  // A failed load (e.g. offline chunk) may be retried on the next call.
  highlighter.catch(() => {
    highlighter = undefined;
  });
  return highlighter;
}

/** Highlight `code` as SDP or JSON; returns a `<pre class="shiki …">` HTML string. */
export async function highlight(code: string, lang: HighlightLang): Promise<string> {
  const h = await load();
  return h.codeToHtml(code, { lang, themes: THEMES, defaultColor: 'light-dark()' });
}
