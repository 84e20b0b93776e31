// Prints the figures each suite recorded this run (.local/figures/<suite>.json, written by tests/support/figures.ts
// and cleared by the global setup): every key a suite recorded, or `not run` for a suite that did not run to its end.
// A file named `<suite>+<part>.json` adds its figures to `<suite>`'s line (e.g. the ledger model's to `adversarial:`).
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const dir = '.local/figures';
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
const lines = new Map();
for (const file of files) {
  const name = file.slice(0, -'.json'.length);
  const suite = name.split('+')[0];
  const { finished, figures } = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8'));
  const values = finished ? Object.entries(figures).map(([key, value]) => `${key}=${value}`).join(' ') : name === suite ? 'not run' : `${name.slice(suite.length + 1)}=not-run`;
  lines.set(suite, [...(lines.get(suite) ?? []), { main: name === suite, values }]);
}
for (const [suite, parts] of lines) {
  const ordered = [...parts.filter((p) => p.main), ...parts.filter((p) => !p.main)];
  console.log(`${suite}: ${ordered.map((p) => p.values).join(' ')}`);
}
