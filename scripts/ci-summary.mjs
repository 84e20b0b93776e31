// Prints CI's plain summary line from vitest's JSON reports (CI does not read vitest's own summary) and sets the exit
// code: non-zero when any test, a typecheck/lint step, or a runner itself failed.
// Usage: ci-summary.mjs <failed steps> <runner exit code>:<report.json> …
import { existsSync, readFileSync } from 'node:fs';

const [failedStepsArg = '0', ...runs] = process.argv.slice(2);
let passed = 0;
let failed = Number(failedStepsArg);
let skipped = 0;
for (const run of runs) {
  const [code, path] = run.split(/:(.*)/s);
  if (path && existsSync(path)) {
    const report = JSON.parse(readFileSync(path, 'utf8'));
    passed += report.numPassedTests ?? 0;
    const runFailed = report.numFailedTests ?? 0;
    // A runner that failed outside any test (a suite that did not load, a setup error) still counts as a failure.
    failed += runFailed > 0 ? runFailed : Number(code) !== 0 ? 1 : 0;
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  } else {
    failed += 1; // no report: the runner never got to its tests
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
