// The header search, loaded on first focus (see Search.astro). Talks to pagefind's browser API
// (dist/pagefind/pagefind.js, written by `pagefind --site dist` after `astro build`) and renders
// the results as a plain list of links: no combobox, so Tab, arrows and a screen reader's
// own list navigation all just work.

/** The part of pagefind's browser API used here (pagefind.js ships no types for it). */
interface Pagefind {
  options(opts: { baseUrl?: string; excerptLength?: number }): Promise<void>;
  init(): Promise<void>;
  debouncedSearch(term: string, opts?: object, ms?: number): Promise<{ results: PagefindResult[] } | null>;
}
interface PagefindResult {
  id: string;
  data(): Promise<PagefindData>;
}
interface PagefindSub {
  title: string;
  url: string;
  excerpt: string;
}
interface PagefindData {
  url: string;
  excerpt: string;
  meta: { title?: string };
  sub_results?: PagefindSub[];
}

const MAX_RESULTS = 8;
const MAX_SECTIONS = 3;

let pagefind: Promise<Pagefind> | undefined;

function loadPagefind(url: string): Promise<Pagefind> {
  pagefind ??= (async () => {
    const pf = (await import(/* @vite-ignore */ url)) as Pagefind;
    await pf.options({ baseUrl: import.meta.env.BASE_URL, excerptLength: 18 });
    await pf.init();
    return pf;
  })();
  return pagefind;
}

/**
 * Pagefind's excerpts are escaped text with <mark> around the hits. Copy only text and <mark>
 * into the page, so nothing else can ever become markup.
 */
function excerptNodes(html: string): Node[] {
  const tpl = document.createElement('template');
  tpl.innerHTML = html;
  const out: Node[] = [];
  for (const node of Array.from(tpl.content.childNodes)) {
    if (node.nodeName === 'MARK') {
      const mark = document.createElement('mark');
      mark.textContent = node.textContent;
      out.push(mark);
    } else {
      out.push(document.createTextNode(node.textContent ?? ''));
    }
  }
  return out;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function renderResult(d: PagefindData): HTMLLIElement {
  const li = el('li', 'search-result');
  const a = el('a', 'search-hit', d.meta.title ?? d.url);
  a.href = d.url;
  li.append(a);
  const pageUrl = d.url.split('#')[0];
  const sections = (d.sub_results ?? []).filter((s) => s.url.split('#')[0] === pageUrl && s.url !== pageUrl).slice(0, MAX_SECTIONS);
  // The page's best excerpt, unless a section below already shows the same words.
  if (!sections.some((s) => s.excerpt === d.excerpt)) {
    const excerpt = el('p', 'search-excerpt');
    excerpt.append(...excerptNodes(d.excerpt));
    li.append(excerpt);
  }
  if (sections.length > 0) {
    const ul = el('ul', 'search-sections');
    ul.setAttribute('aria-label', `Sections of ${d.meta.title ?? 'this page'}`);
    for (const s of sections) {
      const sli = el('li');
      const sa = el('a', 'search-hit', s.title);
      sa.href = s.url;
      const sx = el('p', 'search-excerpt');
      sx.append(...excerptNodes(s.excerpt));
      sli.append(sa, sx);
      ul.append(sli);
    }
    li.append(ul);
  }
  return li;
}

export function mountSearch(root: HTMLElement, input: HTMLInputElement): void {
  const form = root.querySelector<HTMLFormElement>('[data-search-form]')!;
  const panel = root.querySelector<HTMLElement>('.search-panel')!;
  const status = root.querySelector<HTMLElement>('[data-search-status]')!;
  const live = root.querySelector<HTMLElement>('[data-search-live]')!;
  const list = root.querySelector<HTMLUListElement>('[data-search-results]')!;
  const url = root.dataset.pagefind!;
  let seq = 0;

  const links = () => Array.from(list.querySelectorAll<HTMLAnchorElement>('a.search-hit'));
  const open = (show: boolean) => {
    panel.hidden = !show;
  };
  const say = (text: string) => {
    status.textContent = text;
    live.textContent = text;
  };

  async function run(): Promise<void> {
    const term = input.value.trim();
    const mine = ++seq;
    if (term === '') {
      list.replaceChildren();
      say('');
      open(false);
      return;
    }
    open(true);
    let pf: Pagefind;
    try {
      pf = await loadPagefind(url);
    } catch {
      if (mine !== seq) return;
      list.replaceChildren();
      say(
        import.meta.env.DEV
          ? 'Search works in the built site: npm run build, then npm run preview.'
          : 'Search could not load. Reload the page to try again.',
      );
      return;
    }
    const found = await pf.debouncedSearch(term, {}, 120);
    if (found === null || mine !== seq) return; // a newer keystroke took over
    const data = await Promise.all(found.results.slice(0, MAX_RESULTS).map((r) => r.data()));
    if (mine !== seq) return;
    list.replaceChildren(...data.map(renderResult));
    const n = found.results.length;
    say(n === 0 ? `No chapters match “${term}”.` : `${n} ${n === 1 ? 'page matches' : 'pages match'} “${term}”.`);
  }

  input.addEventListener('input', () => void run());
  input.addEventListener('focus', () => {
    if (input.value.trim() !== '' && list.childElementCount > 0) open(true);
  });
  // Enter opens the first result.
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const first = links()[0];
    if (first) first.click();
  });

  root.addEventListener('keydown', (e) => {
    const all = links();
    const i = all.indexOf(document.activeElement as HTMLAnchorElement);
    if (e.key === 'Escape' && !panel.hidden) {
      e.preventDefault();
      open(false);
      input.focus();
    } else if (e.key === 'ArrowDown' && all.length > 0 && !panel.hidden) {
      e.preventDefault();
      all[Math.min(i + 1, all.length - 1)]!.focus();
    } else if (e.key === 'ArrowUp' && i >= 0) {
      e.preventDefault();
      if (i === 0) input.focus();
      else all[i - 1]!.focus();
    }
  });
  // Close when focus or a click goes elsewhere.
  root.addEventListener('focusout', (e) => {
    const next = e.relatedTarget as Node | null;
    if (next && !root.contains(next)) open(false);
  });
  document.addEventListener('pointerdown', (e) => {
    if (!root.contains(e.target as Node)) open(false);
  });

  // Start fetching the index now, and catch up with anything typed while this file loaded.
  void loadPagefind(url).catch(() => undefined);
  if (input.value.trim() !== '') void run();
}
