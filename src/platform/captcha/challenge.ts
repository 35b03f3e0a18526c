/**
 * The 4-digit security code travels as a sealed challenge: AES-GCM (key derived from
 * CAPTCHA_KEY) over the digits, the expiry and the language of the page it was issued for
 * (the spoken code is in that language only: one sound per code, never a second rendering
 * in the other language to compare it with), base64url. GET / therefore needs no storage
 * round trip; only checking a code touches storage (its nonce is marked used in a shard of
 * AccessState). The challenge id is URL-safe and holds nothing readable.
 */
import type { Locale } from '../../i18n';
import { fromBase64Url, randomBytes, randomString, toBase64Url } from '../crypto';

export const CAPTCHA_TTL_MS = 10 * 60_000;
const IV_BYTES = 12;

export interface Challenge {
  digits: string;
  expiresAt: number;
  /** Unique per challenge: what gets marked used. */
  nonce: string;
  /** The page's language; null for a code sealed before the language was (at most 10 minutes old at deploy). */
  language: Locale | null;
}

const keys = new Map<string, Promise<CryptoKey>>();

function aesKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle
      .digest('SHA-256', new TextEncoder().encode(`isoloir-captcha:${secret}`))
      .then((raw) => crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']));
    keys.set(secret, key);
  }
  return key;
}

/** A fresh challenge (digits from the CSPRNG) and its sealed id. */
export async function issueChallenge(
  secret: string,
  now: number,
  language: Locale,
): Promise<{ id: string; challenge: Challenge }> {
  const digits = randomString('0123456789', 4);
  const expiresAt = now + CAPTCHA_TTL_MS;
  const iv = randomBytes(IV_BYTES);
  const plain = new TextEncoder().encode(`${digits}.${Math.ceil(expiresAt / 1000)}.${language}`);
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, await aesKey(secret), plain));
  const bytes = new Uint8Array(IV_BYTES + sealed.length);
  bytes.set(iv);
  bytes.set(sealed, IV_BYTES);
  const id = toBase64Url(bytes);
  return {
    id,
    challenge: { digits, expiresAt: Math.ceil(expiresAt / 1000) * 1000, nonce: toBase64Url(iv), language },
  };
}

/** Opens a sealed id; null when it was not made with this key or was tampered with. */
export async function openChallenge(secret: string, id: string): Promise<Challenge | null> {
  if (id.length > 200) return null;
  const bytes = fromBase64Url(id);
  if (!bytes || bytes.length <= IV_BYTES + 16) return null;
  const iv = bytes.slice(0, IV_BYTES);
  try {
    const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv }, await aesKey(secret), bytes.slice(IV_BYTES));
    const match = /^(\d{4})\.(\d+)(?:\.(fr|en))?$/.exec(new TextDecoder().decode(plain));
    if (!match) return null;
    const language = (match[3] as Locale | undefined) ?? null;
    return { digits: match[1]!, expiresAt: Number(match[2]) * 1000, nonce: toBase64Url(iv), language };
  } catch {
    return null;
  }
}
