// Reading the roll CSV: every record with the physical line it starts on, whatever the file's
// delimiter, BOM, line endings and quoting; a bad record held back with its line while the
// rest goes on; chunk boundaries change nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectHead } from '../../scripts/roll/records.mjs';
import { records, tempFile } from './helpers.mjs';

const good = (list) => list.filter((r) => r.fields).map((r) => [r.line, r.fields]);
const problems = (list) => list.filter((r) => r.problem).map((r) => [r.line, r.problem]);

test('a UTF-8 BOM is skipped and the delimiter read from the header: `;` or `,`', async () => {
  const semi = tempFile('\ufeffnumic;email;"phone"\r\n1;a@example.org;"+33 6, 12"\r\n');
  assert.deepEqual(await inspectHead(semi), { delimiter: ';', start: 3 });
  assert.deepEqual(good(await records(semi)), [
    [1, ['numic', 'email', 'phone']],
    [2, ['1', 'a@example.org', '+33 6, 12']],
  ]);
  const comma = tempFile('numic,email,consulate\n1,a@example.org,"Londres; RU"\n');
  assert.deepEqual(await inspectHead(comma), { delimiter: ',', start: 0 });
  assert.deepEqual(good(await records(comma))[1], [2, ['1', 'a@example.org', 'Londres; RU']]);
});

test('quotes: doubled quotes, delimiters and line breaks inside; lines counted physically', async () => {
  const file = tempFile('a,b\r\n1,"say ""hi"""\r\n2,"two\r\nlines"\r\n3,  "spaced"  \r\n4,last');
  assert.deepEqual(good(await records(file)), [
    [1, ['a', 'b']],
    [2, ['1', 'say "hi"']],
    [3, ['2', 'two\r\nlines']],
    [5, ['3', 'spaced']],
    [6, ['4', 'last']],
  ]);
});

test('blank lines (empty, spaces, CRLF) are skipped without shifting line numbers', async () => {
  const file = tempFile('a,b\n\n   \n\r\n1,x\n\t\n2,y\n\n');
  assert.deepEqual(good(await records(file)), [
    [1, ['a', 'b']],
    [5, ['1', 'x']],
    [7, ['2', 'y']],
  ]);
});

test('a misplaced quote is held back with its line, the next records still read', async () => {
  const file = tempFile('a,b\n1,ab"c\n2,"ab"c\n3,ok\n4,"x" y\n5,fine\n');
  const list = await records(file);
  assert.deepEqual(problems(list), [
    [2, 'quotes'],
    [3, 'quotes'],
    [5, 'quotes'],
  ]);
  assert.deepEqual(good(list).slice(1), [
    [4, ['3', 'ok']],
    [6, ['5', 'fine']],
  ]);
});

test('a 10 MB line is held back as too long, quickly, and the rows after it are read', async () => {
  const big = 'x'.repeat(10 * 1024 * 1024);
  const file = tempFile(`a,b\n1,ok\n2,${big}\n3,"${big}"\n4,ok\n`);
  const started = performance.now();
  const list = await records(file);
  assert.ok(performance.now() - started < 5000, 'no stall');
  assert.deepEqual(problems(list), [
    [3, 'tooLong'],
    [4, 'tooLong'],
  ]);
  assert.equal(list.find((r) => r.line === 3).bytes, big.length + 2);
  assert.deepEqual(good(list).slice(1), [
    [2, ['1', 'ok']],
    [5, ['4', 'ok']],
  ]);
});

test('a quote never closed is held back from its line to the end of the file', async () => {
  const list = await records(tempFile('a,b\n1,"open\n2,x\n3,y\n'));
  assert.deepEqual(
    list.filter((r) => r.problem).map(({ line, lastLine, problem }) => ({ line, lastLine, problem })),
    [{ line: 2, lastLine: 4, problem: 'unclosedQuote' }],
  );
});

test('a record that is not UTF-8 (a Latin-1 export) is held back as such', async () => {
  const latin1 = Buffer.concat([Buffer.from('a,b\n1,Montr'), Buffer.from([0xe9]), Buffer.from('al\n2,ok\n')]);
  const list = await records(tempFile(latin1));
  assert.deepEqual(problems(list), [[2, 'encoding']]);
  assert.deepEqual(good(list)[1], [3, ['2', 'ok']]);
});

test('chunk boundaries anywhere (1 to 7 bytes, 64 KiB) give the same records', async () => {
  const text =
    '\ufeffnumic;email\r\n1;"a;b"\r\n\r\n2;"x""y"\r\n3;"multi\r\nline"\r\n4;ab"c\r\n5;"Genève"\r\n' +
    `6;${'z'.repeat(300)}\r\n7;ok\r\n;;\r\n8;"last"`;
  const file = tempFile(text);
  const expected = await records(file, { maxRecordBytes: 100 });
  assert.equal(expected.length, 10);
  for (const highWaterMark of [1, 2, 3, 5, 7, 65536]) {
    assert.deepEqual(
      await records(file, { maxRecordBytes: 100, highWaterMark }),
      expected,
      `chunks of ${highWaterMark}`,
    );
  }
});

test('an empty file, or a blank first line, is refused', async () => {
  await assert.rejects(inspectHead(tempFile('')), /first line must be the header/);
  await assert.rejects(inspectHead(tempFile('\nnumic,email\n')), /first line must be the header/);
  await assert.rejects(inspectHead('/nonexistent/roll.csv'), /cannot read the file \(ENOENT\)/);
});
