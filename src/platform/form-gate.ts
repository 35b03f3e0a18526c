/**
 * The first checks of every form that costs us something (login, renewals, the assistance
 * form), in their order: the security code — consumed by the check — and the client
 * address's allowance, both in shard objects and in parallel. Nothing else runs (no D1
 * read, no PBKDF2, no message) unless both pass.
 */
import type { CaptchaOutcome } from './captcha';
import { countAddress, FORM_ALLOWANCE, type AddressAllowance } from './guard/address';
import type { Services } from './services';

export interface GateInput {
  captcha: string;
  captchaId: string;
  clientAddress: string;
}

export type GateRefusal =
  { kind: 'captcha'; outcome: Exclude<CaptchaOutcome, 'ok'> } | { kind: 'address-limited'; retryAfterMs: number };

/** null when the request may go on; otherwise why it may not. */
export async function passFormGate(
  s: Pick<Services, 'captcha' | 'guards'>,
  req: GateInput,
  now: number,
  allowance: AddressAllowance = FORM_ALLOWANCE,
): Promise<GateRefusal | null> {
  const [code, address] = await Promise.all([
    s.captcha.check(req.captchaId, req.captcha, now),
    countAddress(s.guards, allowance, req.clientAddress, now),
  ]);
  if (code !== 'ok') return { kind: 'captcha', outcome: code };
  if (!address.ok) return { kind: 'address-limited', retryAfterMs: address.retryAfterMs };
  return null;
}
