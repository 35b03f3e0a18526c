/**
 * The `captcha` capability, the security code of every form: issue a challenge for a page,
 * check what the voter typed (once: every check consumes the code, right or wrong, so one
 * code cannot be brute-forced), draw and speak a pending code, and look one up for the
 * development tools.
 */
import type { Locale } from '../../i18n';
import { timingSafeEqual } from '../crypto';
import { countAddress, type AddressAllowance } from '../guard/address';
import type { Guards } from '../guard/guards';
import { loadClips, renderCaptchaAudio } from './audio';
import { issueChallenge, openChallenge, type Challenge } from './challenge';
import { renderCaptchaPicture } from './picture';

export { CAPTCHA_TTL_MS } from './challenge';
export { CAPTCHA_HEIGHT, CAPTCHA_WIDTH } from './picture';

export type CaptchaOutcome = 'ok' | 'wrong' | 'expired' | 'used';

/**
 * How many spoken codes one network may fetch per window (network.ts: an IPv4 address, an
 * IPv6 /64; its /48 four times as many). A sound costs the Worker ~4 ms of CPU and a Durable
 * Object call, and each one is a sample for whoever trains a reader on them. A voter playing
 * a code fetches it once or twice (Safari asks for a byte range first), a few times with new
 * codes: 30 in 10 minutes leaves room for about ten plays, and holds a bot on one network to
 * 30 sounds, so 30 codes to try, per 10 minutes.
 */
export const AUDIO_ALLOWANCE: AddressAllowance = { purpose: 'captcha-audio', limit: 30, windowMs: 10 * 60_000 };

export type SoundOutcome =
  | { kind: 'ok'; wav: Uint8Array<ArrayBuffer>; language: Locale }
  | { kind: 'gone' }
  | { kind: 'limited'; retryAfterMs: number };

export interface Captcha {
  /**
   * A new code for a page in `language`: its sealed id goes into the hidden `captchaId` input
   * and the picture's and the sound's URLs. The sound will be in that language only.
   */
  issue(now: number, language: Locale): Promise<string>;
  /**
   * Checks `answer` against the challenge `id`. The code is consumed by the check: its nonce
   * is marked used in a shard object, which serialises concurrent replays.
   */
  check(id: string, answer: string, now: number): Promise<CaptchaOutcome>;
  /**
   * The picture (PNG) of a code that has not expired, or null. Costs no storage round trip
   * (the image loads with every page view).
   */
  picture(id: string, now: number): Promise<Uint8Array<ArrayBuffer> | null>;
  /**
   * The spoken code while it is neither expired nor used, in the language it was issued for
   * (`fallback` only for a code issued before codes carried one). Counted on the client's
   * network (AUDIO_ALLOWANCE) in parallel with the nonce's state: two shard round trips.
   */
  sound(id: string, request: { fallback: Locale; clientAddress: string }, now: number): Promise<SoundOutcome>;
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
    issue: async (now, language) => (await issueChallenge(key, now, language)).id,
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
      return challenge ? renderCaptchaPicture(key, id, challenge.digits) : null;
    },
    async sound(id, { fallback, clientAddress }, now) {
      // Every request counts, a refused or unknown code too: probing costs the allowance.
      const [allowed, challenge] = await Promise.all([
        countAddress(guards, AUDIO_ALLOWANCE, clientAddress, now),
        unused(id, now),
      ]);
      if (!allowed.ok) return { kind: 'limited', retryAfterMs: allowed.retryAfterMs };
      if (!challenge) return { kind: 'gone' };
      const language = challenge.language ?? fallback;
      const clips = await loadClips(assets, language);
      return { kind: 'ok', wav: await renderCaptchaAudio(key, id, challenge.digits, language, clips), language };
    },
    pendingDigits: async (id, now) => (await unused(id, now))?.digits ?? null,
  };
}
