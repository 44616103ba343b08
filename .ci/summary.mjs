// Prints the closing "N passed, N failed" line from Vitest's JSON report. When the report is
// missing (typecheck or lint failed before Vitest ran), that failed step counts as one failure.
import { existsSync, readFileSync } from 'node:fs';

const [file, status] = process.argv.slice(2);
if (!existsSync(file)) {
  console.log(status === '0' ? '0 passed, 0 failed' : '0 passed, 1 failed');
  process.exit(0);
}
const report = JSON.parse(readFileSync(file, 'utf8'));
// A test file that failed to load has no failed tests of its own but failed the run all the same.
const brokenFiles = report.testResults.filter(
  (r) => r.status === 'failed' && !r.assertionResults.some((a) => a.status === 'failed'),
).length;
const passed = report.numPassedTests;
const failed = Math.max(report.numFailedTests + brokenFiles, status === '0' ? 0 : 1);
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
