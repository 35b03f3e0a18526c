import { createExecutionContext, createMessageBatch, env, getQueueResult } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { consumeDelivery, queueDelivery, type OutboundMessage } from '../../src/platform/delivery';
import { batchOf, capturingEnv, settle } from '../fakes/queue';
import { harness, T0 } from '../helpers';

const LINK = 'http://127.0.0.1:8787/r/Zm9vYmFyYmF6cXV4cXV1eGNvcmdl';

interface OutboxRow {
  channel: string;
  to: string;
  subject?: string;
  text: string;
  html?: string;
}

/** A recipient of its own per test: other test files may use the outbox at the same time. */
const recipient = () => `delivery-${crypto.randomUUID().slice(0, 8)}@example.org`;

function linkMail(to: string, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    channel: 'email',
    to,
    subject: 'Renouvellement de votre identifiant',
    text: 'Bonjour,\n\n{{secret}}\n\nCe lien est valable une heure.',
    html: '<p>Bonjour,</p><p><a href="{{secret}}">{{secret}}</a></p>',
    purpose: 'identifier-link',
    numicHmac: 'f'.repeat(64),
    secret: LINK,
    ...extra,
  };
}

async function outboxFor(to: string): Promise<OutboxRow[]> {
  const rows = (await (await harness().get('/_dev/outbox')).json()) as OutboxRow[];
  return rows.filter((r) => r.to === to);
}

async function outcomesFor(messageId: string) {
  const { results } = await env.DB.prepare('SELECT * FROM delivery_outcomes WHERE message_id = ?')
    .bind(messageId)
    .all();
  return results as Record<string, unknown>[];
}

