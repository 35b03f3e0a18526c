/**
 * The NUMIC's one normalisation (SPEC.md "Data rules"), shared by the voter screens and the
 * roll import command (`scripts/roll/`), so a NUMIC typed by a voter and the same NUMIC in the
 * roll CSV land on the same voter. No imports: Node loads this file with its types stripped.
 */

/** What a voter typed → 8-digit NUMIC (leading zeros restored, spaces ignored), or null. */
export function normalizeNumic(input: string): string | null {
  const s = input.replace(/[\s.-]/g, '');
  if (!/^\d{1,8}$/.test(s)) return null;
  return s.padStart(8, '0');
}
