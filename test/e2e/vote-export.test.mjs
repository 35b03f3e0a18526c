// The vote end to end, against `wrangler dev` (scripts/e2e.mjs): two trustees' keys made
// offline, constituency 1's contest frozen into its ballot box (`npm run ballot -- setup`); the
// demo voter votes in Chromium (the booth, axe, its Web Worker, the receipt on screen and by
// e-mail, the tracker found on /verifier, no second vote); the box exported
// (`ballot -- export`) as `<dir>/1/<uuid>.bel`, holding that ballot, and Debian's belenios-tool
// — the independent verifier — accepting it. Then the count: the vote closed, the tally, one
// trustee decrypting with belenios-tool and one with ours, the result published, equal to the
// vote, verified by belenios-tool; a tampered archive refused; the results page in Chromium.
// Named to run last: a frozen constituency takes no new voter, and a closed vote no voter at
// all, which the tests before it rely on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_URL, launch, readCode, screenshot, waitForMessage } from './browser.mjs';
import { checkA11y, describeViolations } from './axe.mjs';
import { loadBallotLib } from '../../scripts/ballot-lib.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const OFFLINE = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };
const haveTool = spawnSync('belenios-tool', ['--version']).status === 0;
const skip = !haveTool && !process.env.CI ? 'belenios-tool is not installed (apt-get install -y belenios-tool)' : false;

function command(name, ...args) {
  const res = spawnSync('npm', ['run', '--silent', name, '--', ...args, '--json', '--url', BASE_URL], {
    cwd: ROOT,
    encoding: 'utf8',
    env: OFFLINE,
  });
  const last = res.stdout.trim().split('\n').pop();
  return { status: res.status, summary: last ? JSON.parse(last) : null, stderr: res.stderr };
}

/** What the count (the next test) takes over from the vote: the trustees' keys, the box's uuid. */
const shared = {};

