/**
 * The security code's picture and its audio version. Served only for a pending code; the same
 * id always gives the same picture and the same sound (each drawn from an HMAC of the
 * challenge: one rendering per code, so fetching it again and averaging teaches nothing), and
 * nothing in the URL or the response's metadata reveals the digits.
 */
import { Hono } from 'hono';
import type { AppEnv } from '../../env';

export const captchaRoutes = new Hono<AppEnv>();

captchaRoutes.get('/captcha/:file{[A-Za-z0-9_-]+\\.png}', async (c) => {
  const { captcha, clock } = c.var.services;
  const png = await captcha.picture(c.req.param('file').slice(0, -4), clock());
  if (png === null) return c.body(null, 404, { 'Cache-Control': 'no-store' });
  return c.body(png, 200, { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' });
});

/**
 * "Écouter le code": the same digits, spoken in the language of the page the code was issued
 * for, only while the code is pending (not expired, not yet checked), within the network's
 * allowance (AUDIO_ALLOWANCE; a refusal is a 429 with Retry-After: the player shows an error,
 * the picture and the assistance cell stay). Byte ranges are honoured because Safari's media
 * player asks for them before playing anything.
 */
captchaRoutes.get('/captcha/:file{[A-Za-z0-9_-]+\\.wav}', async (c) => {
  const { captcha, clock } = c.var.services;
  const sound = await captcha.sound(
    c.req.param('file').slice(0, -4),
    { fallback: c.var.locale, clientAddress: c.req.header('cf-connecting-ip') ?? 'local' },
    clock(),
  );
  if (sound.kind === 'limited') {
    const retryAfter = String(Math.max(1, Math.ceil(sound.retryAfterMs / 1000)));
    return c.body(null, 429, { 'Cache-Control': 'no-store', 'Retry-After': retryAfter });
  }
  if (sound.kind === 'gone') return c.body(null, 404, { 'Cache-Control': 'no-store' });
  const { wav } = sound;
  const headers: Record<string, string> = {
    'Content-Type': 'audio/wav',
    'Cache-Control': 'no-store',
    'Accept-Ranges': 'bytes',
    'Content-Language': sound.language,
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
