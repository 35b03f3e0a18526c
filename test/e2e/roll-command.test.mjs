// `npm run roll -- import` end to end, against `wrangler dev` (scripts/e2e.mjs) with the
// operator password of .dev.vars: a real file through the real command into the local D1, the
// rejects file beside it, an idempotent re-run, a file refused whole, and --replace with its
// guard. The demo voters stay listed (and unchanged) in every --replace file: the other test
// files log them in.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_URL, launch, outbox, readCode, waitForMessage } from './browser.mjs';

let browser;
after(async () => browser?.close());

const ROOT = new URL('../..', import.meta.url).pathname;
const OFFLINE = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };
const dir = mkdtempSync(join(tmpdir(), 'roll-e2e-'));

function roll(...args) {
  const res = spawnSync('npm', ['run', '--silent', 'roll', '--', ...args, '--url', BASE_URL], {
    cwd: ROOT,
    encoding: 'utf8',
    env: OFFLINE,
  });
  const last = res.stdout.trim().split('\n').pop();
  return { status: res.status, summary: last ? JSON.parse(last) : null, stderr: res.stderr };
}

function csv(name, text) {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

// The voters scripts/e2e.mjs loads, exactly as they are (local.mjs DEMO_VOTERS, E2E_VOTERS).
const LOADED = [
  '00123456;electeur@example.org;+33600000001;1;fr',
  '00654321;second@example.org;+33600000002;2;fr',
  '00111111;troisieme@example.org;+33600000003;3;fr',
  '00222222;clavier@example.org;+33600000004;1;fr',
];

test('roll import: good rows in, bad rows in the rejects file, the summary of the contract', () => {
  const file = csv(
    'roll.csv',
    '\uFEFFNUMIC;Email;Phone;Constituency;Language;Consulate;Country;Extra\r\n' +
      '70000001;un@example.org;+33612345671;1;fr;Londres;;x\r\n' +
      '70000002;deux@example.org;07911 123456;4;en;Londres;GB;y\r\n' +
      '"70000003";"trois@example.org";"+1 415 555 2671";11;en;"San Francisco";US;z\r\n' +
      '70000004;pas-une-adresse;+33612345674;1;fr;;;\r\n' +
      '70000005;fixe@example.org;+33 1 42 00 00 00;1;fr;;;\r\n' +
      '\r\n',
  );
  const res = roll('import', file, '--json');
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(
    { ...res.summary, rejectsFile: undefined },
    { imported: 3, updated: 0, unchanged: 0, deactivated: 0, rejected: 2, rejectsFile: undefined },
  );
  assert.equal(res.summary.rejectsFile, join(dir, 'roll.rejects.csv'));
  const rejects = readFileSync(res.summary.rejectsFile, 'utf8');
  assert.match(rejects, /^line,/);
  assert.match(rejects, /\n5,/);
  assert.match(rejects, /\n6,/);

  const again = roll('import', file, '--json');
  assert.equal(again.status, 0, again.stderr);
  assert.equal(again.summary.imported, 0);
  assert.equal(again.summary.unchanged, 3);
});

test('roll import refuses a file missing a required column, whole, and imports nothing', () => {
  const file = csv('nophone.csv', 'numic,email,constituency\n70000009,neuf@example.org,2\n');
  const res = roll('import', file, '--json');
  assert.notEqual(res.status, 0);
  assert.match(res.stderr, /phone/);
  const back = roll(
    'import',
    csv('check.csv', 'numic,email,phone,constituency\n70000009,neuf@example.org,+33612345679,2\n'),
    '--json',
  );
  assert.equal(back.summary.imported, 1, 'the refused file wrote nothing: the voter is new now');
});

test('roll import --replace: refused above 10 % of the active roll, then forced; departures deactivated', () => {
  const head = 'numic;email;phone;constituency;language\n';
  // Everyone but 70000009 and 70000001.
  const listed = [
    ...LOADED,
    '70000002;deux@example.org;+447911123456;4;en',
    '70000003;trois@example.org;+14155552671;11;en',
  ];
  const file = csv('replace.csv', head + listed.join('\n') + '\n');
  const refused = roll('import', file, '--replace', '--json');
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /--allow-mass-deactivation/);
  const forced = roll('import', file, '--replace', '--allow-mass-deactivation', '--json');
  assert.equal(forced.status, 0, forced.stderr);
  assert.equal(forced.summary.deactivated, 2);
  assert.ok(forced.summary.unchanged >= 4);
  assert.ok(existsSync(forced.summary.rejectsFile) || forced.summary.rejectsFile === null);
});

