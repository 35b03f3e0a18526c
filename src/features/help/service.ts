/**
 * Writing to the assistance cell: security code first (a bot must not fill the table), then a
 * per-address limit generous enough for a consulate helping many voters, then one row in
 * `assistance_requests` with a reference number the voter keeps.
 */
import { IDENTIFIER_ALPHABET, normalizeNumic } from '../../platform/credentials';
import { randomString } from '../../platform/crypto';
import { passFormGate, type GateRefusal } from '../../platform/form-gate';
import type { AddressAllowance } from '../../platform/guard/address';
import type { Services } from '../../platform/services';
import type { Topic } from './schemas';

export const ASSISTANCE_LIMIT = 30;
export const ASSISTANCE_WINDOW_MS = 10 * 60_000;

export interface AssistanceRequest {
  name: string;
  email: string;
  numic?: string;
  topic: Topic;
  message: string;
  language: string;
  captcha: string;
  captchaId: string;
  clientAddress: string;
}

export type AssistanceOutcome = { kind: 'sent'; reference: string } | GateRefusal;

/**
 * `AS-XXXX-XXXX`: 40 bits from the CSPRNG over the unambiguous identifier alphabet, so a
 * voter can read it over the phone and nobody can guess another voter's reference.
 */
export function newReference(): string {
  const s = randomString(IDENTIFIER_ALPHABET, 8);
  return `AS-${s.slice(0, 4)}-${s.slice(4)}`;
}

/** The assistance form's own, tighter allowance per client address. */
const ASSISTANCE_ALLOWANCE: AddressAllowance = {
  purpose: 'assistance-address',
  limit: ASSISTANCE_LIMIT,
  windowMs: ASSISTANCE_WINDOW_MS,
};

/** Stores the voter's request and returns its reference (or why it was refused). */
export async function sendAssistanceRequest(
  s: Pick<Services, 'clock' | 'captcha' | 'guards' | 'pseudonyms' | 'assistance'>,
  req: AssistanceRequest,
): Promise<AssistanceOutcome> {
  const now = s.clock();
  const refused = await passFormGate(s, req, now, ASSISTANCE_ALLOWANCE);
  if (refused) return refused;

  // SPEC.md: outside the voters table a NUMIC is only ever stored as its HMAC — the same one
  // the guard objects use, so the assistance cell's tools can still find the voter.
  const numic = req.numic ? normalizeNumic(req.numic) : null;
  const numicHmac = numic ? await s.pseudonyms.numic(numic) : null;

  // A clash among 32⁸ references is all but impossible; the unique index makes it harmless.
  for (let attempt = 0; attempt < 3; attempt++) {
    const reference = newReference();
    const stored = await s.assistance.create({
      reference,
      name: req.name,
      email: req.email,
      numic: numicHmac,
      topic: req.topic,
      message: req.message,
      language: req.language,
      createdAt: now,
    });
    if (stored) return { kind: 'sent', reference };
  }
  throw new Error('assistance: no free reference after 3 draws');
}
