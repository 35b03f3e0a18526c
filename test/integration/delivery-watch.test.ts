/**
 * Delivery watched: Brevo's receipts through the webhook (/hooks/brevo), the counts computed
 * from our own send records, and the alerts of the every-minute cron.
 */
import { env } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { consumeDelivery, queueDelivery } from '../../src/platform/delivery';
import { alertConfig, checkDeliveryAlerts, RECEIPT_GRACE_MS } from '../../src/platform/delivery/alerts';
import { segmentStats } from '../../src/platform/delivery/stats';
import { segmentOf } from '../../src/platform/delivery/segments';
import { database } from '../../src/platform/database';
import { FAKE_BREVO_KEY, FAKE_BREVO_URL, installFakeBrevo } from '../fakes/brevo';
import { batchOf, capturingEnv, settle } from '../fakes/queue';
import { T0, harness } from '../helpers';

const TOKEN = 'brevo-webhook-token-for-tests';
const MIN = 60_000;

interface Sent {
  id: string;
  channel: 'email' | 'sms';
  segment: string;
  at: number;
  status?: 'sent' | 'failed';
}

/** Send records as the consumer writes them, without going through a provider. */
async function sent(rows: Sent[]) {
  const stmts = rows.map((r) =>
    env.DB.prepare(
      `INSERT INTO delivery_outcomes (message_id, channel, purpose, status, attempts, provider, created_at,
         provider_message_id, segment) VALUES (?, ?, 'convocation', ?, 1, 'brevo', ?, ?, ?)`,
    ).bind(`m-${r.id}`, r.channel, r.status ?? 'sent', r.at, r.id, r.segment),
  );
  for (let i = 0; i < stmts.length; i += 50) await env.DB.batch(stmts.slice(i, i + 50));
}

const hook = (
  body: unknown,
  token: string | null = TOKEN,
  bindings: Cloudflare.Env = { ...env, BREVO_WEBHOOK_TOKEN: TOKEN },
) =>
  harness(T0, bindings).fetch('/hooks/brevo', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const emailEvent = (id: string, event: string, ts = T0 / 1000) => ({
  event,
  email: 'electeur@example.org',
  id: 1,
  'message-id': id,
  ts_event: ts,
});

async function receipts() {
  const { results } = await env.DB.prepare('SELECT provider_message_id, event FROM delivery_receipts').all();
  return results;
}

describe('the Brevo webhook', () => {
  it('refuses every call when no token is configured, and a missing or wrong token', async () => {
    await sent([{ id: 'a', channel: 'email', segment: 'example.org', at: T0 }]);
    const unconfigured = await hook(emailEvent('a', 'delivered'), TOKEN, { ...env, BREVO_WEBHOOK_TOKEN: undefined });
    expect(unconfigured.status).toBe(503);
    expect((await hook(emailEvent('a', 'delivered'), null)).status).toBe(401);
    expect((await hook(emailEvent('a', 'delivered'), 'not-the-token')).status).toBe(401);
    expect(await receipts()).toEqual([]);
  });

  it('records a receipt once, however often it is replayed, and raises the message to delivered', async () => {
    await sent([{ id: '202612.1@smtp-relay.mailin.fr', channel: 'email', segment: 'example.org', at: T0 }]);
    for (let i = 0; i < 3; i++) {
      const res = await hook(emailEvent('<202612.1@smtp-relay.mailin.fr>', 'delivered'));
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ received: 1, recorded: 1 });
    }
    expect(await receipts()).toEqual([{ provider_message_id: '202612.1@smtp-relay.mailin.fr', event: 'delivered' }]);
    const row = await env.DB.prepare('SELECT receipt FROM delivery_outcomes').first();
    expect(row).toEqual({ receipt: 'delivered' });
  });

  it('ignores a receipt for a message we never sent', async () => {
    const res = await hook(emailEvent('forged@elsewhere', 'delivered'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ received: 1, recorded: 0 });
    expect(await receipts()).toEqual([]);
  });

  it('refuses a malformed payload with 400 and records nothing', async () => {
    await sent([{ id: 'a', channel: 'email', segment: 'example.org', at: T0 }]);
    for (const body of [
      '{not json',
      { event: 'delivered' },
      { 'message-id': 'a' },
      [{ event: 3, 'message-id': 'a' }],
    ]) {
      expect((await hook(body)).status).toBe(400);
    }
    expect(await receipts()).toEqual([]);
  });

  it('takes SMS events and batched arrays; a final word is not lowered by a later deferral', async () => {
    await sent([
      { id: '111', channel: 'sms', segment: '+33', at: T0 },
      { id: '222', channel: 'sms', segment: '+33', at: T0 },
    ]);
    const res = await hook([
      { id: 9, to: '33600000001', messageId: 111, msg_status: 'delivered', date: '2022-04-21 11:15:00' },
      { id: 9, to: '33600000002', messageId: 222, msg_status: 'hardBounce' },
      { id: 9, to: '33600000001', messageId: 111, msg_status: 'softBounce' },
      { id: 9, to: '33600000002', messageId: 222, msg_status: 'sent' },
    ]);
    expect(await res.json()).toEqual({ received: 3, recorded: 3 });
    const { results } = await env.DB.prepare(
      'SELECT provider_message_id AS id, receipt FROM delivery_outcomes ORDER BY id',
    ).all();
    expect(results).toEqual([
      { id: '111', receipt: 'delivered' },
      { id: '222', receipt: 'bounced' },
    ]);
  });
});

