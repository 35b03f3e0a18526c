/**
 * The security code's picture and its audio version. Served only for a pending code; the same
 * id always gives the same picture and the same sound (noise derived from the challenge), and
 * nothing in the URL or the response's metadata reveals the digits.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../../env';
import { loadClips, openPending, openUnused, renderCaptchaAudio, renderCaptchaSvg } from '../../platform/captcha';

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

/**
 * "Écouter le code": the same digits, spoken in the request's language, only while the code
 * is pending (not expired, not yet checked). Byte ranges are honoured because Safari's media
 * player asks for them before playing anything.
 */
captchaRoutes.get('/captcha/:file{[A-Za-z0-9_-]+\\.wav}', async (c) => {
  const id = c.req.param('file').slice(0, -4);
  const { env, clock } = c.var.services;
  const challenge = await openUnused(env, id, clock());
  if (!challenge) return c.body(null, 404, { 'Cache-Control': 'no-store' });
  const clips = await loadClips(env.ASSETS, c.var.locale);
  const wav = await renderCaptchaAudio(env.CAPTCHA_KEY, id, challenge.digits, c.var.locale, clips);
  const headers: Record<string, string> = {
    'Content-Type': 'audio/wav',
    'Cache-Control': 'no-store',
    'Accept-Ranges': 'bytes',
    'Content-Language': c.var.locale,
    Vary: 'Accept-Language, Cookie',
  };
  const range = /^bytes=(\d*)-(\d*)$/.exec(c.req.header('range') ?? '');
  if (range && (range[1] || range[2])) {
    const size = wav.length;
    let start = range[1] ? Number(range[1]) : size - Number(range[2]);
    const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
    start = Math.max(0, start);
    if (start > end || start >= size) {
      return c.body(null, 416, { ...headers, 'Content-Range': `bytes */${size}` });
    }
    return c.body(wav.slice(start, end + 1), 206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}` });
  }
  return c.body(wav, 200, headers);
});
