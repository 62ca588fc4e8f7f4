// Drops optionalDependencies whose package the lockfile has no entry for.
// The registry here answers 404 for other platforms' binaries (e.g. @pagefind/darwin-arm64),
// and `npm ci` then fails with "Missing: … from lock file" (see TOOLCHAIN.md).
import { readFileSync, writeFileSync } from 'node:fs';

const file = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages ?? {};
let removed = 0;

function resolves(fromPath, name) {
  // Node resolution: walk up the node_modules chain from the dependent package.
  let dir = fromPath;
  for (;;) {
    const candidate = (dir ? `${dir}/` : '') + `node_modules/${name}`;
    if (packages[candidate]) return true;
    if (!dir) return false;
    const idx = dir.lastIndexOf('/node_modules/');
    dir = idx === -1 ? '' : dir.slice(0, idx);
  }
}

for (const [path, entry] of Object.entries(packages)) {
  const optional = entry.optionalDependencies;
  if (!optional) continue;
  for (const name of Object.keys(optional)) {
    if (!resolves(path, name)) {
      delete optional[name];
      removed++;
    }
  }
  if (Object.keys(optional).length === 0) delete entry.optionalDependencies;
}

writeFileSync(file, JSON.stringify(lock, null, 2) + '\n');
console.log(`fix-lock: removed ${removed} unresolvable optional dependencies`);
