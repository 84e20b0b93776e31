// Prints the figures each suite recorded this run (.local/figures/<suite>.json, written by tests/support/figures.ts
// and cleared by the global setup): every key a suite recorded, or `not run` for a suite that did not run to its end.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const dir = '.local/figures';
const suites = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
for (const file of suites) {
  const { finished, figures } = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8'));
  const values = finished ? Object.entries(figures).map(([key, value]) => `${key}=${value}`).join(' ') : 'not run';
  console.log(`${file.slice(0, -'.json'.length)}: ${values}`);
}
