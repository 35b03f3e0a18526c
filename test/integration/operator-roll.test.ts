import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { INSERT_PARAMS, NUMICS_PER_STATEMENT, ROWS_PER_INSERT, massDeactivation } from '../../src/platform/roll/store';
import { DAY, DEMO, T0, harness, seedElection, seedVoter } from '../helpers';
import { local, operatorApi } from '../operator-helpers';
import { capturedQueues, outbox } from '../renewal-helpers';

const api = operatorApi;

const row = (n: number, over: Record<string, unknown> = {}) => ({
  line: n + 2,
  numic: String(10_000_000 + n),
  email: `voter${n}@example.org`,
  phone: `+3361234${String(n).padStart(4, '0')}`,
  constituency: String((n % 11) + 1),
  language: n % 2 ? 'en' : 'fr',
  consulate: n % 3 ? 'Londres' : null,
  ...over,
});

const demoRow = (over: Record<string, unknown> = {}) => ({
  line: 2,
  numic: DEMO.numic,
  email: DEMO.email,
  phone: DEMO.phone,
  constituency: '1',
  language: 'fr',
  consulate: null,
  ...over,
});

async function voterRow(numic: string) {
  return env.DB.prepare('SELECT * FROM voters WHERE numic = ?').bind(numic).first<Record<string, unknown>>();
}

async function login(identifier: string, password: string, bindings: Cloudflare.Env) {
  const h = harness(T0, bindings);
  const html = await (await h.get('/')).text();
  return h.post('/login', { identifier, password, ...(await h.code(html)) });
}

