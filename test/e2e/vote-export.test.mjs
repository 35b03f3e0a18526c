// The vote end to end, against `wrangler dev` (scripts/e2e.mjs): two trustees' keys made
// offline, constituency 1's contest frozen into its ballot box (`npm run ballot -- setup`); the
// demo voter votes in Chromium (the booth, axe, its Web Worker, the receipt on screen and by
// e-mail, the tracker found on /verifier, no second vote); the box exported
// (`ballot -- export`) as `<dir>/1/<uuid>.bel`, holding that ballot, and Debian's belenios-tool
// — the independent verifier — accepting it. Named to run last: a frozen constituency takes no
// new voter, which the roll tests before it rely on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
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

test('a voter votes in the booth; the box, exported, passes belenios-tool election verify', { skip }, async () => {
  assert.ok(haveTool, 'belenios-tool is required in CI (.ci/run installs it)');
  const dir = mkdtempSync(join(tmpdir(), 'vote-export-'));
  const lib = await loadBallotLib();
  const pubkeys = [];
  for (const i of [1, 2]) {
    const { publicKey } = await lib.generateTrusteeKey();
    const file = join(dir, `trustee-${i}.pubkey`);
    writeFileSync(file, `${lib.trusteePublicKeyJson(publicKey)}\n`);
    pubkeys.push(file);
  }
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
