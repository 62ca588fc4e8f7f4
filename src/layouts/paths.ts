// Internal links honour the base path (BASE_PATH, e.g. /webrtc-lab/) and trailingSlash: 'always'.
const base = import.meta.env.BASE_URL.endsWith('/')
  ? import.meta.env.BASE_URL
  : `${import.meta.env.BASE_URL}/`;

/** href('signalling') -> '/webrtc-lab/signalling/'; href('') -> '/webrtc-lab/'. */
export function href(path = ''): string {
  const clean = path.replace(/^\/+/, '');
  if (clean === '') return base;
  // Files (favicon.svg) keep their name; pages get the trailing slash, before any ?query or #hash.
  const [beforeHash, hash = ''] = clean.split('#');
  const q = beforeHash.indexOf('?');
  const pathPart = q === -1 ? beforeHash : beforeHash.slice(0, q);
  const query = q === -1 ? '' : beforeHash.slice(q);
  const isFile = /\.[a-z0-9]+$/i.test(pathPart);
  const withSlash = isFile || pathPart === '' || pathPart.endsWith('/') ? pathPart : `${pathPart}/`;
  return `${base}${withSlash}${query}${hash ? `#${hash}` : ''}`;
}

/** True when `pathname` is the page at `path` (for aria-current). */
export function isCurrent(pathname: string, path: string): boolean {
  const norm = (p: string) => (p.endsWith('/') ? p : `${p}/`);
  return norm(pathname) === norm(href(path).split('#')[0]);
}
