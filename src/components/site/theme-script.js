(() => {
  const KEY = 'theme';
  const root = document.documentElement;
  const dark = matchMedia('(prefers-color-scheme: dark)');
  const stored = () => {
    try {
      const v = localStorage.getItem(KEY);
      return v === 'light' || v === 'dark' ? v : 'system';
    } catch {
      return 'system';
    }
  };
  const system = () => (dark.matches ? 'dark' : 'light');
  const apply = (choice) => {
    const theme = choice === 'system' ? system() : choice;
    if (root.dataset.theme === theme && root.dataset.themeChoice === choice) return;
    root.dataset.theme = theme;
    root.dataset.themeChoice = choice;
    for (const m of document.querySelectorAll('meta[name="theme-color"]')) {
      m.content = theme === 'dark' ? '#161b22' : '#f6f8fa';
    }
    dispatchEvent(new CustomEvent('themechange', { detail: { theme, choice } }));
  };
  // In memory too, so the toggle still works where storage is blocked.
  let current = stored();
  apply(current);
  dark.addEventListener('change', () => apply(current));
  addEventListener('storage', (e) => e.key === KEY && apply((current = stored())));
  // The toggle cycles system → the other theme → the system's theme → system, so every
  // press but the last visibly changes something.
  document.addEventListener('click', (e) => {
    if (!(e.target instanceof Element) || !e.target.closest('[data-theme-toggle]')) return;
    const sys = system();
    const other = sys === 'dark' ? 'light' : 'dark';
    const next = current === 'system' ? other : current === other ? sys : 'system';
    try {
      if (next === 'system') localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, next);
    } catch {}
    apply((current = next));
  });
})();
