/**
 * Development tools (SPEC.md): mounted only when DEV_TOOLS is "1" — set in .dev.vars, never
 * in wrangler.toml — and only for requests to a loopback host; anything else gets a 404.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../../env';
import { asc } from 'drizzle-orm';
import { devOutbox } from '../../db/schema';
import { pendingDigits } from '../../platform/captcha';

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|localhost|\[::1\])(?::\d+)?$/;

export const devRoutes = new Hono<AppEnv>();

devRoutes.use('*', async (c, next) => {
  const host = new URL(c.req.url).host;
  if (c.env.DEV_TOOLS !== '1' || !LOOPBACK.test(host)) return c.notFound();
  await next();
});

devRoutes.get('/captcha/:id{[A-Za-z0-9_-]+}', async (c) => {
  const { env, clock } = c.var.services;
  const digits = await pendingDigits(env, c.req.param('id'), clock());
  if (!digits) return c.json({ error: 'not pending' }, 404);
  return c.json({ digits });
});

/** Every message delivered locally, oldest first (SPEC.md's shape). */
devRoutes.get('/outbox', async (c) => {
  const rows = await c.var.services.db.select().from(devOutbox).orderBy(asc(devOutbox.id)).all();
  return c.json(
    rows.map((r) => ({
      channel: r.channel,
      to: r.to,
      ...(r.subject != null ? { subject: r.subject } : {}),
      text: r.text,
      ...(r.html != null ? { html: r.html } : {}),
      createdAt: new Date(r.createdAt).toISOString(),
    })),
  );
});
