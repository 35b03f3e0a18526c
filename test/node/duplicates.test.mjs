// Duplicated NUMICs: every row of one is rejected, naming the others' lines — found in a
// first pass whose memory is a fixed bitset, whatever the file's size.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuplicateFinder, LINES_NAMED } from '../../scripts/roll/duplicates.mjs';
import { REASONS } from '../../scripts/roll/reasons.mjs';

test('both rows of a duplicated NUMIC name each other; a single one is not a duplicate', () => {
  const finder = new DuplicateFinder();
  finder.add('00123457', 2);
  finder.add('00000001', 3);
  finder.add('00123457', 7);
  assert.equal(finder.rows, 2);
  assert.equal(finder.reason('00123457', 2), REASONS.duplicate([7], 0));
  assert.equal(finder.reason('00000001', 3), null);
  assert.equal(finder.reason('00123457', 7), REASONS.duplicate([2], 0));
  assert.equal(finder.reason('00123457', 2), 'NUMIC en double (aussi ligne 7) / duplicate NUMIC (also line 7)');
});

test('three rows: each names the two others', () => {
  const finder = new DuplicateFinder();
  for (const line of [4, 9, 12]) finder.add('99999999', line);
  finder.add('00000000', 13);
  assert.equal(finder.reason('99999999', 4), REASONS.duplicate([9, 12], 0));
  assert.equal(finder.reason('99999999', 9), REASONS.duplicate([4, 12], 0));
  assert.equal(finder.reason('99999999', 12), REASONS.duplicate([4, 9], 0));
  assert.equal(finder.reason('00000000', 13), null);
});

test('a NUMIC on many rows names the first lines and counts the others', () => {
  const finder = new DuplicateFinder();
  for (let line = 2; line < 2 + 50; line++) finder.add('00000042', line);
  const first = finder.reason('00000042', 2);
  assert.match(first, new RegExp(`\\(\\+${50 - 1 - LINES_NAMED}\\)`));
  assert.equal(
    finder.reason('00000042', 40),
    REASONS.duplicate([2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 50 - 1 - LINES_NAMED),
  );
});

test('the first pass holds one bit per possible NUMIC, 12.5 MB, and nothing per row', () => {
  const finder = new DuplicateFinder();
  assert.equal(finder.seen.byteLength, 12_500_000);
  for (let i = 0; i < 100_000; i++) finder.add(String(i * 997).padStart(8, '0'), i + 2);
  assert.equal(finder.duplicated.size, 0);
});
