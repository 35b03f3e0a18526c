// `npm run audit -- verify` end to end, against `wrangler dev` and its local state: intact
// after real logins (their events through the AUDIT queue), then broken — named, exit 1 —
// once someone with the database in hand drops a trigger and rewrites an event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { BASE_URL } from './browser.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const OFFLINE = { ...process.env, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' };

function audit(...args) {
  const res = spawnSync('npm', ['run', '--silent', 'audit', '--', 'verify', '--url', BASE_URL, '--json', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: OFFLINE,
  });
  return { status: res.status, summary: JSON.parse(res.stdout.trim().split('\n').pop()), stderr: res.stderr };
}

/** A failed login (an identifier nobody has: no voter's throttle is spent). */
async function failedLogin() {
  const page = await (await fetch(`${BASE_URL}/`)).text();
  const captchaId = /name="captchaId" value="([A-Za-z0-9_-]+)"/.exec(page)[1];
  const { digits } = await (await fetch(`${BASE_URL}/_dev/captcha/${captchaId}`)).json();
  const res = await fetch(`${BASE_URL}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { origin: BASE_URL, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ identifier: 'ZZZZ-ZZZZ-ZZZZ', password: 'not-a-password', captchaId, captcha: digits }),
  });
  assert.equal(res.status, 401);
}

test('verify: intact after real logins, then names the event rewritten behind the portal', async () => {
  const before = audit();
  assert.equal(before.status, 0, before.stderr);
  await failedLogin();
  await failedLogin();
  let after;
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 250));
    after = audit();
    // The consumer tells the AuditHead object just after its batch: until then, a verify that
    // reads the heads in between sees the new events past the head (unwitnessed, not broken).
    if (after.summary.events >= before.summary.events + 2 && after.summary.unwitnessed === 0) break;
  }
  assert.equal(after.status, 0, after.stderr);
  assert.equal(after.summary.ok, true);
  assert.equal(after.summary.events, before.summary.events + 2);
  assert.equal(after.summary.unwitnessed, 0);
  assert.match(after.stderr, /intact/);

  const heads = await (await fetch(`${BASE_URL}/_dev/audit/heads`)).json();
  const queue = heads.find((h) => h.chain === 'queue');
  assert.equal(audit('--head', `queue:${queue.seq}:${queue.hash}`).status, 0);
  assert.equal(audit('--head', `queue:${queue.seq}:${'0'.repeat(64)}`).status, 1);

  // REPLACE is refused by the database now; someone holding the database drops the triggers.
  const persist = process.env.PERSIST_TO ? ['--persist-to', process.env.PERSIST_TO] : [];
  const sql = `DROP TRIGGER audit_events_no_update; UPDATE audit_events SET outcome = 'success' WHERE chain = 'queue' AND seq = ${queue.seq};`;
  const tamper = spawnSync('npx', ['wrangler', 'd1', 'execute', 'DB', '--local', ...persist, '--command', sql], {
    cwd: ROOT,
    encoding: 'utf8',
    env: OFFLINE,
  });
  assert.equal(tamper.status, 0, tamper.stderr);
  const broken = audit();
  assert.equal(broken.status, 1);
  assert.equal(broken.summary.ok, false);
  assert.equal(broken.summary.chain, 'queue');
  assert.equal(broken.summary.seq, queue.seq);
  assert.match(broken.summary.reason, /altered/);
  assert.match(broken.stderr, new RegExp(`BROKEN at chain queue, seq ${queue.seq}`));
});
