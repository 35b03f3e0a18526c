import { env } from 'cloudflare:test';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { consumeDelivery, providerFor, queueDelivery, type OutboundMessage } from '../../src/platform/delivery';
import { sendEmailProvider } from '../../src/platform/delivery/providers';
import { FAKE_BREVO_KEY, FAKE_BREVO_URL, installFakeBrevo, type FakeBrevo } from '../fakes/brevo';
import { batchOf, capturingEnv, settle } from '../fakes/queue';
import { T0 } from '../helpers';

const LINK = 'https://vote.isoloir.example/r/c2VjcmV0LXRva2VuLWZvci1icmV2bw';
const PASSWORD = 'k7mp3xq9vz2a';

/** Production-like configuration: no DEV_TOOLS, Brevo's key set, Brevo's URL on the fake. */
const brevoEnv = (): Cloudflare.Env => ({
  ...env,
  DEV_TOOLS: undefined,
  BREVO_API_KEY: FAKE_BREVO_KEY,
  BREVO_API_URL: FAKE_BREVO_URL,
  DELIVERY_FROM_EMAIL: 'ne-pas-repondre@vote.isoloir.example',
  DELIVERY_FROM_NAME: 'Isoloir',
  DELIVERY_SMS_SENDER: 'Isoloir',
});

const mail = (to = 'electeur@example.org'): OutboundMessage => ({
  channel: 'email',
  to,
  subject: 'Renouvellement de votre identifiant',
  text: 'Votre lien :\n{{secret}}\n',
  html: '<p><a href="{{secret}}">Renouveler</a></p>',
  purpose: 'identifier-link',
  secret: LINK,
});

const sms: OutboundMessage = {
  channel: 'sms',
  to: '+33600000001',
  text: 'Votre nouveau mot de passe :\n{{secret}}',
  purpose: 'password',
  secret: PASSWORD,
};

/** Queues `m` (captured) and returns its queued body. */
async function queued(m: OutboundMessage) {
  const q = capturingEnv(brevoEnv());
  await queueDelivery(q.env.DELIVERY, q.env.DELIVERY_KEY).send(m);
  return q.queued[0]!;
}

const consume = (e: Cloudflare.Env) => (m: readonly Message<unknown>[]) => consumeDelivery(m, e, () => T0);

async function outcomesFor(messageId: string) {
  const { results } = await env.DB.prepare('SELECT * FROM delivery_outcomes WHERE message_id = ?')
    .bind(messageId)
    .all();
  return results as Record<string, unknown>[];
}

