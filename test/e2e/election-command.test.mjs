// `npm run election` end to end, against `wrangler dev` with the operator password `npm start`
// (here scripts/e2e.mjs) keeps in .dev.vars: set, refused, contests, and the voter's screen
// showing the change at once. The settings are put back for the other files' tests.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_URL } from './browser.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const OFFLINE = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };

function election(...args) {
  const res = spawnSync('npm', ['run', '--silent', 'election', '--', ...args, '--url', BASE_URL], {
    cwd: ROOT,
    encoding: 'utf8',
    env: OFFLINE,
  });
  const last = res.stdout.trim().split('\n').pop();
  return { status: res.status, summary: last ? JSON.parse(last) : null, stderr: res.stderr };
}

const original = election('show', '--json');
after(() => {
  const back = election('set', '--title', original.summary.title, '--closes', original.summary.closes, '--json');
  assert.equal(back.status, 0, back.stderr);
});

test('election show and set: the stored title and window, the voter screen at once', async () => {
  assert.equal(original.status, 0, original.stderr);
  assert.equal(original.summary.title, 'Elections législatives 2022');
  const closes = new Date(Date.parse(original.summary.closes) + 86_400_000);
  const offset = closes.toISOString().replace('Z', '+00:00');
  const res = election('set', '--title', 'Élections législatives (essai)', '--closes', offset, '--json');
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(
    { title: res.summary.title, opens: res.summary.opens, closes: res.summary.closes },
    { title: 'Élections législatives (essai)', opens: original.summary.opens, closes: closes.toISOString() },
  );
  assert.match(res.stderr, /Élections législatives \(essai\)/);
  const page = await (await fetch(`${BASE_URL}/`)).text();
  assert.match(page, /Élections législatives \(essai\)/);
});

test('election set refuses what makes no sense, with a message in both languages and a non-zero exit', async () => {
  const backwards = election('set', '--closes', '2000-01-01T00:00:00+01:00', '--json');
  assert.notEqual(backwards.status, 0);
  assert.match(backwards.stderr, /La fermeture doit être postérieure à l’ouverture\./);
  assert.match(backwards.stderr, /Closing must come after opening\./);
  const noOffset = election('set', '--opens', '2027-05-20T08:00:00');
  assert.notEqual(noOffset.status, 0);
  assert.match(noOffset.stderr, /offset/);
  const moved = election('set', '--opens', new Date(Date.now() - 3 * 86_400_000).toISOString());
  assert.notEqual(moved.status, 0);
  assert.match(moved.stderr, /ouverture ne peut plus être déplacée/);
  const unknown = election('set', '--title', 'x', '--bogus');
  assert.equal(unknown.status, 2);
});

test('election contests: stored, and refused for an unknown constituency or a single answer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'contests-'));
  const file = (name, data) => {
    const path = join(dir, name);
    writeFileSync(path, typeof data === 'string' ? data : JSON.stringify(data));
    return path;
  };
  const good = file('good.json', {
    contests: [
      {
        constituency: '1',
        question: 'Élection du député de la 1re circonscription',
        answers: ['Liste A', 'Liste B'],
        blank: true,
      },
      { constituency: 11, question: 'Élection du député de la 11e circonscription', answers: ['X', 'Y', 'Z'] },
    ],
  });
  const res = election('contests', good, '--json');
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(
    res.summary.contests.map((c) => [c.constituency, c.answers.length, c.blank]),
    [
      ['1', 2, true],
      ['11', 3, true],
    ],
  );
  for (const [name, data, said] of [
    [
      'unknown.json',
      { contests: [{ constituency: '12', question: 'Q', answers: ['A', 'B'] }] },
      /Circonscription inconnue : 12/,
    ],
    ['single.json', { contests: [{ constituency: '2', question: 'Q', answers: ['Seule'] }] }, /au moins deux réponses/],
    ['broken.json', '{"contests": [', /JSON invalide/],
    ['shape.json', { questions: [] }, /attendu \{"contests"/],
  ]) {
    const bad = election('contests', file(name, data));
    assert.notEqual(bad.status, 0, name);
    assert.match(bad.stderr, said, name);
  }
  assert.notEqual(election('contests', join(dir, 'missing.json')).status, 0);
});

test('without the operator password the portal refuses the command', async () => {
  const res = await fetch(`${BASE_URL}/operateur/api/election`, { headers: { authorization: 'Bearer wrong' } });
  assert.equal(res.status, 401);
  const body = await res.json();
  assert.equal(body.error, 'bad_credentials');
});