describe('roll import through the operator API', () => {
  beforeEach(async () => {
    await seedElection(T0 - 2 * DAY, T0 + 4 * DAY);
    await seedVoter();
  });

  it('imports new voters, finds them unchanged when sent again, and updates only what changed', async () => {
    const call = api({ ...env, ...local } as Cloudflare.Env);
    const rows = Array.from({ length: 40 }, (_, i) => row(i));
    expect((await call('/roll/rows', { run: 'run-first-0001', replace: false, rows })).body).toEqual({
      imported: 40,
      updated: 0,
      unchanged: 0,
      rejected: [],
    });
    const stored = await voterRow('10000007');
    expect(stored).toMatchObject({
      email: 'voter7@example.org',
      phone: '+33612340007',
      constituency: '8',
      language: 'en',
      consulate: 'Londres',
      identifier_hmac: null,
      password_hash: null,
      convoked_at: null,
      deactivated_at: null,
    });
    // An interrupted run sent again: nothing duplicated.
    expect((await call('/roll/rows', { run: 'run-again-0001', replace: false, rows })).body).toMatchObject({
      imported: 0,
      updated: 0,
      unchanged: 40,
    });
    expect((await env.DB.prepare('SELECT count(*) AS n FROM voters').first<{ n: number }>())!.n).toBe(41);
    const changed = rows.map((r, i) => (i === 7 ? { ...r, email: 'new7@example.org' } : r));
    expect((await call('/roll/rows', { run: 'run-third-0001', replace: false, rows: changed })).body).toMatchObject({
      imported: 0,
      updated: 1,
      unchanged: 39,
    });
    expect(await voterRow('10000007')).toMatchObject({ email: 'new7@example.org', phone: '+33612340007' });
    // Each chunk is audited with the operator who sent it.
    const events = (
      await env.DB.prepare(`SELECT event, detail, chain FROM audit_events WHERE event = 'operator.roll.import'`).all()
    ).results;
    expect(events).toHaveLength(3);
    expect(JSON.parse(events[2]!.detail as string)).toMatchObject({ operator: 'local', updated: 1, unchanged: 39 });
    expect(events[0]!.chain).toMatch(/^operator-\d$/);
  });

  it('keeps a convoked voter’s credentials, and tells the old address and phone when a contact changes', async () => {
    const q = capturedQueues({ ...env, ...local } as Cloudflare.Env);
    const call = api(q.bindings);
    const before = await voterRow(DEMO.numic);
    expect((await call('/roll/rows', { run: 'run-same-00001', replace: false, rows: [demoRow()] })).body).toMatchObject(
      {
        unchanged: 1,
      },
    );
    const moved = demoRow({ phone: '+447700900123', email: 'nouvelle@example.org' });
    expect((await call('/roll/rows', { run: 'run-moved-0001', replace: false, rows: [moved] })).body).toMatchObject({
      updated: 1,
    });
    const after = await voterRow(DEMO.numic);
    expect(after).toMatchObject({
      identifier_hmac: before!.identifier_hmac,
      password_hash: before!.password_hash,
      email: 'nouvelle@example.org',
      phone: '+447700900123',
    });
    expect((await login(DEMO.identifier, DEMO.password, q.bindings)).status).toBe(303);
    await q.flush();
    const messages = await outbox(harness(T0, q.bindings));
    const notices = messages.filter((m) => m.to === DEMO.email || m.to === DEMO.phone);
    expect(notices.map((m) => [m.channel, m.to]).sort()).toEqual([
      ['email', DEMO.email],
      ['sms', DEMO.phone],
    ]);
    const mail = notices.find((m) => m.channel === 'email')!;
    expect(mail.text).toContain('adresse électronique');
    expect(mail.text).toContain('numéro de téléphone');
    expect(messages.some((m) => m.to === 'nouvelle@example.org' || m.to === '+447700900123')).toBe(false);
    const audited = await env.DB.prepare(
      `SELECT numic_hmac, detail FROM audit_events WHERE event = 'roll.contact_changed'`,
    ).all();
    expect(audited.results).toHaveLength(1);
    expect(audited.results[0]!.numic_hmac).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(audited.results)).not.toContain('nouvelle@example.org');
  });

  it('does not notify a voter never convoked', async () => {
    const q = capturedQueues({ ...env, ...local } as Cloudflare.Env);
    const call = api(q.bindings);
    await call('/roll/rows', { run: 'run-new-000001', replace: false, rows: [row(1)] });
    await call('/roll/rows', { run: 'run-new-000002', replace: false, rows: [row(1, { phone: '+33612349999' })] });
    await q.flush();
    expect((await outbox(harness(T0, q.bindings))).filter((m) => m.to === 'voter1@example.org')).toEqual([]);
  });

  it('refuses a chunk’s duplicate NUMICs, both rows, each naming the other', async () => {
    const call = api({ ...env, ...local } as Cloudflare.Env);
    const res = await call('/roll/rows', {
      run: 'run-dup-000001',
      replace: false,
      rows: [row(1), { ...row(2), numic: row(1).numic, line: 9 }, row(3)],
    });
    expect(res.body).toMatchObject({ imported: 1 });
    expect(res.body.rejected).toEqual([
      { line: 3, reason: expect.stringContaining('ligne 9') },
      { line: 9, reason: expect.stringContaining('ligne 3') },
    ]);
    expect(await voterRow(row(1).numic)).toBeNull();
  });

  it('refuses rows the schema refuses, naming the field, and writes nothing', async () => {
    const call = api({ ...env, ...local } as Cloudflare.Env);
    for (const bad of [
      { ...row(1), phone: '0612345678' },
      { ...row(1), constituency: '12' },
      { ...row(1), numic: '123' },
      { ...row(1), email: 'not-an-address' },
      { ...row(1), language: 'de' },
    ]) {
      const res = await call('/roll/rows', { run: 'run-bad-000001', replace: false, rows: [row(5), bad] });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('bad_request');
      expect(res.body.message).toMatch(/rows\.1\./);
    }
    expect(await voterRow(row(5).numic)).toBeNull();
    expect((await call('/roll/rows', { run: 'bad', replace: false, rows: [row(1)] })).status).toBe(400);
  });

  it('with --replace, deactivates the voters a run did not see — refused above 10 % unless forced', async () => {
    const call = api({ ...env, ...local } as Cloudflare.Env);
    const rows = Array.from({ length: 30 }, (_, i) => row(i));
    await call('/roll/rows', { run: 'run-base-00001', replace: false, rows });
    // 31 active (30 + the demo voter). A file without the demo voter and 3 others: 4 of 31.
    const run = 'run-replace-01';
    await call('/roll/rows', { run, replace: true, rows: rows.slice(0, 26) });
    // One row of the file was rejected by the command: its NUMIC still protects its voter.
    expect((await call('/roll/seen', { run, numics: [rows[26]!.numic] })).body).toEqual({ seen: 1 });
    const refused = await call('/roll/replace', { run, allowMassDeactivation: false });
    expect(refused).toMatchObject({
      status: 409,
      body: { error: 'mass_deactivation', wouldDeactivate: 4, active: 31 },
    });
    expect(refused.body.message).toContain('--allow-mass-deactivation');
    expect((await env.DB.prepare('SELECT count(*) AS n FROM voters WHERE deactivated_at IS NOT NULL').first())!.n).toBe(
      0,
    );
    const forced = await call('/roll/replace', { run, allowMassDeactivation: true });
    expect(forced.body).toEqual({ deactivated: 4 });
    expect((await voterRow(DEMO.numic))!.deactivated_at).toBe(T0);
    expect((await voterRow(rows[26]!.numic))!.deactivated_at).toBeNull();
    expect((await voterRow(rows[27]!.numic))!.deactivated_at).toBe(T0);
    // Never deleted; listed again, a voter is active again.
    expect((await call('/roll/rows', { run: 'run-back-00001', replace: false, rows: [rows[27]!] })).body).toMatchObject(
      {
        updated: 1,
      },
    );
    expect((await voterRow(rows[27]!.numic))!.deactivated_at).toBeNull();
    const audit = await env.DB.prepare(
      `SELECT detail FROM audit_events WHERE event = 'operator.roll.deactivate'`,
    ).first();
    expect(JSON.parse(audit!.detail as string)).toMatchObject({ operator: 'local', count: 4, forced: true });
  });

  it('counts the last 24 hours of deactivations in the 10 % guard', () => {
    expect(massDeactivation({ wouldDeactivate: 10, active: 100, recentlyDeactivated: 0 })).toBe(false);
    expect(massDeactivation({ wouldDeactivate: 11, active: 100, recentlyDeactivated: 0 })).toBe(true);
    // Two runs of 6 % each within a day: the second is refused.
    expect(massDeactivation({ wouldDeactivate: 6, active: 94, recentlyDeactivated: 6 })).toBe(true);
    expect(massDeactivation({ wouldDeactivate: 0, active: 1, recentlyDeactivated: 1 })).toBe(false);
  });

  it('binds at most 100 parameters per statement', () => {
    expect(ROWS_PER_INSERT * INSERT_PARAMS).toBeLessThanOrEqual(100);
    expect(ROWS_PER_INSERT).toBeGreaterThanOrEqual(8);
    expect(NUMICS_PER_STATEMENT + 1).toBeLessThanOrEqual(100);
  });

  it('takes a full chunk of 500 rows in one request', async () => {
    const call = api({ ...env, ...local } as Cloudflare.Env);
    const rows = Array.from({ length: 500 }, (_, i) => row(i));
    expect((await call('/roll/rows', { run: 'run-full-00001', replace: true, rows })).body).toMatchObject({
      imported: 500,
    });
    expect((await call('/roll/rows', { run: 'run-full-00002', replace: true, rows })).body).toMatchObject({
      unchanged: 500,
    });
    expect(
      (await env.DB.prepare(`SELECT count(*) AS n FROM voters WHERE seen_run = 'run-full-00002'`).first())!.n,
    ).toBe(500);
  });
});