describe('Brevo provider, against a local fake of its API', () => {
  let brevo: FakeBrevo;
  beforeEach(() => {
    brevo = installFakeBrevo();
  });
  afterEach(() => brevo.restore());

  it('sends an e-mail: POST /v3/smtp/email, api-key header, Brevo body, secret filled in', async () => {
    const body = await queued(mail());
    const result = await settle(batchOf(body), consume(brevoEnv()));
    expect(result.explicitAcks).toHaveLength(1);
    expect(brevo.calls).toHaveLength(1);
    const call = brevo.calls[0]!;
    expect(call.path).toBe('/v3/smtp/email');
    expect(call.headers['api-key']).toBe(FAKE_BREVO_KEY);
    expect(call.headers['content-type']).toBe('application/json');
    expect(call.body).toEqual({
      sender: { name: 'Isoloir', email: 'ne-pas-repondre@vote.isoloir.example' },
      to: [{ email: 'electeur@example.org' }],
      subject: 'Renouvellement de votre identifiant',
      textContent: `Votre lien :\n${LINK}\n`,
      htmlContent: `<p><a href="${LINK}">Renouveler</a></p>`,
      tags: ['identifier-link'],
    });
    const rows = await outcomesFor(body.id);
    expect(rows).toMatchObject([{ status: 'sent', provider: 'brevo', attempts: 1 }]);
    expect(rows[0]!.provider_answer).toMatch(/^HTTP 201 messageId=<20260426\.\d+@smtp-relay\.mailin\.fr>$/);
  });

  it('sends an SMS: POST /v3/transactionalSMS/send with sender, recipient, content', async () => {
    const body = await queued(sms);
    await settle(batchOf(body), consume(brevoEnv()));
    expect(brevo.calls).toHaveLength(1);
    expect(brevo.calls[0]!.path).toBe('/v3/transactionalSMS/send');
    expect(brevo.calls[0]!.headers['api-key']).toBe(FAKE_BREVO_KEY);
    expect(brevo.calls[0]!.body).toEqual({
      sender: 'Isoloir',
      recipient: '+33600000001',
      content: `Votre nouveau mot de passe :\n${PASSWORD}`,
      type: 'transactional',
      unicodeEnabled: true,
      tag: 'password',
    });
    expect(await outcomesFor(body.id)).toMatchObject([{ status: 'sent', provider: 'brevo', channel: 'sms' }]);
  });

  it('asks the queue to retry a 5xx with exponential backoff, and records nothing yet', async () => {
    const body = await queued(mail());
    brevo.failNext(503, 2);
    const first = await settle(batchOf(body, 1), consume(brevoEnv()));
    expect(first.retryMessages).toEqual([{ msgId: `q-${body.id}` }]);
    expect(first.delays).toEqual([5]);
    expect(first.explicitAcks).toHaveLength(0);
    const second = await settle(batchOf(body, 2), consume(brevoEnv()));
    expect(second.retryMessages).toEqual([{ msgId: `q-${body.id}` }]);
    expect(second.delays).toEqual([10]);
    expect(await outcomesFor(body.id)).toHaveLength(0);
    // Brevo is back: the third attempt goes through, recorded with its attempt count.
    const third = await settle(batchOf(body, 3), consume(brevoEnv()));
    expect(third.explicitAcks).toHaveLength(1);
    expect(await outcomesFor(body.id)).toMatchObject([{ status: 'sent', attempts: 3 }]);
    expect(brevo.calls).toHaveLength(3);
  });

  it("waits as long as a 429's Retry-After says", async () => {
    const body = await queued(mail());
    brevo.failNext(429, 1, { 'retry-after': '42' });
    const result = await settle(batchOf(body), consume(brevoEnv()));
    expect(result.retryMessages).toEqual([{ msgId: `q-${body.id}` }]);
    expect(result.delays).toEqual([42]);
  });

  it('records `failed` on a 4xx at once (no retry), without the secret or the address', async () => {
    const body = await queued(mail());
    brevo.failNext(400);
    const result = await settle(batchOf(body), consume(brevoEnv()));
    expect(result.retryMessages).toHaveLength(0);
    expect(result.explicitAcks).toHaveLength(1);
    const rows = await outcomesFor(body.id);
    expect(rows).toMatchObject([{ status: 'failed', provider: 'brevo', attempts: 1 }]);
    expect(rows[0]!.provider_answer).toMatch(/^HTTP 400 invalid_parameter/);
    const flat = JSON.stringify(rows);
    expect(flat).not.toContain('electeur@example.org');
    expect(flat).not.toContain(LINK);
  });

  it('records `failed` when the key is wrong (401), as Brevo answers it', async () => {
    const body = await queued(mail());
    await settle(batchOf(body), consume({ ...brevoEnv(), BREVO_API_KEY: 'xkeysib-wrong' }));
    expect(await outcomesFor(body.id)).toMatchObject([
      { status: 'failed', provider_answer: 'HTTP 401 unauthorized: Key not found' },
    ]);
  });

  it('records `failed` after a 5xx on the last attempt the runtime makes', async () => {
    const body = await queued(sms);
    brevo.failNext(502);
    const result = await settle(batchOf(body, 6), consume(brevoEnv()));
    expect(result.retryMessages).toHaveLength(0);
    expect(result.explicitAcks).toHaveLength(1);
    const rows = await outcomesFor(body.id);
    expect(rows).toMatchObject([{ status: 'failed', attempts: 6, provider: 'brevo' }]);
    expect(rows[0]!.provider_answer).toMatch(/^HTTP 502 internal_error/);
    const flat = JSON.stringify(rows);
    expect(flat).not.toContain(PASSWORD);
    expect(flat).not.toContain('33600000001');
  });

  it('retries when Brevo cannot be reached', async () => {
    const body = await queued(mail());
    brevo.failNext(0);
    const result = await settle(batchOf(body), consume(brevoEnv()));
    expect(result.retryMessages).toEqual([{ msgId: `q-${body.id}` }]);
    expect(result.delays).toEqual([5]);
  });

  it('writes no log line with the secret, the address or the phone number', async () => {
    const lines: string[] = [];
    const spies = (['log', 'info', 'warn', 'error'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' '))),
    );
    try {
      for (const [message, status] of [
        [mail(), undefined],
        [mail(), 503],
        [mail(), 400],
        [sms, 0],
        [sms, 500],
      ] as const) {
        if (status !== undefined) brevo.failNext(status);
        const body = await queued(message);
        await settle(batchOf(body, status === 500 ? 6 : 1), consume(brevoEnv()));
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
    expect(lines.length).toBeGreaterThanOrEqual(5);
    const all = lines.join('\n');
    for (const leak of [LINK, 'c2VjcmV0LXRva2VuLWZvci1icmV2bw', PASSWORD, 'electeur@example.org', '33600000001']) {
      expect(all).not.toContain(leak);
    }
  });

  it('records `failed` when a sender setting is missing', async () => {
    const body = await queued(sms);
    await settle(batchOf(body), consume({ ...brevoEnv(), DELIVERY_SMS_SENDER: '' }));
    expect(brevo.calls).toHaveLength(0);
    expect(await outcomesFor(body.id)).toMatchObject([
      { status: 'failed', provider_answer: 'not configured: DELIVERY_SMS_SENDER is empty' },
    ]);
  });
});

