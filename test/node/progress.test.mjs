// Progress on stderr without a terminal: one line every few seconds with the rate and the time
// left, and the last one; never a line per row.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, progressReporter } from '../../scripts/roll/progress.mjs';

test('without a terminal: a line every 5 s, with rate and time left, and the final one', () => {
  let written = '';
  let clock = 1_000_000;
  const stream = { write: (s) => (written += s) };
  const progress = progressReporter({ stream, tty: false, now: () => clock });
  progress.update({ phase: 'send', done: 0, total: 10_000 });
  for (let done = 100; done < 10_000; done += 100) {
    clock += 100; // 1 000 rows/s
    progress.update({ phase: 'send', done, total: 10_000 });
  }
  clock += 100;
  progress.update({ phase: 'send', done: 10_000, total: 10_000 });
  const lines = written.trim().split('\n');
  assert.deepEqual(lines.slice(0, 2), [
    'roll : 5000/10000 lignes, 1000 lignes/s, reste 5 s',
    '  roll: 5000/10000 rows, 1000 rows/s, 5 s left',
  ]);
  assert.equal(lines.length, 4);
  assert.equal(lines[2], 'roll : 10000/10000 lignes, 1000 lignes/s, reste 0 s');
});

test('durations read as an operator would say them', () => {
  assert.equal(formatDuration(42.4), '42 s');
  assert.equal(formatDuration(75), '1 min 15 s');
  assert.equal(formatDuration(3 * 3600 + 120), '3 h 2 min');
  assert.equal(formatDuration(Infinity), '?');
});