test('roll convoke --only-new: voters never convoked get credentials that log in, in Chromium', async () => {
  const res = roll('convoke', '--only-new', '--json');
  assert.equal(res.status, 0, res.stderr);
  // 70000002, 70000003 (imported above, still active); not the demo voters, already convoked.
  assert.deepEqual(res.summary, { convoked: 2 });
  assert.match(res.stderr, /convoqués \/ convoked/);
  const messages = await outbox();
  const mail = messages.filter((m) => m.to === 'deux@example.org').at(-1);
  const sms = messages.filter((m) => m.to === '+447911123456').at(-1);
  assert.ok(mail && sms, 'an e-mail and an SMS');
  assert.ok(mail.text.includes('70000002'), 'the e-mail recalls the NUMIC');
  const identifier = mail.text.split('\n').find((l) => /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(l));
  const password = sms.text.split('\n').find((l) => /^[a-z2-9]{12}$/.test(l));
  assert.ok(identifier && password, 'each credential alone on its line');
  assert.ok(!messages.some((m) => m.to === 'electeur@example.org' && /convocation/i.test(m.subject ?? '')));

  browser = await launch();
  const page = await browser.newPage({ locale: 'en-GB' });
  await page.goto(`${BASE_URL}/?lang=en`);
  await page.locator('#identifier').fill(identifier);
  await page.locator('#password').fill(password);
  await page.locator('#captcha').fill(await readCode(page));
  await page.locator('button[value="submit"]').click();
  await page.waitForURL(`${BASE_URL}/espace`);

  const again = roll('convoke', '--only-new', '--json');
  assert.equal(again.status, 0, again.stderr);
  assert.deepEqual(again.summary, { convoked: 0 }, 'nobody convoked twice');
});

test('roll resend: one credential of one voter, renewed and sent again; bad input refused', async () => {
  const toVoter = async () => (await outbox()).filter((m) => m.to === '+14155552671');
  // The convocation's SMS is there (the test above); the re-sent password comes after it.
  await waitForMessage((m) => m.to === '+14155552671');
  const before = (await toVoter()).length;
  const res = roll('resend', '--numic', '70000003', '--password', '--json');
  assert.equal(res.status, 0, res.stderr);
  assert.deepEqual(res.summary, { sent: 'password', to: '+141••••••71' });
  const deadline = Date.now() + 15_000;
  while ((await toVoter()).length === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 300));
  const sms = await toVoter();
  assert.equal(sms.length, before + 1, 'the re-sent password arrives');
  const password = (m) => m.text.split('\n').find((l) => /^[a-z2-9]{12}$/.test(l));
  assert.ok(password(sms.at(-1)) && password(sms.at(-1)) !== password(sms.at(-2)), 'a new password');
  // The identifier cannot follow within 24 hours (one renewal at a time).
  const refused = roll('resend', '--numic', '70000003', '--identifier');
  assert.notEqual(refused.status, 0);
  assert.match(refused.stderr, /one renewal at a time/);
  assert.equal(roll('resend', '--numic', '70000003').status, 2);
  assert.equal(roll('resend', '--numic', 'abc', '--password').status, 2);
  assert.notEqual(roll('convoke', '--rate', 'fast').status, 0);
});
