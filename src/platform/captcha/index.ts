/**
 * The `captcha` capability, the security code of every form: issue a challenge for a page,
 * check what the voter typed (once: every check consumes the code, right or wrong, so one
 * code cannot be brute-forced), draw and speak a pending code, and look one up for the
 * development tools.
 */
import type { Locale } from '../../i18n';
import { timingSafeEqual } from '../crypto';
import type { Guards } from '../guard/guards';
import { loadClips, renderCaptchaAudio } from './audio';
import { issueChallenge, openChallenge, type Challenge } from './challenge';
import { renderCaptchaSvg } from './svg';

export { CAPTCHA_TTL_MS } from './challenge';
export { CAPTCHA_HEIGHT, CAPTCHA_WIDTH } from './svg';

export type CaptchaOutcome = 'ok' | 'wrong' | 'expired' | 'used';

export interface Captcha {
  /** A new code for a form: its sealed id goes into the hidden `captchaId` input and the image URL. */
  issue(now: number): Promise<string>;
  /**
   * Checks `answer` against the challenge `id`. The code is consumed by the check: its nonce
   * is marked used in a shard object, which serialises concurrent replays.
   */
  check(id: string, answer: string, now: number): Promise<CaptchaOutcome>;
  /**
   * The picture of a code that has not expired, or null. Costs no storage round trip (the
   * image loads with every page view).
   */
  picture(id: string, now: number): Promise<string | null>;
  /**
   * The spoken code while it is neither expired nor used (one round trip to the nonce's
   * shard: fetched far more rarely than the picture, refused once the code was checked).
   */
  sound(id: string, language: Locale, now: number): Promise<Uint8Array<ArrayBuffer> | null>;
  /** The digits of a code still pending (not expired, not used), or null. Development tools only. */
  pendingDigits(id: string, now: number): Promise<string | null>;
}

/**
 * The implementation: challenges sealed with `key`, nonces consumed in `guards`' shards, the
 * spoken digits' clips read from the static assets (`assets`), where no one else can reach
 * them (audio.ts).
 */
export function sealedCaptcha(key: string, guards: Guards, assets: Fetcher): Captcha {
  const open = async (id: string, now: number): Promise<Challenge | null> => {
    const challenge = await openChallenge(key, id);
    return challenge && challenge.expiresAt > now ? challenge : null;
  };
  const nonce = (challenge: Challenge) => guards.forUnknown('captcha', challenge.nonce);
  const unused = async (id: string, now: number) => {
    const challenge = await open(id, now);
    if (!challenge) return null;
    return (await (await nonce(challenge)).isConsumed(now)) ? null : challenge;
  };
  return {
    issue: async (now) => (await issueChallenge(key, now)).id,
    async check(id, answer, now) {
      const challenge = await openChallenge(key, id);
      if (!challenge) return 'wrong';
      if (challenge.expiresAt <= now) return 'expired';
      const first = await (await nonce(challenge)).consume(challenge.expiresAt, now);
      if (!first) return 'used';
      return timingSafeEqual(challenge.digits, answer) ? 'ok' : 'wrong';
    },
    async picture(id, now) {
      const challenge = await open(id, now);
      return challenge ? renderCaptchaSvg(key, id, challenge.digits) : null;
    },
    async sound(id, language, now) {
      const challenge = await unused(id, now);
      if (!challenge) return null;
      return renderCaptchaAudio(key, id, challenge.digits, language, await loadClips(assets, language));
    },
    pendingDigits: async (id, now) => (await unused(id, now))?.digits ?? null,
  };
}
