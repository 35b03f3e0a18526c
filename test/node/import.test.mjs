// The whole import against a fake portal speaking the operator API over real HTTP (the real
// operatorClient): summary counts, the rejects file, chunks of at most 500 rows and a few in
// flight, retries, an interrupted import finished by a re-run, --replace and its 10 % guard.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { operatorClient } from '../../scripts/ops/client.mjs';
import { importRoll } from '../../scripts/roll/import.mjs';
import { REASONS } from '../../scripts/roll/reasons.mjs';
import { startFakePortal } from './fake-portal.mjs';
import { HEADER, tempFile } from './helpers.mjs';

/** `n` good rows, NUMICs from `from`. */
function goodRows(n, from = 10_000_000) {
  let text = '';
  for (let i = 0; i < n; i++) {
    text += `${from + i},voter${from + i}@example.org,+3361${String(from + i).slice(-7)},${(i % 11) + 1},fr,Londres,\n`;
  }
  return text;
}

async function withPortal(options, run) {
  const portal = await startFakePortal(options);
  try {
    return await run(portal, operatorClient(portal.endpoint));
  } finally {
    await portal.close();
  }
}

const rejectsOf = (summary) => parse(readFileSync(summary.rejectsFile), { columns: true });
const quiet = { retryDelayMs: 1 };

test('good rows imported, bad ones in the rejects file with line and reason, counted', async () => {
  const file = tempFile(
    `${HEADER}\n` +
      `123456,new@example.org,06 12 34 56 78,1,fr,Londres,FR\n` +
      `200,bad@,+33612345679,2,fr,,\n` +
      `\n` +
      `300,fixe@example.org,+33142685300,3,en,,\n` +
      `400,premium@example.org,+33899123456,4,en,,\n` +
      `12a,x@example.org,+33612345670,5,fr,,\n` +
      `500,ok@Example.ORG,(201) 555-0123,1,en,Washington,US\n`,
    'mixed.csv',
  );
  await withPortal({}, async (portal, client) => {
    const summary = await importRoll({ file, client, ...quiet });
    assert.deepEqual(summary, {
      imported: 2,
      updated: 0,
      unchanged: 0,
      deactivated: 0,
      rejected: 4,
      rejectsFile: file.replace(/mixed\.csv$/, 'mixed.rejects.csv'),
    });
    assert.deepEqual(rejectsOf(summary), [
      { line: '3', reason: REASONS.emailInvalid, numic: '00000200' },
      { line: '5', reason: 'téléphone fixe refusé / landline refused', numic: '00000300' },
      { line: '6', reason: REASONS.premium, numic: '00000400' },
      { line: '7', reason: REASONS.numicInvalid, numic: '12a' },
    ]);
    assert.deepEqual(portal.voters.get('00000500').row, {
      numic: '00000500',
      email: 'ok@example.org',
      phone: '+12015550123',
      constituency: '1',
      language: 'en',
      consulate: 'Washington',
    });
    assert.deepEqual(
      portal.rowsRequests()[0].body.rows.map((r) => r.line),
      [2, 8],
    );
    assert.equal(portal.voters.has('00000200'), false, 'a bad row is never sent');
  });
});

test('a bad row leaves the existing voter with that NUMIC unchanged', async () => {
  const file = tempFile(`${HEADER}\n123456,changed@example.org,+33142685300,1,fr,,\n`);
  await withPortal({}, async (portal, client) => {
    const before = {
      numic: '00123456',
      email: 'a@example.org',
      phone: '+33612345678',
      constituency: '1',
      language: 'fr',
      consulate: null,
    };
    portal.seed([before]);
    const summary = await importRoll({ file, client, ...quiet });
    assert.equal(summary.rejected, 1);
    assert.deepEqual(portal.voters.get('00123456').row, before);
    assert.equal(portal.rowsRequests().length, 0);
  });
});

test('duplicated NUMICs: both rows rejected, each naming the other line, even spelled differently', async () => {
  const file = tempFile(
    `${HEADER}\n` +
      `777,a@example.org,+33612345678,1,fr,,\n` +
      `888,b@example.org,+33612345679,1,fr,,\n` +
      `00000777,c@example.org,+33612345670,1,fr,,\n`,
  );
  await withPortal({}, async (portal, client) => {
    const summary = await importRoll({ file, client, ...quiet });
    assert.equal(summary.imported, 1);
    assert.deepEqual(rejectsOf(summary), [
      { line: '2', reason: REASONS.duplicate([4], 0), numic: '00000777' },
      { line: '4', reason: REASONS.duplicate([2], 0), numic: '00000777' },
    ]);
    assert.equal(portal.voters.has('00000777'), false);
  });
});

