// What runs without a voter waiting — the queue consumers (delivery, convocations, audit),
// the every-minute relay, the daily audit heads, the delivery webhook — with each binding and
// the delivery provider failing: nothing is acknowledged that was not done, nothing that must
// go out is lost (it is retried, or stays in the outbox until the relay hands it over), and the
// audit trail holds what happened.
import { env } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAILY_HEADS_CRON } from '../../src/platform/audit-head';
import { FAKE_BREVO_KEY, FAKE_BREVO_URL } from '../fakes/brevo';
import { DAY, DEMO, T0, seedElection, seedVoter } from '../helpers';
import { local, operatorApi } from '../operator-helpers';
import { outbox, runScheduled } from '../renewal-helpers';
import { consume, expectUnavailable, faultSwitch, faultyFetch, faultyWorld, hangThen, type FaultMode } from './faulty';

let START = 0;
beforeEach(async () => {
  START = Math.floor(Date.now() / 60_000) * 60_000;
  await seedElection(START - 2 * DAY, START + 4 * DAY);
  await seedVoter();
});

const rows = async <T>(sql: string) => (await env.DB.prepare(sql).all<T>()).results;
const pendingOutbox = () => rows<{ id: string }>('SELECT id FROM outbox WHERE done_at IS NULL AND body IS NOT NULL');

/** A password renewal (healthy bindings): an SMS in the outbox, handed to the recorded queue. */
async function renewal(w: ReturnType<typeof faultyWorld>) {
  const html = await (await w.h.get('/mot-de-passe-perdu')).text();
  const res = await w.h.post('/mot-de-passe-perdu', {
    identifier: DEMO.identifier,
    numic: DEMO.numic,
    ...(await w.h.code(html)),
  });
  expect(res.status).toBe(200);
}

describe('the delivery consumer with the provider failing', () => {
  const sw = faultSwitch('Brevo');
  let brevo: ReturnType<typeof faultyFetch>;
  const brevoEnv = { ...env, DEV_TOOLS: undefined, BREVO_API_KEY: FAKE_BREVO_KEY, BREVO_API_URL: FAKE_BREVO_URL };
  beforeEach(() => {
    sw.set('none');
    brevo = faultyFetch(FAKE_BREVO_URL, sw, () =>
      Response.json({ messageId: `<${crypto.randomUUID()}@smtp-relay.mailin.fr>` }, { status: 201 }),
    );
  });
  afterEach(() => brevo.restore());

  for (const mode of ['throws', 'hangs', 'slow'] as FaultMode[]) {
    it(`retries while the provider ${mode}, then records the message sent once`, async () => {
      const w = faultyWorld(START);
      await renewal(w);
      const [queued] = w.queues.DELIVERY.sent;
      sw.set(mode);
      const first = await consume('isoloir-delivery', [queued], brevoEnv as Cloudflare.Env);
      if (mode === 'slow') {
        expect(first.explicitAcks).toHaveLength(1);
      } else {
        expect(first.retryMessages).toHaveLength(1);
        expect(first.explicitAcks).toEqual([]);
        expect(await rows('SELECT id FROM delivery_outcomes')).toEqual([]);
        // A fetch with no deadline would hang the consumer for ever.
        expect(brevo.unsignalled).toEqual([]);
        sw.set('none');
        const second = await consume('isoloir-delivery', [queued], brevoEnv as Cloudflare.Env, 2);
        expect(second.explicitAcks).toHaveLength(1);
      }
      expect(await rows<{ status: string }>('SELECT status FROM delivery_outcomes')).toEqual([{ status: 'sent' }]);
      const id = (queued as { id: string }).id;
      expect(await rows(`SELECT id FROM outbox WHERE id = '${id}' AND done_at IS NULL`)).toEqual([]);
    });
  }

  for (const mode of ['throws', 'hangs'] as FaultMode[]) {
    it(`retries while D1 ${mode} (nothing recorded, nothing acknowledged)`, async () => {
      const w = faultyWorld(START);
      await renewal(w);
      const [queued] = w.queues.DELIVERY.sent;
      w.faults.d1.set(mode);
      const result = await hangThen(w.faults.d1, async () => {
        const r = await consume('isoloir-delivery', [queued], w.bindings);
        return Response.json(r);
      }).then((r) => r.json() as Promise<{ retryMessages: unknown[]; explicitAcks: unknown[] }>);
      w.heal();
      expect(result.explicitAcks).toEqual([]);
      expect(result.retryMessages).toHaveLength(1);
      expect((await consume('isoloir-delivery', [queued], env, 2)).explicitAcks).toHaveLength(1);
      expect(await rows<{ status: string }>('SELECT status FROM delivery_outcomes')).toEqual([{ status: 'sent' }]);
    });
  }
});