describe('Cloudflare Email Service (send_email binding)', () => {
  const message = { ...mail(), text: `Votre lien :\n${LINK}\n`, html: undefined, secret: undefined };

  it('hands the e-mail to the binding: from, to, subject, text', async () => {
    const sent: unknown[] = [];
    const binding = { send: async (m: unknown) => (sent.push(m), { messageId: 'cf-123' }) } as unknown as SendEmail;
    const answer = await sendEmailProvider({
      binding,
      fromEmail: 'ne-pas-repondre@vote.isoloir.example',
      fromName: 'Isoloir',
    }).deliver(message);
    expect(answer).toEqual({ ok: true, retryable: false, answer: 'accepted messageId=cf-123', code: 'accepted' });
    expect(sent).toEqual([
      {
        from: { name: 'Isoloir', email: 'ne-pas-repondre@vote.isoloir.example' },
        to: 'electeur@example.org',
        subject: message.subject,
        text: message.text,
      },
    ]);
  });

  const refusing = (code: string) =>
    ({
      send: async () => Promise.reject(Object.assign(new Error(`refused for electeur@example.org`), { code })),
    }) as unknown as SendEmail;

  it('tries a rate limit or an internal error again, without the address in the answer', async () => {
    for (const code of ['E_RATE_LIMIT_EXCEEDED', 'E_INTERNAL_SERVER_ERROR']) {
      const answer = await sendEmailProvider({ binding: refusing(code), fromEmail: 'a@vote.isoloir.example' }).deliver(
        message,
      );
      expect(answer).toMatchObject({ ok: false, retryable: true });
      expect(answer.answer).toContain(code);
      expect(answer.answer).not.toContain('electeur@example.org');
    }
  });

  it('does not try again what Cloudflare refuses for good (unverified sender, suppressed recipient)', async () => {
    for (const code of ['E_SENDER_NOT_VERIFIED', 'E_RECIPIENT_SUPPRESSED']) {
      const answer = await sendEmailProvider({ binding: refusing(code), fromEmail: 'a@vote.isoloir.example' }).deliver(
        message,
      );
      expect(answer).toMatchObject({ ok: false, retryable: false });
    }
  });
});

describe('provider choice', () => {
  const binding = { send: async () => ({ messageId: 'x' }) } as unknown as SendEmail;

  it('is the outbox whenever DEV_TOOLS is on', () => {
    expect(providerFor({ ...brevoEnv(), DEV_TOOLS: '1', EMAIL: binding }, 'email', () => T0)?.name).toBe('outbox');
    expect(providerFor({ ...brevoEnv(), DEV_TOOLS: '1' }, 'sms', () => T0)?.name).toBe('outbox');
  });

  it('is Brevo when its key is set, for both channels', () => {
    expect(providerFor({ ...brevoEnv(), EMAIL: binding }, 'email', () => T0)?.name).toBe('brevo');
    expect(providerFor(brevoEnv(), 'sms', () => T0)?.name).toBe('brevo');
  });

  it('is send_email for e-mail without a Brevo key, and nothing for SMS', () => {
    const cf = { ...brevoEnv(), BREVO_API_KEY: undefined, EMAIL: binding };
    expect(providerFor(cf, 'email', () => T0)?.name).toBe('send_email');
    expect(providerFor(cf, 'sms', () => T0)).toBeNull();
    expect(providerFor({ ...cf, EMAIL: undefined }, 'email', () => T0)).toBeNull();
  });
});
