/**
 * Prints one closing line for CI, "Tests: N passed, N failed", adding up the workerd tests
 * (vitest's JSON report) and the browser tests (node's test runner summary).
 */
import { readFileSync } from 'node:fs';

const [vitestJson, e2eLog] = process.argv.slice(2);
const v = JSON.parse(readFileSync(vitestJson, 'utf8'));
const log = readFileSync(e2eLog, 'utf8');
const count = (label) => Number(new RegExp(`ℹ ${label} (\\d+)`).exec(log)?.[1] ?? 0);
const passed = v.numPassedTests + count('pass');
const failed = v.numFailedTests + count('fail');
const skipped = (v.numPendingTests ?? 0) + (v.numTodoTests ?? 0) + count('skipped');
console.log(
  `workerd: ${v.numPassedTests} passed, ${v.numFailedTests} failed; Chromium: ${count('pass')} passed, ${count('fail')} failed`,
);
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 ? 1 : 0);
