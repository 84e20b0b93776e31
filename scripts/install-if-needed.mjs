// vercel.json's installCommand: `npm ci` unless node_modules already holds exactly what package-lock.json pins (npm's
// own record, node_modules/.package-lock.json), so a local `vercel build` inside a test run installs nothing and
// needs no registry, while a fresh Vercel checkout still gets a clean install.
import { execSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const read = (path) => JSON.parse(readFileSync(path, 'utf8')).packages ?? {};

function mismatch() {
  if (!existsSync('node_modules/.package-lock.json')) return 'node_modules has no .package-lock.json';
  const wanted = read('package-lock.json');
  const installed = read('node_modules/.package-lock.json');
  for (const [path, entry] of Object.entries(wanted)) {
    if (path === '' || entry.link) continue;
    const have = installed[path];
    // The lockfile lists optional packages for every platform; npm installs only this platform's.
    if (!have) {
      if (entry.optional || entry.devOptional) continue;
      return `${path} is missing`;
    }
    if (have.version !== entry.version) return `${path} is ${have.version}, the lockfile pins ${entry.version}`;
  }
  for (const path of Object.keys(installed)) if (!wanted[path]) return `${path} is not in the lockfile`;
  return null;
}

const reason = mismatch();
if (reason === null) {
  console.log('node_modules matches package-lock.json: nothing to install');
} else {
  console.log(`${reason}: running npm ci`);
  execSync('npm ci', { stdio: 'inherit' });
}
