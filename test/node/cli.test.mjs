// The command as operators run it (`node scripts/roll.mjs`, what `npm run roll` starts): exit
// statuses, the one JSON summary on stdout, messages on stderr in both languages — against the
// fake portal, authenticated with the local operator password of .dev.vars (written by
// scripts/local.mjs's ensureDevVars, as `npm start` does; existing values are kept).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, ensureDevVars } from '../../scripts/local.mjs';
import { synthRoll } from '../../scripts/roll/synth.mjs';
import { startFakePortal } from './fake-portal.mjs';
import { HEADER, tempFile } from './helpers.mjs';

const exec = promisify(execFile);
let portal;

before(async () => {
  portal = await startFakePortal({ password: ensureDevVars().OPERATOR_PASSWORD });
});
after(() => portal.close());

/** Runs the command; resolves to `{code, stdout, stderr}` whatever its exit status. */
async function roll(...args) {
  try {
    const { stdout, stderr } = await exec(
      process.execPath,
      ['--experimental-strip-types', 'scripts/roll.mjs', ...args],
      {
        cwd: ROOT,
        env: { ...process.env, ISOLOIR_URL: '' },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (err) {
    if (typeof err.code !== 'number') throw err;
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

test('synth then import: exit 0, one JSON summary each, the import counting what synth made', async () => {
  const out = tempFile('', 'synth.csv');
  const synth = await roll('synth', '400', '--seed', 'cli', '--out', out, '--json');
  assert.equal(synth.code, 0, synth.stderr);
  assert.deepEqual(JSON.parse(synth.stdout), { rows: 400, valid: 380, bad: 20, file: out });
  assert.match(synth.stderr, /synth : 400 lignes, 380 valides, 20 mauvaises/);
  assert.match(synth.stderr, /synth: 400 rows, 380 valid, 20 bad/);

  const imported = await roll('import', out, '--json', '--url', portal.base);
  assert.equal(imported.code, 0, imported.stderr);
  assert.equal(imported.stdout.trim().split('\n').length, 1);
  const summary = JSON.parse(imported.stdout);
  assert.deepEqual(Object.keys(summary), [
    'imported',
    'updated',
    'unchanged',
    'deactivated',
    'rejected',
    'rejectsFile',
  ]);
  assert.deepEqual(summary, {
    imported: 380,
    updated: 0,
    unchanged: 0,
    deactivated: 0,
    rejected: 20,
    rejectsFile: join(out, '..', 'synth.rejects.csv'),
  });
  assert.equal(readFileSync(summary.rejectsFile, 'utf8').trim().split('\n').length, 21);
  assert.match(imported.stderr, /roll: 380 new, 0 updated, 0 unchanged, 0 deactivated, 20 rejected/);
});

test('synth is deterministic with --seed', async () => {
  const a = tempFile('');
  const b = tempFile('');
  await roll('synth', '200', '--seed', 'same', '--out', a);
  await synthRoll({ rows: 200, out: b, seed: 'same' });
  assert.equal(readFileSync(a, 'utf8'), readFileSync(b, 'utf8'));
  const rows = readFileSync(a, 'utf8').trim().split('\n');
  assert.equal(rows.length, 201);
  for (const demo of ['00123456', '00654321', '00111111', '00222222']) {
    assert.ok(!rows.some((r) => r.startsWith(`${demo},`) || r.startsWith(`${Number(demo)},`)), demo);
  }
});

test('a missing required column: exit 1, the column named in both languages, nothing sent', async () => {
  const before = portal.requests.length;
  const file = tempFile('numic;email;telephone;constituency\n1;a@example.org;+33612345678;1\n');
  const result = await roll('import', file, '--json', '--url', portal.base);
  assert.equal(result.code, 1);
  assert.equal(result.stdout, '');
  assert.match(result.stderr, /colonne obligatoire absente : phone/);
  assert.match(result.stderr, /required column missing: phone/);
  assert.equal(portal.requests.length, before);
});

test('--replace past 10 %: exit 1 with the portal’s message, the summary still on stdout', async () => {
  portal.seed(
    Array.from({ length: 30 }, (_, i) => ({
      numic: String(90_000_000 + i),
      email: `old${i}@example.org`,
      phone: '+33612345678',
      constituency: '1',
      language: 'fr',
      consulate: null,
    })),
  );
  const file = tempFile(`${HEADER}\n1,a@example.org,+33612345678,1,fr,,\n`);
  const result = await roll('import', file, '--replace', '--json', '--url', portal.base);
  assert.equal(result.code, 1);
  assert.match(result.stderr, /seraient désactivés \(plus de 10 %\)/);
  assert.match(result.stderr, /would be deactivated \(over 10%\)/);
  assert.match(result.stderr, /no voter was deactivated/);
  assert.equal(JSON.parse(result.stdout).deactivated, 0);
  assert.equal(portal.voters.get('90000000').active, true);
});

test('usage errors exit 2', async () => {
  const results = await Promise.all([
    roll(),
    roll('import', 'x.csv', '--bogus'),
    roll('import', 'x.csv', '--allow-mass-deactivation'),
    roll('synth', '10', '--bad-share', '2'),
  ]);
  assert.deepEqual(
    results.map((r) => r.code),
    [2, 2, 2, 2],
  );
  assert.match(results[1].stderr, /Unknown option '--bogus'/);
  assert.match(results[2].stderr, /only makes sense with --replace/);
});
