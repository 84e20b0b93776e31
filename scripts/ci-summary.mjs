// Prints CI's plain summary line from vitest's JSON report (CI does not read vitest's own summary) and sets the
// exit code: non-zero when any test, a typecheck/lint step, or the runner itself failed.
import { existsSync, readFileSync } from 'node:fs';

const [reportPath, failedStepsArg = '0', runnerCodeArg = '0'] = process.argv.slice(2);
const failedSteps = Number(failedStepsArg);
let passed = 0;
let failed = 0;
let skipped = 0;
if (reportPath && existsSync(reportPath)) {
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  passed = report.numPassedTests ?? 0;
  failed = report.numFailedTests ?? 0;
  skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
} else {
  failed = 1; // no report means the runner never got to the tests
}
// A runner that failed outside any test (a suite that did not load, a setup error) still counts as a failure.
if (Number(runnerCodeArg) !== 0 && failed === 0) failed = 1;
failed += failedSteps;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