describe('send records', () => {
  let brevo: ReturnType<typeof installFakeBrevo>;
  beforeEach(() => {
    brevo = installFakeBrevo();
  });
  afterEach(() => brevo.restore());

  it("keep the provider's message id (which its receipts name) and the segment, never the address", async () => {
    const bindings = {
      ...env,
      DEV_TOOLS: undefined,
      BREVO_API_KEY: FAKE_BREVO_KEY,
      BREVO_API_URL: FAKE_BREVO_URL,
      DELIVERY_SMS_SENDER: 'Isoloir',
      DELIVERY_FROM_EMAIL: 'ne-pas-repondre@vote.isoloir.example',
    };
    const q = capturingEnv(bindings);
    const delivery = queueDelivery(q.env.DELIVERY, q.env.DELIVERY_KEY);
    await delivery.send({ channel: 'email', to: 'Electeur@Example.ORG', subject: 's', text: 't', purpose: 'p' });
    await delivery.send({ channel: 'sms', to: '+447700900123', text: 't', purpose: 'p' });
    for (const body of q.queued) await settle(batchOf(body), (m) => consumeDelivery(m, bindings, () => T0));
    const { results } = await env.DB.prepare(
      'SELECT channel, segment, provider_message_id FROM delivery_outcomes ORDER BY channel',
    ).all<{ channel: string; segment: string; provider_message_id: string }>();
    expect(results.map((r) => [r.channel, r.segment])).toEqual([
      ['email', 'example.org'],
      ['sms', '+44'],
    ]);
    expect(results[0]!.provider_message_id).toMatch(/^20260426\.\d+@smtp-relay\.mailin\.fr$/);
    expect(results[1]!.provider_message_id).not.toBe('');
  });

  it('segments by calling code (prefix-free) and lower-cased domain', () => {
    expect(segmentOf('sms', '+33600000001')).toBe('+33');
    expect(segmentOf('sms', '+12025550123')).toBe('+1');
    expect(segmentOf('sms', '+2250700000000')).toBe('+225');
    expect(segmentOf('email', 'a.b@Mail.Example.COM')).toBe('mail.example.com');
  });
});

describe('the counts', () => {
  it('count delivered, failed and "no news" from our own records, receipts or not', async () => {
    const now = T0 + 60 * MIN;
    await sent([
      { id: 'd1', channel: 'sms', segment: '+33', at: now - 40 * MIN },
      { id: 'd2', channel: 'sms', segment: '+33', at: now - 40 * MIN },
      { id: 'b1', channel: 'sms', segment: '+33', at: now - 40 * MIN },
      { id: 'n1', channel: 'sms', segment: '+33', at: now - 40 * MIN },
      { id: 'young', channel: 'sms', segment: '+33', at: now - 5 * MIN },
      { id: 'f1', channel: 'sms', segment: '+33', at: now - 30 * MIN, status: 'failed' },
      { id: 'old', channel: 'sms', segment: '+33', at: now - 2 * 60 * MIN },
      { id: 'e1', channel: 'email', segment: 'example.org', at: now - 20 * MIN },
    ]);
    await hook([
      { messageId: 'd1', msg_status: 'delivered' },
      { messageId: 'd2', msg_status: 'delivered' },
      { messageId: 'b1', msg_status: 'hardBounce' },
      { messageId: 'n1', msg_status: 'softBounce' },
    ]);
    const stats = await segmentStats(database(env.DB), now - 60 * MIN, now);
    expect(stats).toEqual([
      { channel: 'email', segment: 'example.org', attempted: 1, delivered: 0, failed: 0, noNews: 1 },
      // "young" is too recent to be "no news"; "n1" was only deferred; "old" is out of the hour.
      { channel: 'sms', segment: '+33', attempted: 6, delivered: 2, failed: 2, noNews: 1 },
    ]);
  });
});