describe('election settings through the operator API', () => {
  beforeEach(() => seedElection(T0 + 2 * DAY, T0 + 6 * DAY));

  it('sets the title and window, and refuses a closing before the opening', async () => {
    const call = api({ ...env, ...local } as Cloudflare.Env);
    const res = await call('/election', {
      title: 'Élections législatives 2027',
      opens: '2022-04-24T08:00:00+02:00',
      closes: '2022-04-30T20:00:00+02:00',
    });
    expect(res).toMatchObject({
      status: 200,
      body: {
        title: 'Élections législatives 2027',
        opens: '2022-04-24T06:00:00.000Z',
        closes: '2022-04-30T18:00:00.000Z',
      },
    });
    const bad = await call('/election', { closes: '2022-04-23T08:00:00+02:00' });
    expect(bad).toMatchObject({ status: 400, body: { error: 'close_before_open' } });
    expect(bad.body.messageEn).toBe('Closing must come after opening.');
    expect((await call('/election', { opens: 'tomorrow' })).status).toBe(400);
    expect((await call('/election', { opens: '2022-04-24T08:00:00' })).status).toBe(400); // no offset
    const audit = await env.DB.prepare(`SELECT detail FROM audit_events WHERE event = 'operator.election.set'`).first();
    expect(JSON.parse(audit!.detail as string)).toMatchObject({
      operator: 'local',
      title: 'Élections législatives 2027',
    });
  });

  it('takes effect at once: a login decided right after reads the new window', async () => {
    await seedElection(T0 - 2 * DAY, T0 + 4 * DAY);
    await seedVoter();
    const bindings = { ...env, ...local } as Cloudflare.Env;
    expect((await login(DEMO.identifier, DEMO.password, bindings)).status).toBe(303);
    // The voter has the form in hand; the operator closes the vote before they send it.
    const h = harness(T0, bindings);
    const code = await h.code(await (await h.get('/')).text());
    await api(bindings)('/election', { closes: new Date(T0 - 1000).toISOString() });
    const res = await h.post('/login', { identifier: DEMO.identifier, password: DEMO.password, ...code });
    expect(res.status).not.toBe(303);
    expect(res.headers.get('set-cookie') ?? '').not.toContain('session');
  });

  it('refuses to move the opening once the vote has opened', async () => {
    await seedElection(T0 - 2 * DAY, T0 + 4 * DAY);
    const call = api({ ...env, ...local } as Cloudflare.Env);
    const res = await call('/election', { opens: new Date(T0 - DAY).toISOString() });
    expect(res).toMatchObject({ status: 409, body: { error: 'opening_after_ballots' } });
    // The closing may still move (extended, or closed early).
    expect((await call('/election', { closes: new Date(T0 + 5 * DAY).toISOString() })).status).toBe(200);
  });

  it('refuses to move the window once the vote has closed: closing is final', async () => {
    await seedElection(T0 - 2 * DAY, T0 + 4 * DAY);
    const call = api({ ...env, ...local } as Cloudflare.Env);
    expect((await call('/election', { closes: new Date(T0 - 1000).toISOString() })).status).toBe(200);
    for (const change of [{ closes: new Date(T0 + DAY).toISOString() }, { opens: new Date(T0 - DAY).toISOString() }]) {
      const res = await call('/election', change);
      expect(res).toMatchObject({ status: 409, body: { error: 'closed_final' } });
      expect(res.body.message).toContain('la clôture est définitive');
    }
    expect((await call('/election', { title: 'Élections législatives 2022 (résultats)' })).status).toBe(200);
  });

  it('stores contests, refusing unknown constituencies, fewer than two answers and locked ones', async () => {
    const call = api({ ...env, ...local } as Cloudflare.Env);
    const contest = (constituency: string, answers = ['Liste A', 'Liste B']) => ({
      constituency,
      question: `Circonscription ${constituency} : votre choix`,
      answers,
      blank: true,
    });
    const ok = await call('/election/contests', { contests: [contest('1'), contest('11', ['X', 'Y', 'Z'])] });
    expect(ok.status).toBe(200);
    expect((ok.body.contests as unknown[]).length).toBe(2);
    for (const [contests, error] of [
      [[contest('12')], 'unknown_constituency'],
      [[contest('0')], 'unknown_constituency'],
      [[contest('2', ['Seule'])], 'few_answers'],
      [[contest('2', ['Même', 'Même'])], 'few_answers'],
      [[contest('2'), contest('2')], 'duplicate_contest'],
    ] as const) {
      expect((await call('/election/contests', { contests })).body.error).toBe(error);
    }
    await env.DB.prepare(`UPDATE contests SET ballot_set_up_at = ? WHERE constituency = '1'`).bind(T0).run();
    const locked = await call('/election/contests', { contests: [contest('1', ['Autre', 'Choix'])] });
    expect(locked).toMatchObject({ status: 409, body: { error: 'contest_locked' } });
    const read = await call('/election');
    expect((read.body.contests as { constituency: string; answers: string[] }[])[0]).toMatchObject({
      constituency: '1',
      answers: ['Liste A', 'Liste B'],
      locked: true,
    });
  });
});

