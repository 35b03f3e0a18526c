/**
 * Development tools (SPEC.md): present only when DEV_TOOLS is "1" — set in .dev.vars, never
 * in wrangler.toml — and only for requests to a loopback host; anything else gets a 404.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../../env';
import type { DevTools } from '../../platform/dev-tools';

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|localhost|\[::1\])(?::\d+)?$/;

export const devRoutes = new Hono<AppEnv & { Variables: { devTools: DevTools } }>();

devRoutes.use('*', async (c, next) => {
  const tools = c.var.services.devTools;
  if (!tools || !LOOPBACK.test(new URL(c.req.url).host)) return c.notFound();
  c.set('devTools', tools);
  await next();
});

devRoutes.get('/captcha/:id{[A-Za-z0-9_-]+}', async (c) => {
  const digits = await c.var.devTools.captchaDigits(c.req.param('id'), c.var.services.clock());
  if (!digits) return c.json({ error: 'not pending' }, 404);
  return c.json({ digits });
});

/** Every message delivered locally, oldest first (SPEC.md's shape). */
devRoutes.get('/outbox', async (c) => c.json(await c.var.devTools.outbox()));
