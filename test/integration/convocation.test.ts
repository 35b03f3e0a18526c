import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import worker from '../../src/index';
import type { QueuedConvocation } from '../../src/platform/convocation';
import { DAY, DEMO, harness, seedElection, seedVoter } from '../helpers';
import { local, operatorApi } from '../operator-helpers';
import { capturedQueues, outbox, type OutboxMessage } from '../renewal-helpers';

let START = 0;

/** The portal with its CONVOKE queue captured: the test runs the consumer itself. */
function setup() {
  const q = capturedQueues({ ...env, ...local } as Cloudflare.Env);
  const convokes: QueuedConvocation[] = [];
  const CONVOKE = {
    async send(body: QueuedConvocation) {
      convokes.push(structuredClone(body));
    },
    async sendBatch(messages: { body: QueuedConvocation }[]) {
      for (const m of messages) convokes.push(structuredClone(m.body));
    },
  } as unknown as Queue;
  const bindings = { ...q.bindings, CONVOKE } as Cloudflare.Env;
  const api = operatorApi(bindings, () => START);
  const call = async (path: string, body: unknown) => (await api(path, body)).body;
  /** Runs the Worker's own CONVOKE consumer on these messages (a batch as the runtime gives it). */
  const consume = async (messages: QueuedConvocation[]) => {
    const batch = createMessageBatch(
      'isoloir-convoke',
      messages.map((body, i) => ({ id: `c${i}-${Math.random()}`, timestamp: new Date(START), attempts: 1, body })),
    );
    const ctx = createExecutionContext();
    await (worker.queue as (b: MessageBatch, e: Cloudflare.Env, c: ExecutionContext) => Promise<void>)(
      batch,
      bindings,
      ctx,
    );
    return getQueueResult(batch, ctx);
  };
  /** Opens (or resumes) a round and hands every remaining voter to the queue. */
  const run = async (onlyNew = false) => {
    const round = (await call('/roll/convoke/start', { onlyNew })) as {
      round: number;
      onlyNew: boolean;
      resumed: boolean;
    };
    const page = await call('/roll/convoke/enqueue', { round: round.round, onlyNew, after: 0, limit: 1000 });
    return { round, page };
  };
  const h = harness(START, bindings);
  return { q, h, call, consume, run, convokes };
}

const rows = (ns: number[]) =>
  ns.map((n) => ({
    line: n + 2,
    numic: String(70_000_000 + n),
    email: `convoque${n}@example.org`,
    phone: `+3361200${String(n).padStart(4, '0')}`,
    constituency: '2',
    language: n % 2 ? 'en' : 'fr',
    consulate: null,
  }));

/** The identifier (alone on its line, grouped) of an e-mail and the password of an SMS. */
function credentialsOf(messages: OutboxMessage[], email: string, phone: string) {
  const mail = messages.filter((m) => m.to === email);
  const sms = messages.filter((m) => m.to === phone);
  const identifier = mail
    .at(-1)
    ?.text.split('\n')
    .find((l) => /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(l));
  const password = sms
    .at(-1)
    ?.text.split('\n')
    .find((l) => /^[a-z2-9]{12}$/.test(l));
  return { mails: mail.length, sms: sms.length, identifier, password, mail: mail.at(-1), text: sms.at(-1) };
}

async function login(h: ReturnType<typeof harness>, identifier: string, password: string) {
  const html = await (await h.get('/')).text();
  return h.post('/login', { identifier, password, ...(await h.code(html)) });
}

async function allText(): Promise<string> {
  const tables = ['voters', 'audit_events', 'outbox', 'delivery_outcomes', 'elections'];
  let out = '';
  for (const t of tables) out += JSON.stringify((await env.DB.prepare(`SELECT * FROM ${t}`).all()).results);
  return out;
}

