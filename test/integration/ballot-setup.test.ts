/**
 * `ballot setup` through the operator API: refusals, each constituency's election with the
 * trustees' joint key, credentials page by page (the private one sealed, the public one in the
 * frozen list), the freeze into the ballot box, the roll frozen for that constituency, and the
 * window carried to the box by `election set`.
 */
import { env } from 'cloudflare:test';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  derivePublicCredential,
  electionPublicKey,
  generateTrusteeKey,
  isValidPrivateCredential,
  parseElection,
  sha256Hex,
  trusteePublicKeyJson,
  type TrusteePublicKey,
} from '../../src/ballot';
import { openSecret } from '../../src/platform/delivery/seal';
import { DAY, T0, seedElection, seedVoter } from '../helpers';
import { local, operatorApi } from '../operator-helpers';
import { runScheduled } from '../renewal-helpers';
import { WIPE_PAGE, wipeCredentialsAtClosing } from '../../src/platform/ballot/closing';
import { database } from '../../src/platform/database';
import { CREDENTIALS_PAGE } from '../../src/platform/ballot/box';

const bindings = { ...env, ...local } as Cloudflare.Env;
const call = operatorApi(bindings);
let keys: TrusteePublicKey[];
let pubkeys: string[];

beforeAll(async () => {
  keys = [(await generateTrusteeKey()).publicKey, (await generateTrusteeKey()).publicKey];
  pubkeys = keys.map(trusteePublicKeyJson);
});

const contest = (constituency: string, answers = ['Candidat A', 'Candidat B']) => ({
  constituency,
  question: `Circonscription ${constituency}`,
  answers,
  blank: true,
});

const row = (n: number, constituency: string) => ({
  line: n + 2,
  numic: String(20_000_000 + n),
  email: `v${n}@example.org`,
  phone: `+336123400${String(n).padStart(2, '0')}`,
  constituency,
  language: 'fr',
  consulate: null,
});

/** The whole of `ballot setup` as the command drives it. */
async function setUp(beforeFreeze?: () => Promise<unknown>) {
  const prepared = await call('/ballot/setup', { trustees: pubkeys });
  expect(prepared.status).toBe(200);
  const out = [];
  for (const p of prepared.body.constituencies as { constituency: string }[]) {
    let after = 0;
    for (;;) {
      const page = await call('/ballot/credentials', { constituency: p.constituency, after });
      if (page.body.next === null) break;
      after = page.body.next as number;
    }
    await beforeFreeze?.();
    out.push(await call('/ballot/freeze', { constituency: p.constituency }));
  }
  return out;
}

beforeEach(async () => {
  await seedElection(T0 - DAY, T0 + 4 * DAY);
  await seedVoter({ constituency: '1' });
  const imported = await call('/roll/rows', {
    run: 'setup-run-1',
    replace: false,
    rows: [row(1, '1'), row(2, '2'), row(3, '2')],
  });
  expect(imported.body).toMatchObject({ imported: 3 });
});

