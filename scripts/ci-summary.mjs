// Prints CI's plain summary line from vitest's JSON reports (CI does not read vitest's own summary) and sets the exit
// code: non-zero when any test, a typecheck/lint step, or a runner itself failed.
// A test that did not run because its file failed around it (a beforeAll/afterAll hook, an import) counts as failed,
// not skipped: "skipped" is only a test its file chose to skip.
// Usage: ci-summary.mjs <failed steps> <runner exit code>:<report.json> …
import { existsSync, readFileSync } from 'node:fs';

const [failedStepsArg = '0', ...runs] = process.argv.slice(2);
let passed = 0;
let failed = Number(failedStepsArg);
let skipped = 0;
for (const run of runs) {
  const [code, path] = run.split(/:(.*)/s);
  if (!path || !existsSync(path)) {
    failed += 1; // no report: the runner never got to its tests
    continue;
  }
  const report = JSON.parse(readFileSync(path, 'utf8'));
  let runFailed = 0;
  for (const file of report.testResults ?? []) {
    const fileFailed = file.status === 'failed';
    const tests = file.assertionResults ?? [];
    const counts = { passed: 0, failed: 0, other: 0 };
    for (const test of tests) {
      if (test.status === 'passed') counts.passed++;
      else if (test.status === 'failed') counts.failed++;
      else counts.other++;
    }
    passed += counts.passed;
    runFailed += counts.failed;
    if (fileFailed) {
      runFailed += counts.other; // never ran: its hook or its file failed
      if (counts.failed === 0 && counts.other === 0) runFailed += 1; // the file failed outside any test (e.g. afterAll)
    } else {
      skipped += counts.other;
    }
  }
  // A runner that failed with nothing counted above (a setup or teardown error) still counts as a failure.
  failed += runFailed > 0 ? runFailed : Number(code) !== 0 ? 1 : 0;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