describe('convocations', () => {
  beforeEach(async () => {
    START = Math.floor(Date.now() / 60_000) * 60_000;
    await seedElection(START - 2 * DAY, START + 4 * DAY);
    await seedVoter();
  });

  it('sends each voter an e-mail (NUMIC, identifier) and an SMS (password) that log in; nothing plain stays', async () => {
    const { q, h, call, consume, run, convokes } = setup();
    // Every log line of the run, to look for the credentials afterwards.
    const lines: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...a: unknown[]) => void lines.push(a.map(String).join(' '))),
    );
    await call('/roll/rows', { run: 'run-convoke-01', replace: false, rows: rows([1, 2]) });
    const { round, page } = await run();
    expect(round).toMatchObject({ round: 1, resumed: false });
    expect(page).toMatchObject({ enqueued: 3 }); // the two new voters and the demo voter
    await consume(convokes);
    await q.flush();
    const messages = await outbox(h);
    const first = credentialsOf(messages, 'convoque1@example.org', '+33612000001');
    expect(first).toMatchObject({ mails: 1, sms: 1 });
    expect(first.identifier).toBeDefined();
    expect(first.password).toBeDefined();
    expect(first.mail!.text).toContain('70000001');
    expect(first.mail!.text).toContain('Your voting identifier'); // voter 1 reads English
    expect((await login(h, first.identifier!, first.password!)).status).toBe(303);
    // The demo voter's old credentials are replaced by the new ones.
    expect((await login(h, DEMO.identifier, DEMO.password)).status).toBe(401);
    const demo = credentialsOf(messages, DEMO.email, DEMO.phone);
    expect((await login(h, demo.identifier!, demo.password!)).status).toBe(303);
    // No plain credential anywhere in D1 (the development outbox aside), and the sealed
    // messages are wiped once the provider took them.
    const stored = await allText();
    for (const secret of [first.identifier!, first.identifier!.replace(/-/g, ''), first.password!]) {
      expect(stored).not.toContain(secret);
    }
    for (const spy of spies) spy.mockRestore();
    expect(lines.some((l) => l.includes('delivery_sent'))).toBe(true); // the log was captured
    for (const secret of [first.identifier!, first.identifier!.replace(/-/g, ''), first.password!, demo.password!]) {
      expect(lines.join('\n')).not.toContain(secret);
    }
    const left = await env.DB.prepare('SELECT count(*) AS n FROM outbox WHERE body IS NOT NULL').first();
    expect(left!.n).toBe(0);
    const audited = await env.DB.prepare(`SELECT count(*) AS n FROM audit_events WHERE event = 'convocation'`).first();
    expect(audited!.n).toBe(3);
  });

  it('issues nothing new for a redelivered batch, nor for two consumers racing on one voter', async () => {
    const { q, h, call, consume, run, convokes } = setup();
    await call('/roll/rows', { run: 'run-convoke-02', replace: false, rows: rows([3]) });
    await run();
    const mine = [...convokes];
    await Promise.all([consume(mine), consume(mine)]);
    await consume(mine); // redelivered later
    await q.flush();
    const messages = await outbox(h);
    const got = credentialsOf(messages, 'convoque3@example.org', '+33612000003');
    expect({ mails: got.mails, sms: got.sms }).toEqual({ mails: 1, sms: 1 });
    expect((await login(h, got.identifier!, got.password!)).status).toBe(303);
  });

  it('resumes a round that stopped midway, convokes nobody twice, and closes it once done', async () => {
    const { q, h, call, consume, convokes } = setup();
    await call('/roll/rows', { run: 'run-convoke-03', replace: false, rows: rows([4, 5, 6, 7]) });
    const round = (await call('/roll/convoke/start', { onlyNew: false })) as { round: number; since: number };
    await call('/roll/convoke/enqueue', { round: round.round, onlyNew: false, after: 0, limit: 2 });
    await consume(convokes.splice(0));
    // The command stopped here. Run again: the same round, only those left.
    expect(await call('/roll/convoke/finish', { round: round.round })).toEqual({ closed: false });
    const again = (await call('/roll/convoke/start', { onlyNew: false })) as { round: number; resumed: boolean };
    expect(again).toMatchObject({ round: round.round, resumed: true });
    const page = await call('/roll/convoke/enqueue', { round: again.round, onlyNew: false, after: 0, limit: 1000 });
    expect(page.enqueued).toBe(3);
    await consume(convokes.splice(0));
    const status = await call('/roll/convoke/status', { round: again.round, onlyNew: false, since: round.since });
    expect(status).toMatchObject({ remaining: 0, convoked: 5 });
    expect(await call('/roll/convoke/finish', { round: round.round })).toEqual({ closed: true });
    await q.flush();
    const messages = await outbox(h);
    for (const n of [4, 5, 6, 7]) {
      const got = credentialsOf(messages, `convoque${n}@example.org`, `+3361200000${n}`);
      expect({ n, mails: got.mails, sms: got.sms }).toEqual({ n, mails: 1, sms: 1 });
    }
    // The next full run is a new round.
    expect(await call('/roll/convoke/start', { onlyNew: false })).toMatchObject({
      round: round.round + 1,
      resumed: false,
    });
  });

  it('--only-new convokes only voters never convoked; deactivated voters are never convoked', async () => {
    const { q, h, call, consume, run, convokes } = setup();
    await call('/roll/rows', { run: 'run-convoke-04', replace: false, rows: rows([8, 9]) });
    await env.DB.prepare('UPDATE voters SET deactivated_at = ? WHERE numic = ?').bind(START, '70000009').run();
    const { page } = await run(true);
    expect(page.enqueued).toBe(1); // not the demo voter (convoked), not the deactivated one
    // Even a message naming the deactivated voter issues nothing.
    const deactivated = (await env.DB.prepare(`SELECT id FROM voters WHERE numic = '70000009'`).first<{
      id: number;
    }>())!;
    await consume([...convokes, { kind: 'convoke', voterId: deactivated.id, round: 99, onlyNew: false }]);
    await q.flush();
    const messages = await outbox(h);
    expect(credentialsOf(messages, 'convoque8@example.org', '+33612000008')).toMatchObject({ mails: 1, sms: 1 });
    expect(messages.filter((m) => m.to === 'convoque9@example.org' || m.to === DEMO.email)).toEqual([]);
    expect((await login(h, DEMO.identifier, DEMO.password)).status).toBe(303);
  });
});

