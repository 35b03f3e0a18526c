// Generated input (fast-check): any roll of valid rows, written as any CSV a spreadsheet might
// (`,` or `;`, CRLF or LF, BOM or not, every field quoted or only when needed, columns in any
// order and case, an extra column), reaches the portal as exactly those rows, each with the
// physical line it starts on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { importRoll } from '../../scripts/roll/import.mjs';
import { tempFile } from './helpers.mjs';

const digits = (n) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
const text = (unit, min, max) => fc.string({ unit, minLength: min, maxLength: max });

const row = fc.record({
  numic: digits(8),
  email: fc
    .tuple(
      text(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'), 1, 12),
      fc.constantFrom('example.org', 'example.com', 'exemple.fr'),
    )
    .map(([local, domain]) => `${local}@${domain}`),
  // French and Belgian mobile ranges where every number is a mobile (not all of 06 is: 0639 is Mayotte's).
  phone: fc.tuple(fc.constantFrom('+3361', '+3366', '+3377', '+3247', '+3249'), digits(7)).map(([p, d]) => p + d),
  constituency: fc.integer({ min: 1, max: 11 }).map(String),
  language: fc.constantFrom('fr', 'en'),
  consulate: fc.option(
    text(fc.constantFrom(...'aéèçôß Ł京,;"\'\n-'), 1, 30)
      .map((s) => s.trim())
      .filter((s) => s.length > 0),
    { nil: null },
  ),
});

const rolls = fc.uniqueArray(row, { minLength: 1, maxLength: 30, selector: (r) => r.numic });

const style = fc.record({
  delimiter: fc.constantFrom(',', ';'),
  eol: fc.constantFrom('\n', '\r\n'),
  bom: fc.boolean(),
  quoteAll: fc.boolean(),
  order: fc.shuffledSubarray(['numic', 'email', 'phone', 'constituency', 'language', 'consulate', 'note'], {
    minLength: 7,
  }),
  upper: fc.boolean(),
  stripZeros: fc.boolean(),
});

function writeCsv(rows, s) {
  const field = (v) => {
    const t = v ?? '';
    return s.quoteAll || /[",;\r\n]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
  };
  const header = s.order.map((c) => (s.upper ? c.toUpperCase() : c)).join(s.delimiter);
  let out = (s.bom ? '\ufeff' : '') + header + s.eol;
  let line = 2;
  const lines = [];
  for (const r of rows) {
    lines.push(line);
    const cells = { ...r, numic: s.stripZeros ? String(Number(r.numic)) : r.numic, note: 'x' };
    const record = s.order.map((c) => field(cells[c])).join(s.delimiter) + s.eol;
    line += record.split('\n').length - 1;
    out += record;
  }
  return { csv: out, lines };
}

/** What importRoll sends, without a portal: every row taken as new. */
function capturingClient() {
  const sent = [];
  return {
    sent,
    post: async (_path, body) => {
      sent.push(...body.rows);
      return { imported: body.rows.length, updated: 0, unchanged: 0, rejected: [] };
    },
  };
}

test('any valid roll in any CSV spelling reaches the portal as exactly its rows and lines', async () => {
  await fc.assert(
    fc.asyncProperty(rolls, style, async (rows, s) => {
      const { csv, lines } = writeCsv(rows, s);
      const client = capturingClient();
      const summary = await importRoll({ file: tempFile(csv), client });
      assert.equal(summary.rejected, 0);
      assert.deepEqual(
        client.sent.sort((a, b) => a.line - b.line),
        rows.map((r, i) => ({ line: lines[i], ...r })),
      );
    }),
    { numRuns: 60 },
  );
});