describe('the alerts', () => {
  const now = T0 + 2 * 60 * MIN;
  const windowStart = now - RECEIPT_GRACE_MS - 15 * MIN;
  let chat: { url: string; body: string }[];
  let mails: { to: string; subject?: string; text: string }[];
  beforeEach(() => {
    chat = [];
    mails = [];
  });
  const cfg = alertConfig({
    ALERT_THRESHOLD_PERCENT: '80',
    ALERT_MIN_VOLUME: '10',
    ALERT_RECIPIENTS: 'ops@isoloir.example, astreinte@isoloir.example',
    ALERT_WEBHOOK_URL: 'https://chat.example/hook',
  });
  const deps = (webhookStatus = 200) => ({
    db: database(env.DB),
    send: async (m: { to: string; subject?: string; text: string }) => void mails.push(m),
    fetch: vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
      chat.push({ url: String(url), body: String(init?.body) });
      return new Response('ok', { status: webhookStatus });
    }) as unknown as typeof fetch,
  });

  /** `n` SMS to +225 in the window, `delivered` of them with a delivery receipt. */
  async function outcomes(prefix: string, n: number, delivered: number, segment = '+225') {
    await sent(
      Array.from({ length: n }, (_, i) => ({
        id: `${prefix}${i}`,
        channel: 'sms' as const,
        segment,
        at: windowStart + MIN + i,
      })),
    );
    if (delivered > 0) {
      await hook(
        Array.from({ length: delivered }, (_, i) => ({ messageId: `${prefix}${i}`, msg_status: 'delivered' })),
      );
    }
  }

  it('tells the operators by e-mail and chat when a segment drops below the threshold, once', async () => {
    await outcomes('x', 20, 8);
    const changes = await checkDeliveryAlerts(deps(), cfg, now);
    expect(changes.map((c) => [c.key, c.kind, c.permille])).toEqual([['sms|+225', 'down', 400]]);
    expect(mails.map((m) => m.to)).toEqual(['ops@isoloir.example', 'astreinte@isoloir.example']);
    expect(mails[0]!.text).toContain('SMS vers +225 : 40.0 % distribués en 15 minutes (seuil 80 %).');
    expect(mails[0]!.text).toContain('SMS to +225: 40.0 % delivered over 15 minutes (threshold 80 %).');
    expect(chat).toHaveLength(1);
    expect(JSON.parse(chat[0]!.body).text).toContain('+225');
    // The next minute, nothing new to tell.
    expect(await checkDeliveryAlerts(deps(), cfg, now + MIN)).toEqual([]);
    expect(mails).toHaveLength(2);
  });

  it('stays silent below the minimum volume', async () => {
    await outcomes('s', 9, 0);
    expect(await checkDeliveryAlerts(deps(), cfg, now)).toEqual([]);
    expect(mails).toEqual([]);
    expect(chat).toEqual([]);
  });

  it('tells the recovery', async () => {
    await outcomes('x', 20, 8);
    await checkDeliveryAlerts(deps(), cfg, now);
    // Later on, the route delivers again.
    const later = now + 30 * MIN;
    await sent(
      Array.from({ length: 20 }, (_, i) => ({
        id: `r${i}`,
        channel: 'sms' as const,
        segment: '+225',
        at: later - RECEIPT_GRACE_MS - 10 * MIN + i,
      })),
    );
    await hook(Array.from({ length: 19 }, (_, i) => ({ messageId: `r${i}`, msg_status: 'delivered' })));
    const changes = await checkDeliveryAlerts(deps(), cfg, later);
    expect(changes.map((c) => [c.key, c.kind, c.permille])).toEqual([['sms|+225', 'up', 950]]);
    expect(mails.at(-1)!.subject).toContain('Distribution rétablie / Delivery recovered');
  });

  it('tries again at the next minute when the chat webhook failed', async () => {
    await outcomes('x', 20, 8);
    expect(await checkDeliveryAlerts(deps(500), cfg, now)).toEqual([]);
    expect(chat).toHaveLength(1);
    expect((await checkDeliveryAlerts(deps(), cfg, now + MIN)).map((c) => c.kind)).toEqual(['down']);
  });
});