test('a missing required column refuses the file whole: nothing sent, no rejects file', async () => {
  const file = tempFile('numic;email;telephone;constituency\n1;a@example.org;+33612345678;1\n');
  await withPortal({}, async (portal, client) => {
    await assert.rejects(importRoll({ file, client }), (err) => {
      assert.match(err.message, /colonne obligatoire absente : phone/);
      assert.match(err.message, /required column missing: phone/);
      assert.match(err.message, /nothing was sent/);
      assert.equal(err.status, 1);
      return true;
    });
    assert.equal(portal.requests.length, 0);
  });
});

test('a file that cannot be read to its end (Latin-1, a quote left open) is refused whole', async () => {
  const latin1 = tempFile(
    Buffer.concat([Buffer.from(`${HEADER}\n1,a@example.org,+33612345678,1,fr,Montr`), Buffer.from([0xe9, 0x0a])]),
  );
  const open = tempFile(`${HEADER}\n1,a@example.org,+33612345678,1,fr,"Londres\n2,b@example.org,+33612345679,1,fr,,\n`);
  await withPortal({}, async (portal, client) => {
    await assert.rejects(importRoll({ file: latin1, client }), /line 2: the file is not UTF-8/);
    await assert.rejects(importRoll({ file: open, client }), /line 2: a quote is never closed, lines 2 to 3/);
    assert.equal(portal.requests.length, 0);
  });
});

test('a 10 MB line is rejected, the other rows go through', async () => {
  const file = tempFile(`${HEADER}\n${goodRows(2)}9,${'x'.repeat(10 * 1024 * 1024)}\n${goodRows(2, 20_000_000)}`);
  await withPortal({}, async (_portal, client) => {
    const summary = await importRoll({ file, client, ...quiet });
    assert.equal(summary.imported, 4);
    assert.equal(summary.rejected, 1);
    assert.match(
      rejectsOf(summary)[0].reason,
      /^ligne trop longue \(10485762 octets, 65536 au plus\) \/ line too long/,
    );
    assert.equal(rejectsOf(summary)[0].line, '4');
  });
});

test('chunks of at most 500 rows, at most 4 in flight, every row sent once', async () => {
  const file = tempFile(`${HEADER}\n${goodRows(2345)}`);
  await withPortal({ delayMs: 20 }, async (portal, client) => {
    const progress = [];
    const summary = await importRoll({ file, client, onProgress: (p) => progress.push(p), ...quiet });
    assert.equal(summary.imported, 2345);
    const sizes = portal.rowsRequests().map((r) => r.body.rows.length);
    assert.deepEqual(
      sizes.sort((a, b) => b - a),
      [500, 500, 500, 500, 345],
    );
    assert.ok(portal.maxInFlight > 1 && portal.maxInFlight <= 4, `in flight: ${portal.maxInFlight}`);
    const runs = new Set(portal.rowsRequests().map((r) => r.body.run));
    assert.equal(runs.size, 1, 'one run id per command run');
    assert.match([...runs][0], /^[A-Za-z0-9_-]{8,64}$/);
    assert.deepEqual(progress.at(-1), { phase: 'send', done: 2345, total: 2345 });
    assert.ok(progress.some((p) => p.phase === 'scan' && p.total === 2345));
  });
});

test('a chunk failing on the network or with a 5xx is sent again; a 4xx is not', async () => {
  const file = tempFile(`${HEADER}\n${goodRows(1200)}`);
  const failures = { 0: 'destroy', 1: '503', 2: 'html502' };
  await withPortal({ fault: ({ index }) => failures[index] ?? 'ok' }, async (portal, client) => {
    const notices = [];
    const summary = await importRoll({
      file,
      client,
      concurrency: 1,
      onNotice: (fr, en) => notices.push(en),
      ...quiet,
    });
    assert.equal(summary.imported, 1200);
    assert.equal(notices.length, 3);
    assert.match(notices[1], /retrying in \d+ ms \(2\/3\): portal unavailable/);
  });
  await withPortal({ fault: () => '400' }, async (portal, client) => {
    await assert.rejects(importRoll({ file, client, ...quiet }), /request refused — import interrupted: 0 of 1200/);
    assert.equal(portal.requests.length, 0);
  });
});

test('an import cut short is finished by running it again, with no duplicate', async () => {
  const file = tempFile(`${HEADER}\n${goodRows(3000)}`);
  let down = false;
  await withPortal(
    { fault: ({ path, index }) => (path.endsWith('/rows') && (down || index === 3) ? ((down = true), '503') : 'ok') },
    async (portal, client) => {
      await assert.rejects(importRoll({ file, client, retries: 2, ...quiet }), (err) => {
        assert.match(err.message, /portail indisponible — import interrompu/);
        assert.match(err.message, /run the same command again, it finishes the job without duplicates/);
        assert.ok(err.summary.imported > 0 && err.summary.imported < 3000, `${err.summary.imported} before the cut`);
        return true;
      });
      const before = portal.voters.size;
      assert.ok(before < 3000);
      down = false;
      const summary = await importRoll({ file, client: operatorClient(portal.endpoint), ...quiet });
      // a fault handler that no longer fails: the re-run sends everything again
      assert.equal(portal.voters.size, 3000);
      assert.equal(summary.imported + summary.unchanged, 3000);
      assert.equal(summary.imported, 3000 - before);
    },
  );
});

