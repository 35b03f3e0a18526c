/**
 * Password hashing: PBKDF2-SHA256 with exactly 100 000 iterations. That is the Workers
 * production cap (a higher count throws there, but `wrangler dev` does not enforce it, so a
 * higher number would pass every local test and fail in production).
 */
import { fromBase64Url, randomBytes, toBase64Url } from './crypto';

export const PBKDF2_ITERATIONS = 100_000;
const PREFIX = 'pbkdf2-sha256';

/** What flows need from password hashing; tests wrap it to count hash computations. */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** Constant-time verification; `stored` null runs a dummy hash of the same cost. */
  verify(password: string, stored: string | null): Promise<boolean>;
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

/** Serialises as `pbkdf2-sha256$100000$salt$hash` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, PBKDF2_ITERATIONS);
  return `${PREFIX}$${PBKDF2_ITERATIONS}$${toBase64Url(salt)}$${toBase64Url(hash)}`;
}

// A fixed, valid hash for unknown identifiers: verifying against it costs one full PBKDF2,
// so an unknown identifier answers as slowly as a known one.
const DUMMY_HASH = `${PREFIX}$${PBKDF2_ITERATIONS}$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`;

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const parts = (stored ?? DUMMY_HASH).split('$');
  const iterations = Number(parts[1]);
  const salt = fromBase64Url(parts[2] ?? '');
  const expected = fromBase64Url(parts[3] ?? '');
  const usable = parts[0] === PREFIX && iterations === PBKDF2_ITERATIONS && salt && expected;
  const actual = await derive(password, salt ?? new Uint8Array(16), PBKDF2_ITERATIONS);
  if (!usable || stored === null) return false;
  let diff = actual.length ^ expected.length;
  for (let i = 0; i < actual.length; i++) diff |= actual[i]! ^ (expected[i] ?? 0);
  return diff === 0;
}

export const pbkdf2Hasher: PasswordHasher = { hash: hashPassword, verify: verifyPassword };
