/**
 * Development tools (SPEC.md): present only when DEV_TOOLS is "1" — set in .dev.vars, never
 * in wrangler.toml — and only for requests to a loopback host; anything else gets a 404.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../../env';
import { isLoopbackHost, type DevTools } from '../../platform/dev-tools';

export const devRoutes = new Hono<AppEnv & { Variables: { devTools: DevTools } }>();

devRoutes.use('*', async (c, next) => {
  const tools = c.var.services.devTools;
  if (!tools || !isLoopbackHost(new URL(c.req.url).host)) return c.notFound();
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

// The audit trail as `npm run audit -- verify` reads it (locally; the operators' own access to
// it comes with their authentication). Heads first, then the events page by page.
const AUDIT_PAGE = 500;

devRoutes.get('/audit/heads', async (c) => c.json(await c.var.devTools.auditHeads()));

devRoutes.get('/audit/events', async (c) => {
  const after = Number(c.req.query('after') ?? 0);
  const limit = Number(c.req.query('limit') ?? AUDIT_PAGE);
  if (!Number.isSafeInteger(after) || !Number.isSafeInteger(limit) || limit < 1 || limit > AUDIT_PAGE) {
    return c.json({ error: `after: an id, limit: 1 to ${AUDIT_PAGE}` }, 400);
  }
  return c.json(await c.var.devTools.auditEvents(after, limit));
});