test('re-importing the same file is idempotent: every voter unchanged; a changed phone updates only that voter', async () => {
  const rows = goodRows(10);
  await withPortal({}, async (portal, client) => {
    await importRoll({ file: tempFile(`${HEADER}\n${rows}`), client, ...quiet });
    const again = await importRoll({ file: tempFile(`${HEADER}\n${rows}`), client, ...quiet });
    assert.deepEqual([again.imported, again.updated, again.unchanged], [0, 0, 10]);
    const changed = rows.replace('+33610000000,', '+33699999999,');
    const third = await importRoll({ file: tempFile(`${HEADER}\n${changed}`), client, ...quiet });
    assert.deepEqual([third.imported, third.updated, third.unchanged], [0, 1, 9]);
  });
});

test('rows the portal rejects go to the rejects file too, and are counted', async () => {
  const file = tempFile(`${HEADER}\n${goodRows(3)}`);
  await withPortal({ refuseNumics: new Set(['10000001']) }, async (_portal, client) => {
    const summary = await importRoll({ file, client, ...quiet });
    assert.deepEqual([summary.imported, summary.rejected], [2, 1]);
    assert.deepEqual(rejectsOf(summary), [
      { line: '3', reason: 'refusé par le portail / refused by the portal', numic: '10000001' },
    ]);
  });
});

test('--replace: rejected rows reported as seen, absent voters deactivated after every chunk', async () => {
  const kept = goodRows(40);
  // One voter's row is now bad (a landline): it stays as it was, and is not deactivated.
  const file = tempFile(`${HEADER}\n${kept}10000040,bad@example.org,+33142685300,1,fr,,\n`);
  await withPortal({}, async (portal, client) => {
    await importRoll({ file: tempFile(`${HEADER}\n${goodRows(43)}`), client, ...quiet });
    const summary = await importRoll({ file, client, replace: true, ...quiet });
    assert.deepEqual(summary.deactivated, 2, 'the two voters absent from the file');
    assert.equal(summary.rejected, 1);
    assert.equal(portal.voters.get('10000040').active, true);
    assert.equal(portal.voters.get('10000041').active, false);
    const paths = portal.requests.slice(-3).map((r) => r.path);
    assert.deepEqual(paths.slice(-2), ['/operateur/api/roll/seen', '/operateur/api/roll/replace']);
    const seen = portal.requests.find((r) => r.path.endsWith('/seen'));
    assert.deepEqual(seen.body.numics, ['10000040']);
    const replace = portal.requests.at(-1).body;
    assert.equal(replace.allowMassDeactivation, false);
    assert.equal(replace.run, seen.body.run);
    assert.ok(portal.rowsRequests().slice(-1)[0].body.replace);
  });
});

test('--replace past 10 % of the roll: refused with the portal’s message unless allowed', async () => {
  await withPortal({}, async (portal, client) => {
    await importRoll({ file: tempFile(`${HEADER}\n${goodRows(100)}`), client, ...quiet });
    const half = tempFile(`${HEADER}\n${goodRows(50)}`);
    await assert.rejects(importRoll({ file: half, client, replace: true, ...quiet }), (err) => {
      assert.equal(err.code, 'mass_deactivation');
      assert.equal(err.status, 1);
      assert.match(err.message, /50 électeurs sur 100 seraient désactivés/);
      assert.match(err.message, /50 of 100 voters would be deactivated/);
      assert.match(err.message, /no voter was deactivated/);
      assert.deepEqual(err.summary.deactivated, 0);
      assert.deepEqual(err.summary.unchanged, 50);
      return true;
    });
    assert.equal([...portal.voters.values()].filter((v) => v.active).length, 100);
    const summary = await importRoll({ file: half, client, replace: true, allowMassDeactivation: true, ...quiet });
    assert.equal(summary.deactivated, 50);
  });
});

test('without --replace, neither seen nor replace is called', async () => {
  const file = tempFile(`${HEADER}\n${goodRows(3)}1,bad@,+33612345678,1,fr,,\n`);
  await withPortal({}, async (portal, client) => {
    await importRoll({ file, client, ...quiet });
    assert.deepEqual([...new Set(portal.requests.map((r) => r.path))], ['/operateur/api/roll/rows']);
  });
});
