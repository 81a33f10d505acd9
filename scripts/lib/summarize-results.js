// Prints one closing line over every runner's results: "N passed, N failed,
// N skipped", and exits non-zero when anything failed. A flaky e2e test (one
// that passed only on a retry) counts as failed and is named: a retry that
// hides a failure is still a failure.
const fs = require('node:fs');

/** Playwright's JSON report nests specs in suites; yields every test with its title. */
function* playwrightTests(suites, titles = []) {
  for (const suite of suites ?? []) {
    const path = suite.title ? [...titles, suite.title] : titles;
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        yield { title: [...path, spec.title].join(' › '), status: test.status };
      }
    }
    yield* playwrightTests(suite.suites, path);
  }
}

function summarize(files) {
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const notes = [];
  for (const file of files) {
    if (!fs.existsSync(file)) {
      notes.push(`summary: ${file} is missing: that runner did not finish`);
      totals.failed += 1;
      continue;
    }
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (report.numPassedTests !== undefined) {
      // jest --json
      totals.passed += report.numPassedTests;
      totals.failed +=
        report.numFailedTests + (report.numRuntimeErrorTestSuites ?? 0);
      totals.skipped += report.numPendingTests;
    } else if (report.stats) {
      // playwright json reporter
      totals.passed += report.stats.expected;
      totals.failed += report.stats.unexpected + (report.stats.flaky ?? 0);
      totals.skipped += report.stats.skipped;
      for (const test of playwrightTests(report.suites)) {
        if (test.status === 'flaky') {
          notes.push(
            `summary: flaky (failed, then passed on a retry): ${test.title}`,
          );
        }
      }
    } else {
      notes.push(`summary: ${file} is neither a jest nor a playwright report`);
      totals.failed += 1;
    }
  }
  return { ...totals, notes };
}

function closingLine({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed, ${skipped} skipped`;
}

if (require.main === module) {
  const summary = summarize(process.argv.slice(2));
  for (const note of summary.notes) console.log(note);
  console.log(closingLine(summary));
  process.exitCode = summary.failed > 0 ? 1 : 0;
}

module.exports = { summarize, closingLine };
