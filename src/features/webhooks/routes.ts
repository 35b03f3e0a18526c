/**
 * `POST /hooks/brevo`: Brevo's transactional webhooks (e-mail and SMS events) bring delivery
 * receipts (platform/delivery/receipts.ts). Brevo does not sign them: the webhook is set up with
 * a bearer token (`BREVO_WEBHOOK_TOKEN`), compared in constant time; without the setting every
 * call is refused (fail closed). Outside `/operateur`, which Cloudflare Access guards and Brevo
 * could not pass. Answers are JSON; a receipt for a message we never sent is ignored (200, so
 * Brevo does not retry it forever), a malformed payload refused (400).
 */
import { Hono } from 'hono';
import type { AppEnv } from '../../env';
import { sameSecret } from '../../platform/crypto';
import { brevoPayload, parseBrevo } from '../../platform/delivery/receipts';
import { log } from '../../platform/log';

export const webhookRoutes = new Hono<AppEnv>();

webhookRoutes.post('/brevo', async (c) => {
  c.header('Cache-Control', 'no-store');
  const expected = c.env.BREVO_WEBHOOK_TOKEN;
  if (!expected) return c.json({ error: 'not_configured' }, 503);
  const given = /^Bearer (.+)$/.exec(c.req.header('authorization') ?? '')?.[1];
  if (!given || !(await sameSecret(expected, given))) {
    log.warn('receipt_refused', undefined, { reason: given ? 'bad_token' : 'no_token' });
    return c.json({ error: 'unauthorized' }, 401);
  }
  let data: unknown;
  try {
    data = await c.req.json();
  } catch {
    return c.json({ error: 'malformed' }, 400);
  }
  const parsed = brevoPayload.safeParse(data);
  if (!parsed.success) return c.json({ error: 'malformed' }, 400);
  const s = c.var.services;
  const now = s.clock();
  const receipts = parseBrevo(parsed.data, now);
  const recorded = await s.deliveryWatch.record(receipts, now);
  return c.json({ received: receipts.length, recorded });
});
