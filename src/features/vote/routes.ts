/**
 * `POST /vote/bulletin`: the booth sends the encrypted ballot as JSON `{"ballot": "<json>"}`
 * (the ballot's exact bytes, which its tracker and signature cover). Behind the voter's session;
 * same-origin only (the Origin header must be this portal's: a JSON post escapes hono's CSRF
 * check of forms); its own body limit (app.tsx: a ballot of 15 answers is ~25 KB). Answers JSON:
 * `{"status":"cast"|"voted","tracker","at"}` or `{"error","message"}` in the voter's language.
 */
import { Hono } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../../env';
import { SESSION_COOKIE } from '../../platform/sessions';
import { openSession } from '../../platform/voter-session';
import { waitText } from '../../views/refusal';
import { castBallot } from './service';

export const voteRoutes = new Hono<AppEnv>();

voteRoutes.post('/bulletin', async (c) => {
  const { services: s, t } = c.var;
  c.header('Cache-Control', 'no-store');
  const origin = new URL(c.req.url).origin;
  if (c.req.header('origin') !== origin || !c.req.header('content-type')?.startsWith('application/json')) {
    return c.json({ error: 'forbidden', message: t('error.badRequest') }, 403);
  }
  // The session's standing is checked by the cast's own call to the voter's object.
  const open = await openSession(s, getCookie(c, SESSION_COOKIE), { standing: 'deferred' });
  if (!open) return c.json({ error: 'session', message: t('vote.error.session') }, 401);
  let ballot: unknown;
  try {
    ballot = ((await c.req.json()) as { ballot?: unknown }).ballot;
  } catch {
    ballot = undefined;
  }
  if (typeof ballot !== 'string' || ballot.length === 0) {
    return c.json({ error: 'invalid', message: t('vote.error.invalid') }, 400);
  }
  const answer = await castBallot(s, open.voter, open.session, ballot, c.req.header('cf-connecting-ip') ?? 'local');
  switch (answer.kind) {
    case 'session-ended':
      return c.json({ error: 'session', message: t('vote.error.session') }, 401);
    case 'cast':
      return c.json({ status: 'cast', tracker: answer.tracker, at: answer.at, fingerprint: answer.fingerprint });
    case 'voted':
      return c.json({ status: 'voted', tracker: answer.tracker, at: answer.at });
    case 'unavailable':
      return c.json({ error: 'unavailable', message: t('vote.error.unavailable') }, 503);
    case 'refused': {
      const status = {
        throttled: 429,
        pending: 409,
        closed: 409,
        before_opening: 409,
        not_set_up: 409,
        invalid: 400,
        not_yours: 400,
      }[answer.reason] as 400 | 409 | 429;
      const wait = answer.retryAfterMs ?? 60_000;
      if (answer.reason === 'throttled') c.header('Retry-After', String(Math.ceil(wait / 1000)));
      return c.json(
        { error: answer.reason, message: t(`vote.error.${answer.reason}`, { wait: waitText(wait, t) }) },
        status,
      );
    }
  }
});