describe('the convocation consumer with a binding failing', () => {
  async function imported() {
    const w = faultyWorld(START, { ...env, ...local } as Cloudflare.Env);
    const call = operatorApi(w.bindings, () => START);
    await call('/roll/rows', {
      run: 'run-faults-0002',
      replace: false,
      rows: [
        {
          line: 2,
          numic: '70000002',
          email: 'convoque@example.org',
          phone: '+33612000002',
          constituency: '2',
          language: 'fr',
          consulate: null,
        },
      ],
    });
    const round = (await call('/roll/convoke/start', { onlyNew: true })).body as { round: number };
    await call('/roll/convoke/enqueue', { round: round.round, onlyNew: true, after: 0, limit: 100 });
    await w.flush(env, ['AUDIT']);
    expect(w.queues.CONVOKE.sent).toHaveLength(1);
    return w;
  }
  const convoked = async () =>
    (await env.DB.prepare(`SELECT convoked_at FROM voters WHERE numic = '70000002'`).first<{ convoked_at: number }>())!
      .convoked_at;

  for (const binding of ['d1', 'delivery', 'head'] as const) {
    it(`${binding} throws: the voter is convoked once, and both messages go out`, async () => {
      const w = await imported();
      w.faults[binding].set('throws');
      const result = await consume('isoloir-convoke', w.queues.CONVOKE.sent, w.bindings);
      w.heal();
      if (binding === 'd1') {
        expect(result.retryMessages).toHaveLength(1);
        expect(await convoked()).toBeNull();
        await consume('isoloir-convoke', w.queues.CONVOKE.sent, w.bindings, 2);
      } else {
        expect(result.explicitAcks).toHaveLength(1);
      }
      expect(await convoked()).not.toBeNull();
      // What the consumer could not hand over, the relay does.
      await runScheduled(w.bindings, '* * * * *', Date.now() + 60_000);
      await w.flush();
      const sent = (await outbox(w.h)).filter((m) => m.to === 'convoque@example.org' || m.to === '+33612000002');
      expect(sent.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
      const events = await rows<{ n: number }>(`SELECT COUNT(*) AS n FROM audit_events WHERE event = 'convocation'`);
      expect(events[0]!.n).toBe(1);
    });
  }
});

describe('the audit consumer with a binding failing', () => {
  const record = () => ({ kind: 'audit', record: { event: 'login', numicHmac: null, at: START, outcome: 'failure' } });
  for (const [binding, mode] of [
    ['d1', 'throws'],
    ['d1', 'hangs'],
    ['head', 'throws'],
    ['head', 'hangs'],
  ] as const) {
    it(`${binding} ${mode}: an event acknowledged is an event written`, async () => {
      const w = faultyWorld(START);
      w.faults[binding].set(mode);
      const body = record();
      const result = await hangThen(w.faults[binding], async () =>
        Response.json(await consume('isoloir-audit', [body], w.bindings)),
      ).then((r) => r.json() as Promise<{ retryMessages: unknown[]; explicitAcks: unknown[] }>);
      w.heal();
      const written = await rows(`SELECT id FROM audit_events WHERE event = 'login'`);
      if (result.explicitAcks.length > 0) expect(written).toHaveLength(1);
      else {
        expect(result.retryMessages).toHaveLength(1);
        expect(written).toEqual([]);
        await consume('isoloir-audit', [body], env, 2);
        expect(await rows(`SELECT id FROM audit_events WHERE event = 'login'`)).toHaveLength(1);
      }
    });
  }
});

describe('the every-minute relay with a binding failing', () => {
  for (const binding of ['d1', 'delivery', 'access'] as const) {
    it(`${binding} throws: what was not handed over goes at the next run`, async () => {
      const w = faultyWorld(START);
      w.faults.delivery.set('throws');
      await renewal(w);
      w.heal();
      // The new password's SMS and the notice e-mail, both waiting for the relay.
      expect(await pendingOutbox()).toHaveLength(2);
      w.faults[binding].set('throws');
      await runScheduled(w.bindings, '* * * * *', START + 60_000).catch(() => undefined);
      w.heal();
      // What was handed over is consumed within seconds, before the relay's next turn.
      await w.flush();
      await runScheduled(w.bindings, '* * * * *', START + 5 * 60_000);
      await w.flush();
      expect((await outbox(w.h)).filter((m) => m.channel === 'sms')).toHaveLength(1);
      expect(await pendingOutbox()).toEqual([]);
    });
  }

  it('one voter’s object unreachable does not hold back every other message', async () => {
    const w = faultyWorld(START);
    w.faults.delivery.set('throws');
    await renewal(w);
    w.heal();
    // The renewal's confirmation needs the voter's object; the SMS itself does not.
    w.faults.access.set('throws');
    await runScheduled(w.bindings, '* * * * *', START + 60_000).catch(() => undefined);
    w.heal();
    await w.flush();
    expect((await outbox(w.h)).filter((m) => m.channel === 'sms')).toHaveLength(1);
  });
});

describe('the daily audit heads with a binding failing', () => {
  for (const binding of ['head', 'delivery'] as const) {
    it(`${binding} throws: the heads' mail is not lost`, async () => {
      const w = faultyWorld(START);
      w.faults[binding].set('throws');
      await runScheduled(w.bindings, DAILY_HEADS_CRON, START).catch(() => undefined);
      w.heal();
      await runScheduled(w.bindings, '* * * * *', START + 5 * 60_000);
      if (binding === 'head') await runScheduled(w.bindings, DAILY_HEADS_CRON, START + DAY);
      await w.flush();
      const mails = (await outbox(w.h)).filter((m) => m.to === 'operateurs@isoloir.example');
      expect(mails.length, 'the heads of the day').toBeGreaterThan(0);
    });
  }
});

describe('the delivery webhook with a binding failing', () => {
  const TOKEN = 'webhook-token-for-faults';
  for (const mode of ['throws', 'hangs'] as FaultMode[]) {
    it(`D1 ${mode}: a JSON 503 with Retry-After, so that Brevo sends the receipt again`, async () => {
      const w = faultyWorld(START, { ...env, BREVO_WEBHOOK_TOKEN: TOKEN } as Cloudflare.Env);
      w.faults.d1.set(mode);
      const res = await hangThen(w.faults.d1, () =>
        w.h.fetch('/hooks/brevo', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify({
            event: 'delivered',
            email: DEMO.email,
            id: 1,
            'message-id': '<x@smtp-relay.mailin.fr>',
            ts_event: T0 / 1000,
          }),
        }),
      );
      w.heal();
      expectUnavailable(res);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(await res.json()).toMatchObject({ error: 'unavailable' });
    });
  }
});