test('a voter votes in the booth; the box, exported, passes belenios-tool election verify', { skip }, async () => {
  assert.ok(haveTool, 'belenios-tool is required in CI (.ci/run installs it)');
  const dir = mkdtempSync(join(tmpdir(), 'vote-export-'));
  const lib = await loadBallotLib();
  const pubkeys = [];
  for (const i of [1, 2]) {
    const { publicKey, privateKey } = await lib.generateTrusteeKey();
    const file = join(dir, `trustee-${i}.pubkey`);
    writeFileSync(file, `${lib.trusteePublicKeyJson(publicKey)}\n`);
    writeFileSync(join(dir, `trustee-${i}.privkey`), `${lib.trusteePrivateKeyJson(privateKey)}\n`);
    pubkeys.push(file);
  }
  shared.dir = dir;
  const contests = join(dir, 'contests.json');
  writeFileSync(
    contests,
    JSON.stringify({
      contests: [
        {
          constituency: '1',
          question: 'Circonscription 1',
          answers: ['Candidat A', 'Candidat B', 'Candidat C'],
          blank: true,
        },
      ],
    }),
  );
  assert.equal(command('election', 'contests', contests).status, 0);

  const before = command('ballot', 'setup', '--trustees', pubkeys[0]);
  assert.notEqual(before.status, 0);
  assert.match(before.stderr, /au moins deux assesseurs distincts/);

  const setup = command('ballot', 'setup', '--trustees', ...pubkeys);
  assert.equal(setup.status, 0, setup.stderr);
  const [frozen] = setup.summary.constituencies;
  shared.uuid = frozen.uuid;
  assert.equal(frozen.constituency, '1');
  assert.ok(frozen.credentials >= 1);

  const again = command('ballot', 'setup', '--trustees', ...pubkeys);
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, /déjà constituées/);

  // The demo voter (constituency 1) votes in Chromium: the booth encrypts in its Web Worker.
  const browser = await launch();
  try {
    const page = await browser.newPage({ locale: 'fr-FR' });
    const problems = [];
    page.on('console', (m) => problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${BASE_URL}/`);
    await page.locator('#identifier').fill('ABCD-EFGH-JKMN');
    await page.locator('#password').fill('Vote-2022-Demo');
    await page.locator('#captcha').fill(await readCode(page));
    await Promise.all([page.waitForURL('**/espace'), page.locator('button[value="submit"]').click()]);
    await Promise.all([page.waitForURL('**/vote'), page.locator('a[href="/vote"]').click()]);
    await page
      .locator('#booth:not([hidden])')
      .waitFor({ timeout: 10_000 })
      .catch(async (err) => {
        throw new Error(`${err.message}\n${problems.join('\n')}\n${(await page.textContent('main')).slice(0, 400)}`);
      });
    let violations = await checkA11y(page);
    assert.deepEqual(violations, [], `axe on the booth:\n${describeViolations(violations)}`);
    assert.deepEqual(await page.locator('#booth label').allTextContents(), [
      'Candidat A',
      'Candidat B',
      'Candidat C',
      'Vote blanc',
    ]);
    await page.locator('#choice-1').check();
    await page.locator('#booth button[type="submit"]').click();
    assert.equal(await page.locator('#booth-chosen').textContent(), 'Candidat B');
    await screenshot(page, 'booth-confirm-fr');
    await Promise.all([page.waitForURL('**/vote', { waitUntil: 'load' }), page.locator('#booth-cast').click()]);
    await page.locator('.tracker').waitFor({ timeout: 30_000 });
    const tracker = (await page.locator('.tracker').textContent()).trim();
    assert.match(tracker, /^[A-Za-z0-9+/]{43}$/);
    violations = await checkA11y(page);
    assert.deepEqual(violations, [], `axe on the receipt:\n${describeViolations(violations)}`);
    await screenshot(page, 'booth-receipt-fr');
    const receipt = await waitForMessage(
      (m) => m.to === 'electeur@example.org' && m.subject?.startsWith('Votre bulletin est dans l’urne'),
    );
    assert.ok(receipt.text.split('\n').includes(tracker), 'the tracker alone on its line in the receipt');
    // Found on /verifier; and a second visit to the booth shows the receipt, not the booth.
    await page.goto(`${BASE_URL}/verifier`);
    await page.locator('#tracker').fill(tracker);
    await Promise.all([page.waitForLoadState('load'), page.locator('button.primary').click()]);
    await page.waitForSelector('text=Ce bulletin est présent dans l’urne.');
    await page.goto(`${BASE_URL}/vote`);
    assert.equal((await page.locator('.tracker').textContent()).trim(), tracker);
    assert.equal(await page.locator('#booth').count(), 0, 'no booth once voted');
  } finally {
    await browser.close();
  }

  const out = join(dir, 'export');
  const exported = command('ballot', 'export', out);
  assert.equal(exported.status, 0, exported.stderr);
  assert.deepEqual(readdirSync(join(out, '1')), [`${frozen.uuid}.bel`]);
  const verify = spawnSync('belenios-tool', ['election', 'verify', '--dir', join(out, '1')], { encoding: 'utf8' });
  assert.equal(verify.status, 0, `${verify.stdout}\n${verify.stderr}`);
  assert.match(`${verify.stdout}${verify.stderr}`, /all checks passed/);
});

/** Trustee 1's partial decryption of a box's folder with ours, written to partial-1.json. */
function decryptWithOurs(dir) {
  const key = join(shared.dir, 'trustee-1.privkey');
  const args = [
    'run',
    '--silent',
    'trustee',
    '--',
    'decrypt',
    '--key',
    key,
    '--dir',
    dir,
    '--out',
    join(dir, 'partial-1.json'),
  ];
  const res = spawnSync('npm', args, { cwd: ROOT, encoding: 'utf8', env: OFFLINE });
  assert.equal(res.status, 0, res.stderr);
}

/** Trustee 2's partial decryption with belenios-tool: what it prints (the file's two lines). */
function decryptWithBelenios(dir) {
  const key = join(shared.dir, 'trustee-2.privkey');
  const args = ['election', 'decrypt', '--dir', dir, '--privkey', key, '--trustee-id', '2'];
  const res = spawnSync('belenios-tool', args, { encoding: 'utf8' });
  assert.equal(res.status, 0, res.stderr);
  return res.stdout;
}

const verifyDir = (d) => spawnSync('belenios-tool', ['election', 'verify', '--dir', d], { encoding: 'utf8' });

test(
  'the vote closed, tallied, decrypted by one trustee with belenios-tool and one with ours, published and verified',
  { skip },
  async () => {
    assert.ok(shared.dir, 'the vote test ran first');
    const count = join(shared.dir, 'count');
    const early = command('ballot', 'tally', '--out', count);
    assert.notEqual(early.status, 0);
    assert.match(early.stderr, /Le vote n’est pas clos/);

    // Closing: the window's end moved to the past (and is final from then on).
    const closes = new Date(Date.now() - 60_000).toISOString().replace(/\.\d+Z$/, 'Z');
    assert.equal(command('election', 'set', '--closes', closes).status, 0);
    const tally = command('ballot', 'tally', '--out', count);
    assert.equal(tally.status, 0, tally.stderr);
    const one = tally.summary.constituencies.find((c) => c.constituency === '1');
    assert.deepEqual({ uuid: one.uuid, checked: one.checked }, { uuid: shared.uuid, checked: true });
    assert.ok(one.numTallied >= 1);
    const box = join(count, '1');
    // The other boxes set up with these trustees (earlier tests gave other constituencies a
    // contest): decrypted once, each trustee with its own tool, so only constituency 1 is probed.
    for (const c of tally.summary.constituencies.filter((k) => k.constituency !== '1')) {
      decryptWithOurs(c.dir);
      writeFileSync(join(c.dir, 'partial-2.json'), decryptWithBelenios(c.dir));
    }

    // Trustee 1 with ours, trustee 2 with belenios-tool: the same file format.
    decryptWithOurs(box);
    // A missing partial: nothing is published, the file is named.
    const missing = command('ballot', 'result', '--dir', count);
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /partial-2\.json : manquant/);
    const theirs = decryptWithBelenios(box);
    writeFileSync(join(box, 'partial-2.json'), theirs);
    // A forged one (a digit of a factor changed, its owned record made to match): refused, named.
    const [pdLine] = theirs.split('\n');
    // The last digit of the first factor: still a number below p, no longer α^x.
    const forgedPd = pdLine.replace(
      /"decryption_factors":\[\["(\d+)(\d)"/,
      (_, head, d) => `"decryption_factors":[["${head}${(Number(d) + 1) % 10}"`,
    );
    const lib = await loadBallotLib();
    writeFileSync(join(box, 'partial-2.json'), `${forgedPd}\n${await lib.ownedJson(2, forgedPd)}\n`);
    const forged = command('ballot', 'result', '--dir', count);
    assert.notEqual(forged.status, 0);
    assert.match(forged.stderr, /partial-2\.json : le déchiffrement de l’autorité n° 2 ne se vérifie pas/);
    writeFileSync(join(box, 'partial-2.json'), theirs);

    const result = command('ballot', 'result', '--dir', count);
    assert.equal(result.status, 0, result.stderr);
    const published = result.summary.constituencies.find((c) => c.constituency === '1');
    // The demo voter voted "Candidat B" in the previous test; nobody else in constituency 1 did.
    assert.deepEqual(published.counts, [
      { answer: 'Candidat A', count: 0 },
      { answer: 'Candidat B', count: 1 },
      { answer: 'Candidat C', count: 0 },
    ]);
    assert.equal(published.blank, 0);
    const verify = verifyDir(box);
    assert.equal(verify.status, 0, `${verify.stdout}\n${verify.stderr}`);
    assert.match(`${verify.stdout}${verify.stderr}`, /all checks passed/);

    // A tampered archive (one byte of the result record changed) is refused by belenios-tool.
    const tampered = join(shared.dir, 'tampered');
    mkdirSync(tampered);
    const bytes = readFileSync(join(box, `${shared.uuid}.bel`));
    const at = bytes.lastIndexOf(Buffer.from('{"result":[['));
    bytes[at + 12] = bytes[at + 12] === 0x30 ? 0x31 : 0x30;
    writeFileSync(join(tampered, `${shared.uuid}.bel`), bytes);
    const refused = verifyDir(tampered);
    assert.notEqual(refused.status, 0, 'belenios-tool must refuse a tampered archive');

    // The public results page, in Chromium: the counts, accessible, in both languages.
    const browser = await launch();
    try {
      const page = await browser.newPage({ locale: 'fr-FR' });
      await page.goto(`${BASE_URL}/resultats`);
      const row = page.locator('#c-1 ~ table tbody tr', { hasText: 'Candidat B' });
      assert.match((await row.textContent()).replace(/\s+/g, ' '), /Candidat B\s*1\s*100/);
      assert.match(await page.textContent('main'), /belenios-tool election verify/);
      let violations = await checkA11y(page);
      assert.deepEqual(violations, [], `axe on /resultats:\n${describeViolations(violations)}`);
      await screenshot(page, 'results-fr');
      await page.goto(`${BASE_URL}/resultats?lang=en`);
      assert.match(await page.textContent('main'), /Blank vote/);
      violations = await checkA11y(page);
      assert.deepEqual(violations, [], `axe on /resultats (en):\n${describeViolations(violations)}`);
    } finally {
      await browser.close();
    }
  },
);
