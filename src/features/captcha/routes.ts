/**
 * The security code's picture. Served only for a pending code; the same id always gives the
 * same picture (noise derived from the challenge), and nothing in the URL reveals the digits.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../../env';
import { openPending, renderCaptchaSvg } from '../../platform/captcha';

export const captchaRoutes = new Hono<AppEnv>();

captchaRoutes.get('/captcha/:file{[A-Za-z0-9_-]+\\.svg}', async (c) => {
  const id = c.req.param('file').slice(0, -4);
  const { env, clock } = c.var.services;
  const challenge = await openPending(env, id, clock());
  if (!challenge) return c.body(null, 404, { 'Cache-Control': 'no-store' });
  const svg = await renderCaptchaSvg(env.CAPTCHA_KEY, id, challenge.digits);
  return c.body(svg, 200, {
    'Content-Type': 'image/svg+xml; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'",
  });
});
