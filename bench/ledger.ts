// npm run bench:ledger: runs the ledger's model-based tests alone (a fresh seed each run unless LEDGER_SEED is set;
// LEDGER_RUNS, LEDGER_CONCURRENT_RUNS and LEDGER_FULL_RUNS size them) and prints how long they took. No assertion on
// the time: the figures are for reading.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

const started = process.hrtime.bigint();
const run = spawnSync('npx', ['vitest', 'run', 'tests/model'], { stdio: 'inherit', env: process.env });
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
const file = '.local/figures/adversarial+ledger.json';
const figures = (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { figures?: Record<string, number | string> }).figures : undefined) ?? {};
const sequences = Number(figures.ledger_sequences ?? 0);
const steps = Number(figures.ledger_steps ?? 0);
console.log(
  `bench:ledger: ${sequences} sequences, ${steps} steps, db=${String(figures.db ?? '?')}, ${seconds.toFixed(1)} s in all ` +
    `(stack start included), ${sequences ? ((seconds * 1000) / sequences).toFixed(1) : '–'} ms/sequence, ` +
    `${steps ? ((seconds * 1000) / steps).toFixed(2) : '–'} ms/step`,
);
process.exit(run.status ?? 1);
