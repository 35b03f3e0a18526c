/**
 * The shapes of the voter's credentials and NUMIC (SPEC.md "Data rules"): generation from a
 * CSPRNG, normalisation of what voters type, display.
 */
import { randomString } from './crypto';

// Its own import-free module, so the roll import command (Node) normalises exactly like the screens.
export { normalizeNumic } from './numic';

/** Crockford base 32: digits and upper-case letters without I, L, O, U. */
export const IDENTIFIER_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** Lower case and digits without look-alikes (no 0/o, 1/l/i): unlike an identifier. */
export const PASSWORD_ALPHABET = 'abcdefghjkmnpqrstuvwxyz23456789';

/** A new identifier, 12 characters, canonical (ungrouped) form. */
export function generateIdentifier(): string {
  return randomString(IDENTIFIER_ALPHABET, 12);
}

/** A new password, 12 characters. */
export function generatePassword(): string {
  return randomString(PASSWORD_ALPHABET, 12);
}

/**
 * What a voter typed → canonical identifier, or null. Case-insensitive, separators
 * (spaces, hyphens, dots) ignored, and the Crockford look-alikes read as digits
 * (O → 0, I and L → 1).
 */
export function normalizeIdentifier(input: string): string | null {
  const s = input
    .toUpperCase()
    .replace(/[\s\-._]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (s.length !== 12) return null;
  for (const ch of s) if (!IDENTIFIER_ALPHABET.includes(ch)) return null;
  return s;
}

/** `ABCDEFGHJKMN` → `ABCD-EFGH-JKMN`. */
export function formatIdentifier(canonical: string): string {
  return canonical.match(/.{1,4}/g)!.join('-');
}
