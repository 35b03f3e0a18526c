/**
 * The security code used on every form: issue a challenge for a page, check what the voter
 * typed (once: every check consumes the code, right or wrong, so one code cannot be
 * brute-forced), and look a pending code up for the development tools.
 */
import { timingSafeEqual } from '../crypto';
import { shardGuard } from '../guard/client';
import { issueChallenge, openChallenge } from './challenge';

export { CAPTCHA_TTL_MS } from './challenge';
export { renderCaptchaSvg } from './svg';
export { CLIPS_DIR, loadClips, renderCaptchaAudio, type AudioClips, type AudioLanguage } from './audio';

export type CaptchaOutcome = 'ok' | 'wrong' | 'expired' | 'used';

/** A new code for a form: its sealed id goes into the hidden `captchaId` input and the image URL. */
export async function newCaptcha(env: Cloudflare.Env, now: number): Promise<string> {
  return (await issueChallenge(env.CAPTCHA_KEY, now)).id;
}

/**
 * Checks `answer` against the challenge `id`. The code is consumed by the check: its nonce
 * is marked used in a shard of VoterGuard, which serialises concurrent replays.
 */
export async function checkCaptcha(
  env: Cloudflare.Env,
  id: string,
  answer: string,
  now: number,
): Promise<CaptchaOutcome> {
  const challenge = await openChallenge(env.CAPTCHA_KEY, id);
  if (!challenge) return 'wrong';
  if (challenge.expiresAt <= now) return 'expired';
  const { stub } = await shardGuard(env, 'captcha', challenge.nonce);
  const first = await stub.consumeNonce(challenge.nonce, challenge.expiresAt, now);
  if (!first) return 'used';
  return timingSafeEqual(challenge.digits, answer) ? 'ok' : 'wrong';
}

/** The digits of a code still pending (not expired, not used), or null. Development tools only. */
export async function pendingDigits(env: Cloudflare.Env, id: string, now: number): Promise<string | null> {
  const challenge = await openChallenge(env.CAPTCHA_KEY, id);
  if (!challenge || challenge.expiresAt <= now) return null;
  const { stub } = await shardGuard(env, 'captcha', challenge.nonce);
  return (await stub.isNonceUsed(challenge.nonce, now)) ? null : challenge.digits;
}

/** Opens a challenge without consuming it (the image and audio routes). */
export async function openPending(env: Cloudflare.Env, id: string, now: number) {
  const challenge = await openChallenge(env.CAPTCHA_KEY, id);
  return challenge && challenge.expiresAt > now ? challenge : null;
}

/**
 * A challenge that is neither expired nor used, or null. Costs one round trip to the nonce's
 * shard object, so the image (loaded on every page view) does without it; the audio version,
 * fetched far more rarely, is refused once the code has been checked.
 */
export async function openUnused(env: Cloudflare.Env, id: string, now: number) {
  const challenge = await openPending(env, id, now);
  if (!challenge) return null;
  const { stub } = await shardGuard(env, 'captcha', challenge.nonce);
  return (await stub.isNonceUsed(challenge.nonce, now)) ? null : challenge;
}
