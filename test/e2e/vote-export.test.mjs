// `npm run ballot -- setup` and `export` end to end, against `wrangler dev` (scripts/e2e.mjs):
// two trustees' keys made offline, constituency 1's contest frozen into its ballot box with the
// demo voter's credential, the box exported as `<dir>/1/<uuid>.bel`, and Debian's belenios-tool
// — the independent verifier — accepting it. Named to run last: a frozen constituency takes no
// new voter, which the roll tests before it rely on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE_URL } from './browser.mjs';
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

test('ballot setup freezes a constituency; its export passes belenios-tool election verify', { skip }, async () => {
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

  const out = join(dir, 'export');
  const exported = command('ballot', 'export', out);
  assert.equal(exported.status, 0, exported.stderr);
  assert.deepEqual(readdirSync(join(out, '1')), [`${frozen.uuid}.bel`]);
  const verify = spawnSync('belenios-tool', ['election', 'verify', '--dir', join(out, '1')], { encoding: 'utf8' });
  assert.equal(verify.status, 0, `${verify.stdout}\n${verify.stderr}`);
  assert.match(`${verify.stdout}${verify.stderr}`, /all checks passed/);
});
