/**
 * Writing to the assistance cell: security code first (a bot must not fill the table), then a
 * per-address limit generous enough for a consulate helping many voters, then one row in
 * `assistance_requests` with a reference number the voter keeps.
 */
import { assistanceRequests } from '../../db/schema';
import { passFormGate, type GateRefusal } from '../../platform/form-gate';
import { IDENTIFIER_ALPHABET, normalizeNumic } from '../../platform/credentials';
import { hmacHex, randomString } from '../../platform/crypto';
import { shardGuard } from '../../platform/guard/client';
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

/** Stores the voter's request and returns its reference (or why it was refused). */
export async function sendAssistanceRequest(s: Services, req: AssistanceRequest): Promise<AssistanceOutcome> {
  const now = s.clock();
  const refused = await passFormGate(s.env, req, now, assistanceAllowance);
  if (refused) return refused;

  // SPEC.md: outside the voters table a NUMIC is only ever stored as its HMAC — the same one
  // the guard objects use, so the assistance cell's tools can still find the voter.
  const numic = req.numic ? normalizeNumic(req.numic) : null;
  const numicHmac = numic ? await hmacHex(s.env.NUMIC_HMAC_KEY, numic) : null;

  // A clash among 32⁸ references is all but impossible; the unique index makes it harmless.
  for (let attempt = 0; ; attempt++) {
    const reference = newReference();
    try {
      await s.db.insert(assistanceRequests).values({
        reference,
        name: req.name,
        email: req.email,
        numic: numicHmac,
        topic: req.topic,
        message: req.message,
        language: req.language,
        createdAt: now,
      });
      return { kind: 'sent', reference };
    } catch (err) {
      const text = `${String(err)} ${String((err as Error)?.cause ?? '')}`;
      if (attempt >= 2 || !/UNIQUE/i.test(text)) throw err;
    }
  }
}

/** The assistance form's own, tighter allowance per client address. */
async function assistanceAllowance(env: Cloudflare.Env, address: string, now: number) {
  const { stub, subject } = await shardGuard(env, 'assistance-address', address);
  return stub.hit(subject, ASSISTANCE_LIMIT, ASSISTANCE_WINDOW_MS, now);
}