describe('delivery through the DELIVERY queue (locally: the outbox)', () => {
  it('reaches /_dev/outbox within a few seconds, with the secret filled in', async () => {
    const to = recipient();
    await queueDelivery(env.DELIVERY, env.DELIVERY_KEY).send(linkMail(to));
    let rows: OutboxRow[] = [];
    // The real queue: batch timeout 1 s, then the Worker's queue handler.
    for (let i = 0; i < 40 && rows.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      rows = await outboxFor(to);
    }
    expect(rows).toHaveLength(1);
    const [mail] = rows;
    expect(mail!.subject).toBe('Renouvellement de votre identifiant');
    expect(mail!.text).toBe(`Bonjour,\n\n${LINK}\n\nCe lien est valable une heure.`);
    expect(mail!.text.split('\n')).toContain(LINK);
    expect(mail!.html).toBe(`<p>Bonjour,</p><p><a href="${LINK}">${LINK}</a></p>`);
    expect(mail!.text).not.toContain('{{secret}}');
  });

  it('never holds the secret in clear on the queue', async () => {
    const q = capturingEnv();
    await queueDelivery(q.env.DELIVERY, q.env.DELIVERY_KEY).send(linkMail(recipient()));
    expect(q.raw).toHaveLength(1);
    expect(q.raw[0]).not.toContain(LINK);
    expect(q.raw[0]).not.toContain('Zm9vYmFyYmF6cXV4cXV1eGNvcmdl');
    expect(q.queued[0]!.message.text).toContain('{{secret}}');
    expect(q.queued[0]!.sealedSecret).toMatch(/^v1\./);
  });

  it('records one `sent` outcome without the secret, the address or the body', async () => {
    const q = capturingEnv();
    const to = recipient();
    await queueDelivery(q.env.DELIVERY, q.env.DELIVERY_KEY).send(linkMail(to));
    const body = q.queued[0]!;
    const result = await settle(batchOf(body), (m) => consumeDelivery(m, env, () => T0));
    expect(result.explicitAcks).toHaveLength(1);
    expect(result.retryMessages).toHaveLength(0);
    const rows = await outcomesFor(body.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 'sent',
      attempts: 1,
      provider: 'outbox',
      channel: 'email',
      purpose: 'identifier-link',
      numic_hmac: 'f'.repeat(64),
      created_at: T0,
    });
    const flat = JSON.stringify(rows);
    for (const leak of [LINK, 'Zm9vYmFyYmF6cXV4cXV1eGNvcmdl', to, 'Bonjour']) expect(flat).not.toContain(leak);
    expect(await outboxFor(to)).toHaveLength(1);
  });

  it('sends nothing twice when the runtime hands a recorded message over again', async () => {
    const q = capturingEnv();
    const to = recipient();
    await queueDelivery(q.env.DELIVERY, q.env.DELIVERY_KEY).send(linkMail(to));
    await settle(batchOf(q.queued[0]), (m) => consumeDelivery(m, env, () => T0));
    const again = await settle(batchOf(q.queued[0], 2), (m) => consumeDelivery(m, env, () => T0));
    expect(again.explicitAcks).toHaveLength(1);
    expect(await outboxFor(to)).toHaveLength(1);
    expect(await outcomesFor(q.queued[0]!.id)).toHaveLength(1);
  });

  it('asks D1 once per batch, not per message: one read, then one write of every outcome; a message twice in one batch is sent once', async () => {
    const q = capturingEnv();
    const recipients = Array.from({ length: 10 }, recipient);
    for (const to of recipients) await queueDelivery(q.env.DELIVERY, q.env.DELIVERY_KEY).send(linkMail(to));
    const bodies = [...q.queued, q.queued[3]!];
    const batch = createMessageBatch(
      'isoloir-delivery',
      bodies.map((body, i) => ({ id: `q-${i}`, timestamp: new Date(), attempts: 1, body })),
    );
    // What reaches D1: statements run alone, and batches (with their statements).
    const alone: string[] = [];
    const batches: string[][] = [];
    const DB = new Proxy(env.DB, {
      get(target, prop) {
        if (prop === 'batch')
          return (stmts: D1PreparedStatement[]) => {
            batches.push(stmts.map((st) => sqlOf.get(st) ?? '?'));
            return target.batch(stmts.map((st) => realOf.get(st) ?? st));
          };
        if (prop === 'prepare')
          return (sql: string) => {
            const real = target.prepare(sql);
            const track = (st: D1PreparedStatement): D1PreparedStatement => {
              const proxy = new Proxy(st, {
                get(t, p) {
                  if (p === 'bind') return (...args: unknown[]) => track(t.bind(...args));
                  if (p === 'all' || p === 'raw' || p === 'run' || p === 'first') {
                    const run = Reflect.get(t, p) as (...a: unknown[]) => unknown;
                    return (...a: unknown[]) => (alone.push(sql), run.apply(t, a));
                  }
                  const v = Reflect.get(t, p) as unknown;
                  return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
                },
              });
              sqlOf.set(proxy, sql);
              realOf.set(proxy, st);
              return proxy;
            };
            return track(real);
          };
        const v = Reflect.get(target, prop) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const sqlOf = new WeakMap<D1PreparedStatement, string>();
    const realOf = new WeakMap<D1PreparedStatement, D1PreparedStatement>();
    const result = await settle(batch, (m) => consumeDelivery(m, { ...env, DB }, () => T0));
    expect(result.explicitAcks).toHaveLength(11);
    expect(result.retryMessages).toEqual([]);
    for (const to of recipients) expect(await outboxFor(to), to).toHaveLength(1);
    for (const body of q.queued) expect(await outcomesFor(body.id)).toMatchObject([{ status: 'sent' }]);
    // One read of the outcomes already written; the ten dev-outbox inserts are the local
    // provider's own (a real provider is a fetch).
    expect(alone.filter((sql) => !/insert into "dev_outbox"/i.test(sql))).toEqual([
      expect.stringMatching(/^select .* from "delivery_outcomes"/i),
    ]);
    // One batch: the outbox rows settled, ten outcomes in two multi-row INSERTs (≤ 100 parameters each).
    expect(batches).toHaveLength(1);
    expect(batches[0]!.map((sql) => sql.split(' ').slice(0, 3).join(' '))).toEqual([
      'update "outbox" set',
      'insert into "delivery_outcomes"',
      'insert into "delivery_outcomes"',
    ]);
  });

  it('drops a message whose content expired: nothing sent, outcome `expired`', async () => {
    const q = capturingEnv();
    const to = recipient();
    await queueDelivery(q.env.DELIVERY, q.env.DELIVERY_KEY).send(linkMail(to, { expiresAt: T0 + 3_600_000 }));
    const body = q.queued[0]!;
    const late = await settle(batchOf(body, 3), (m) => consumeDelivery(m, env, () => T0 + 3_600_001));
    expect(late.explicitAcks).toHaveLength(1);
    expect(await outboxFor(to)).toHaveLength(0);
    expect(await outcomesFor(body.id)).toMatchObject([{ status: 'expired', attempts: 3, provider: 'none' }]);
  });

  it('still sends at the last instant of validity', async () => {
    const q = capturingEnv();
    const to = recipient();
    await queueDelivery(q.env.DELIVERY, q.env.DELIVERY_KEY).send(linkMail(to, { expiresAt: T0 + 3_600_000 }));
    await settle(batchOf(q.queued[0]), (m) => consumeDelivery(m, env, () => T0 + 3_600_000));
    expect(await outboxFor(to)).toHaveLength(1);
  });

  it('does not send a secret it cannot open (key changed): outcome `failed`', async () => {
    const q = capturingEnv({ ...env, DELIVERY_KEY: 'an-older-key' });
    const to = recipient();
    await queueDelivery(q.env.DELIVERY, q.env.DELIVERY_KEY).send(linkMail(to));
    const result = await settle(batchOf(q.queued[0]), (m) => consumeDelivery(m, env, () => T0));
    expect(result.explicitAcks).toHaveLength(1);
    expect(await outboxFor(to)).toHaveLength(0);
    expect(await outcomesFor(q.queued[0]!.id)).toMatchObject([{ status: 'failed', provider: 'none' }]);
  });

  it('records `failed` when no provider is configured, without crashing', async () => {
    const q = capturingEnv();
    await queueDelivery(q.env.DELIVERY, q.env.DELIVERY_KEY).send({
      channel: 'sms',
      to: '+33600000001',
      text: 'Votre mot de passe :\n{{secret}}',
      purpose: 'password',
      secret: 'abcd2345efgh',
    });
    const bare = { ...env, DEV_TOOLS: undefined, BREVO_API_KEY: undefined, EMAIL: undefined };
    const result = await settle(batchOf(q.queued[0]), (m) => consumeDelivery(m, bare, () => T0));
    expect(result.explicitAcks).toHaveLength(1);
    const rows = await outcomesFor(q.queued[0]!.id);
    expect(rows).toMatchObject([
      { status: 'failed', provider: 'none', provider_answer: 'no provider configured for sms' },
    ]);
    expect(JSON.stringify(rows)).not.toContain('abcd2345efgh');
  });

  it('records a dead letter as `failed` and sends nothing', async () => {
    const q = capturingEnv();
    const to = recipient();
    await queueDelivery(q.env.DELIVERY, q.env.DELIVERY_KEY).send(linkMail(to));
    const batch = batchOf(q.queued[0], 1, 'isoloir-delivery-dlq');
    const ctx = createExecutionContext();
    await worker.queue(batch as MessageBatch<never>, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toHaveLength(1);
    expect(await outboxFor(to)).toHaveLength(0);
    const rows = await outcomesFor(q.queued[0]!.id);
    expect(rows).toMatchObject([{ status: 'failed', provider: 'dead-letter', attempts: 6 }]);
    expect(JSON.stringify(rows)).not.toContain(LINK);
  });
});

describe('the {{secret}} contract of Delivery.send', () => {
  const send = (m: Partial<OutboundMessage>) =>
    queueDelivery(capturingEnv().env.DELIVERY, env.DELIVERY_KEY).send({ ...linkMail(recipient()), ...m });

  it('refuses a secret written in clear', async () => {
    await expect(send({ text: `Votre lien :\n${LINK}` })).rejects.toThrow(/not in clear/);
    await expect(send({ subject: `Lien ${LINK}` })).rejects.toThrow(/not in clear/);
  });

  it('refuses a placeholder in the subject, or one without a secret', async () => {
    await expect(send({ subject: '{{secret}}' })).rejects.toThrow(/subject/);
    await expect(send({ secret: undefined })).rejects.toThrow(/without a secret/);
  });

  it('refuses a secret that the texts never show', async () => {
    await expect(send({ text: 'Bonjour', html: undefined })).rejects.toThrow(/without \{\{secret\}\}/);
  });

  it('queues a message without a secret as it is', async () => {
    const q = capturingEnv();
    await queueDelivery(q.env.DELIVERY, q.env.DELIVERY_KEY).send({
      channel: 'sms',
      to: '+33600000001',
      text: 'Votre identifiant a été renouvelé.',
      purpose: 'identifier-renewed',
    });
    expect(q.queued[0]).toMatchObject({ kind: 'delivery', message: { text: 'Votre identifiant a été renouvelé.' } });
    expect(q.queued[0]!.sealedSecret).toBeUndefined();
  });
});