describe('a new deployment, before any election', () => {
  beforeEach(async () => {
    await env.DB.prepare('DELETE FROM elections').run();
  });

  it('refuses an import and a partial setting, then creates the election from a full one', async () => {
    const call = api({ ...env, ...local } as Cloudflare.Env);
    const early = await call('/roll/rows', { run: 'run-early-0001', replace: false, rows: [row(1)] });
    expect(early).toMatchObject({ status: 409, body: { error: 'election_missing' } });
    expect(early.body.message).toContain('npm run election -- set');
    expect((await call('/election', { title: 'Législatives 2027' })).body.error).toBe('election_missing');
    expect((await call('/election')).status).toBe(404);
    const created = await call('/election', {
      title: 'Législatives 2027',
      opens: new Date(T0 + 10 * DAY).toISOString(),
      closes: new Date(T0 + 16 * DAY).toISOString(),
    });
    expect(created).toMatchObject({ status: 200, body: { title: 'Législatives 2027' } });
    const stored = await env.DB.prepare('SELECT roll_loaded_at, opens_at FROM elections').first<
      Record<string, number>
    >();
    expect(stored!.roll_loaded_at).toBe(stored!.opens_at);
    // The first import opens the renewal screens: the roll is loaded now.
    expect((await call('/roll/rows', { run: 'run-first-0001', replace: false, rows: [row(1)] })).status).toBe(200);
    expect((await env.DB.prepare('SELECT roll_loaded_at FROM elections').first())!.roll_loaded_at).toBe(T0);
  });
});
