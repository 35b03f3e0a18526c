/**
 * Run by memory.test.mjs in a process of its own (`--expose-gc`): imports the roll given as
 * argument with a client that takes every row at once, and prints the process's peak RSS and
 * its peak live heap — the heap after a full collection, sampled every 20 000 rows — which is
 * what would grow if anything kept rows, records or requests.
 */
import { importRoll } from '../../scripts/roll/import.mjs';

const client = {
  post: async (_path, body) => ({ imported: body.rows.length, updated: 0, unchanged: 0, rejected: [] }),
};
let liveHeap = 0;
let nextSample = 0;
const sample = () => {
  globalThis.gc();
  liveHeap = Math.max(liveHeap, process.memoryUsage().heapUsed);
};
const started = performance.now();
const summary = await importRoll({
  file: process.argv[2],
  client,
  onProgress: ({ phase, done }) => {
    if (phase === 'send' && done >= nextSample) {
      nextSample = done + 20_000;
      sample();
    }
  },
});
sample();
process.stdout.write(
  `${JSON.stringify({
    imported: summary.imported,
    maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    liveHeapMb: Math.round(liveHeap / 1e5) / 10,
    ms: Math.round(performance.now() - started),
  })}\n`,
);