describe('ballot setup', () => {
  it('is refused before contests, with one trustee, or with a key whose proof fails', async () => {
    expect((await call('/ballot/setup', { trustees: pubkeys })).body.error).toBe('no_contests');
    await call('/election/contests', { contests: [contest('1')] });
    expect((await call('/ballot/setup', { trustees: [pubkeys[0]!] })).body.error).toBe('trustees_few');
    expect((await call('/ballot/setup', { trustees: [pubkeys[0]!, pubkeys[0]!] })).body.error).toBe('trustees_few');
    const forged = pubkeys[1]!.replace(/"response":"(\d)/, (_, d: string) => `"response":"${(Number(d) + 1) % 10}`);
    const bad = await call('/ballot/setup', { trustees: [pubkeys[0]!, forged] });
    expect(bad).toMatchObject({ status: 400, body: { error: 'trustees_invalid' } });
    expect(bad.body.message).toContain('n° 2');
  });

  it("freezes each constituency's election, credentials and list into its box", async () => {
    await call('/election/contests', { contests: [contest('1'), contest('2', ['D', 'E', 'F'])] });
    const frozen = await setUp();
    expect(frozen.map((f) => [f.status, f.body.constituency, f.body.credentials])).toEqual([
      [200, '1', 2],
      [200, '2', 2],
    ]);
    const box = env.BALLOT_BOX.get(env.BALLOT_BOX.idFromName('box:2'));
    const info = await box.info();
    expect(info).toMatchObject({ setUp: true, uuid: frozen[1]!.body.uuid, fingerprint: frozen[1]!.body.fingerprint });
    expect(info).toMatchObject({ opensAt: T0 - DAY, closesAt: T0 + 4 * DAY });
    // The election: the trustees' joint key, the contest's answers and blank.
    const [electionRecord] = await box.records(0, 1);
    const election = parseElection(electionRecord!.body);
    expect(election.publicKey).toBe(electionPublicKey(keys));
    expect(election.questions[0]).toMatchObject({ answers: ['D', 'E', 'F'], blank: true, min: 1, max: 1 });

    // Each voter's private credential is sealed, opens with the key, and is in the frozen list.
    const { results } = await env.DB.prepare(
      `SELECT voter_id, public_credential, sealed FROM ballot_credentials WHERE constituency = '2'`,
    ).all<{ voter_id: number; public_credential: string; sealed: string }>();
    const frozenList = await box.credentialsPage('');
    expect(frozenList).toHaveLength(results.length);
    for (const r of results) {
      const cred = await openSecret(env.DELIVERY_KEY, r.sealed, {
        messageId: `ballot-credential:${election.uuid}:${r.voter_id}`,
      });
      expect(isValidPrivateCredential(cred!)).toBe(true);
      expect((await derivePublicCredential(cred!, election.uuid)).toString()).toBe(r.public_credential);
      expect(frozenList).toContain(r.public_credential);
    }
    expect(
      await env.DB.prepare(`SELECT constituency FROM contests WHERE ballot_set_up_at IS NOT NULL ORDER BY 1`).all(),
    ).toMatchObject({ results: [{ constituency: '1' }, { constituency: '2' }] });
    // Run twice: refused.
    expect((await call('/ballot/setup', { trustees: pubkeys })).body.error).toBe('ballot_already');
  });

  it('refuses to freeze a constituency whose voters lack credentials', async () => {
    await call('/election/contests', { contests: [contest('1')] });
    expect((await call('/ballot/freeze', { constituency: '1' })).body.error).toBe('not_prepared');
    await call('/ballot/setup', { trustees: pubkeys });
    const early = await call('/ballot/freeze', { constituency: '1' });
    expect(early).toMatchObject({ status: 409, body: { error: 'credentials_missing' } });
    expect(early.body.message).toContain('2 électeur(s)');
  });

  it('then takes no new voter into a set-up constituency and moves nobody in or out; the others stay open', async () => {
    await call('/election/contests', { contests: [contest('1')] });
    await setUp();
    const chunk = await call('/roll/rows', {
      run: 'setup-run-2',
      replace: false,
      rows: [row(4, '1'), { ...row(2, '1') }, row(5, '3'), { ...row(1, '1'), email: 'changed@example.org' }],
    });
    expect(chunk.body).toMatchObject({ imported: 1, updated: 1 });
    expect((chunk.body.rejected as { line: number }[]).map((r) => r.line).sort()).toEqual([4, 6]);
    expect(JSON.stringify(chunk.body.rejected)).toContain('l’urne est constituée');
  });

  it('carries a new window to the boxes at once (election set)', async () => {
    await call('/election/contests', { contests: [contest('1')] });
    await setUp();
    const closes = new Date(T0 + DAY).toISOString();
    expect((await call('/election', { closes })).status).toBe(200);
    const info = await env.BALLOT_BOX.get(env.BALLOT_BOX.idFromName('box:1')).info();
    expect(info.closesAt).toBe(T0 + DAY);
  });

  it('wipes every sealed credential once the vote has closed (the minute cron), in pages, keeping the public ones', async () => {
    await call('/election/contests', { contests: [contest('1'), contest('2')] });
    await setUp();
    const sealed = async () =>
      (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ballot_credentials WHERE sealed IS NOT NULL`).first<{
        n: number;
      }>())!.n;
    expect(await sealed()).toBe(4);
    await runScheduled(bindings, '* * * * *', T0);
    expect(await sealed()).toBe(4);
    expect((await call('/election', { closes: new Date(T0 - 1000).toISOString() })).status).toBe(200);
    await runScheduled(bindings, '* * * * *', T0);
    expect(await sealed()).toBe(0);
    expect(
      await env.DB.prepare(`SELECT COUNT(*) AS n FROM ballot_credentials WHERE public_credential <> ''`).first(),
    ).toEqual({ n: 4 });
  });

  it('wipes more credentials than one page holds, a page per statement', async () => {
    await call('/election/contests', { contests: [contest('1')] });
    await setUp();
    const base = 900_000;
    const fake = Array.from({ length: WIPE_PAGE + 5 }, (_, i) =>
      env.DB.prepare(
        `INSERT INTO ballot_credentials (voter_id, constituency, public_credential, sealed, created_at) VALUES (?, '9', 'x', 'sealed', 0)`,
      ).bind(base + i),
    );
    await env.DB.batch(fake);
    expect(await wipeCredentialsAtClosing(database(env.DB), 1, T0 + 5 * DAY)).toBe(WIPE_PAGE + 5 + 2);
    expect(await wipeCredentialsAtClosing(database(env.DB), 1, T0 + 5 * DAY)).toBe(0);
  });

  it('freezes a list of more credentials than one page: all of them staged, in order, the deactivated left out', async () => {
    await call('/election/contests', { contests: [contest('1'), contest('3')] });
    const many = CREDENTIALS_PAGE + 3;
    await env.DB.batch(
      Array.from({ length: many }, (_, i) =>
        env.DB.prepare(
          `INSERT INTO voters (election_id, numic, email, phone, constituency, created_at, updated_at)
             VALUES ((SELECT id FROM elections LIMIT 1), ?, ?, '+33612340000', '3', 0, 0)`,
        ).bind(String(30_000_000 + i), `m${i}@example.org`),
      ),
    );
    // A voter deactivated after their credential was made, before the freeze.
    const frozen = await setUp(() =>
      env.DB.prepare(`UPDATE voters SET deactivated_at = ? WHERE numic = '30000007'`).bind(T0).run(),
    );
    expect(frozen.map((f) => [f.status, f.body.constituency, f.body.credentials])).toEqual([
      [200, '1', 2],
      [200, '3', many - 1],
    ]);
    const { results } = await env.DB.prepare(
      `SELECT public_credential AS c FROM ballot_credentials JOIN voters ON voters.id = voter_id
         WHERE ballot_credentials.constituency = '3' AND deactivated_at IS NULL ORDER BY 1`,
    ).all<{ c: string }>();
    const box = env.BALLOT_BOX.get(env.BALLOT_BOX.idFromName('box:3'));
    const list: string[] = [];
    for (let page = await box.credentialsPage(''); page.length > 0; page = await box.credentialsPage(list.at(-1)!))
      list.push(...page);
    expect(list).toEqual(results.map((r) => r.c));
    // The credentials record the Setup event names is the hash of that whole list.
    const [, , record] = await box.records(0, 3);
    expect(record!.streamed).toBe(JSON.stringify(list).length);
    expect(record!.hash).toBe(await sha256Hex(JSON.stringify(list)));
  });
});