describe('roll resend (the assistance cell renews one credential)', () => {
  beforeEach(async () => {
    START = Math.floor(Date.now() / 60_000) * 60_000;
    await seedElection(START - 2 * DAY, START + 4 * DAY);
    await seedVoter();
  });

  it('sends a new password by SMS, then refuses the identifier during the cooling-off', async () => {
    const { q, h, call } = setup();
    const sent = await call('/roll/resend', { numic: DEMO.numic, credential: 'password' });
    expect(sent).toEqual({ sent: 'password', to: '+33 6•• •• •• 01' });
    await q.flush();
    const messages = await outbox(h);
    const sms = messages.filter((m) => m.to === DEMO.phone).at(-1)!;
    const password = sms.text.split('\n').find((l) => /^[a-z2-9]{12}$/.test(l))!;
    expect(password).toBeDefined();
    expect((await login(h, DEMO.identifier, DEMO.password)).status).toBe(401);
    expect((await login(h, DEMO.identifier, password)).status).toBe(303);
    // One at a time: the identifier cannot be renewed within 24 hours of the password.
    const refused = await call('/roll/resend', { numic: DEMO.numic, credential: 'identifier' });
    expect(refused).toMatchObject({ error: 'cooling_off' });
    expect(refused.messageEn).toContain('one renewal at a time');
    const audit = await env.DB.prepare(`SELECT detail FROM audit_events WHERE event = 'operator.roll.resend'`).all();
    expect(audit.results.map((r) => JSON.parse(r.detail as string))).toEqual([
      { operator: 'local', role: 'administrator', credential: 'password' },
    ]);
  });

  it('sends a new identifier by e-mail with the NUMIC; unknown and deactivated voters are refused alike', async () => {
    const { q, h, call } = setup();
    expect(await call('/roll/resend', { numic: DEMO.numic, credential: 'identifier' })).toEqual({
      sent: 'identifier',
      to: 'e•••••••@example.org',
    });
    await q.flush();
    const mail = (await outbox(h)).filter((m) => m.to === DEMO.email).at(-1)!;
    expect(mail.text).toContain(DEMO.numic);
    const identifier = mail.text.split('\n').find((l) => /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(l))!;
    expect((await login(h, identifier, DEMO.password)).status).toBe(303);
    expect((await login(h, DEMO.identifier, DEMO.password)).status).toBe(401);
    expect(await call('/roll/resend', { numic: '00999999', credential: 'password' })).toMatchObject({
      error: 'unknown_voter',
    });
    await env.DB.prepare('UPDATE voters SET deactivated_at = ? WHERE numic = ?').bind(START, DEMO.numic).run();
    expect(await call('/roll/resend', { numic: DEMO.numic, credential: 'password' })).toMatchObject({
      error: 'unknown_voter',
    });
  });
});
