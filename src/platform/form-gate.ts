/**
 * The first checks of every form that costs us something (login, renewals, the assistance
 * form), in their order: the security code — consumed by the check — and the client
 * address's allowance, both in shard objects and in parallel. Nothing else runs (no D1
 * read, no PBKDF2, no message) unless both pass.
 */
import { checkCaptcha, type CaptchaOutcome } from './captcha';
import { addressAllowance } from './guard/address';
import type { Verdict } from './guard/throttle';

export interface GateInput {
  captcha: string;
  captchaId: string;
  clientAddress: string;
}

export type GateRefusal =
  { kind: 'captcha'; outcome: Exclude<CaptchaOutcome, 'ok'> } | { kind: 'address-limited'; retryAfterMs: number };

export type Allowance = (env: Cloudflare.Env, address: string, now: number) => Promise<Verdict>;

/** null when the request may go on; otherwise why it may not. */
export async function passFormGate(
  env: Cloudflare.Env,
  req: GateInput,
  now: number,
  allowance: Allowance = addressAllowance,
): Promise<GateRefusal | null> {
  const [code, address] = await Promise.all([
    checkCaptcha(env, req.captchaId, req.captcha, now),
    allowance(env, req.clientAddress, now),
  ]);
  if (code !== 'ok') return { kind: 'captcha', outcome: code };
  if (!address.ok) return { kind: 'address-limited', retryAfterMs: address.retryAfterMs };
  return null;
}
