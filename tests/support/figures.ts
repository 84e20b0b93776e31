// A suite's figures for the run's summary line: `recordFigures('name', figures)` at the top of a test file writes
// .local/figures/<name>.json as "not finished" at once, and with the figures only once every test of the file has
// run (a failing beforeAll leaves it "not run"). The global setup clears the folder at the start of each run.
// A suite named `<line>+<part>` adds its figures to the line of suite `<line>` (the ledger model's to `adversarial:`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { afterAll, type RunnerTask } from 'vitest';
import { figuresDir } from './figures-path';

function everyTestRan(task: RunnerTask): boolean {
  if ('tasks' in task) return task.tasks.every(everyTestRan);
  return task.result?.state === 'pass' || task.result?.state === 'fail';
}

type Figures = Record<string, number | string>;

/** `figures` may be a function, read when the suite ends (for counts kept elsewhere, such as a leak check's). */
export function recordFigures(suite: string, figures: Figures | (() => Figures)): void {
  mkdirSync(figuresDir, { recursive: true });
  const write = (finished: boolean) =>
    writeFileSync(`${figuresDir}/${suite}.json`, JSON.stringify(finished ? { finished, figures: typeof figures === 'function' ? figures() : figures } : { finished }));
  write(false);
  // vitest hands the suite as the second argument and insists the first be a destructuring pattern.
  afterAll(({}, file) => write(everyTestRan(file)));
}
