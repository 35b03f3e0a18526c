// Memory does not grow with the roll: the same import over 5 000 and 50 000 rows (each in a
// process of its own) peaks at the same live heap. Retaining the rows would add ~15 MB at 50 000
// (measured at 100 000: peak RSS +43 MB when a client keeps what it is sent, +17 MB when not).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { HEADER, tempFile } from './helpers.mjs';

const run = promisify(execFile);
const probe = fileURLToPath(new URL('./memory-probe.mjs', import.meta.url));

function roll(n) {
  const rows = [];
  for (let i = 0; i < n; i++) {
    rows.push(
      `${10_000_000 + i},voter${i}@example.org,+3361${String(i).padStart(7, '0')},${(i % 11) + 1},fr,"Londres, RU",`,
    );
  }
  return tempFile(`${HEADER}\n${rows.join('\n')}\n`);
}

async function measure(file) {
  const { stdout } = await run(process.execPath, ['--expose-gc', probe, file]);
  return JSON.parse(stdout);
}

test('peak live heap of an import does not grow with the file (5 000 vs 50 000 rows)', async (t) => {
  const [small, large] = await Promise.all([measure(roll(5_000)), measure(roll(50_000))]);
  t.diagnostic(`5 000 rows: ${JSON.stringify(small)}`);
  t.diagnostic(`50 000 rows: ${JSON.stringify(large)}`);
  assert.equal(small.imported, 5_000);
  assert.equal(large.imported, 50_000);
  assert.ok(large.liveHeapMb - small.liveHeapMb < 3, `live heap ${small.liveHeapMb} → ${large.liveHeapMb} MB`);
});
