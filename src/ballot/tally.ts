/**
 * The running encrypted tally (BELENIOS.md §4): the component-wise product of the counted
 * ballots' ciphertexts, each raised to its credential's weight. It is updated ballot by ballot,
 * so a box is never held whole; zero ballots give (1, 1) everywhere, as the tool prints.
 */
import type { Answer } from './ballot-json';
import type { Election } from './election';
import { P, modPow } from './group';
import { type Ciphertext, ciphertextJson, element, field, list, parseCiphertext } from './types';

export type EncryptedTally = Ciphertext[][];

/** The tally of no ballot: (1, 1) for every choice (blank slot included). */
export function emptyTally(election: Election): EncryptedTally {
  return election.questions.map((q) =>
    Array.from({ length: q.answers.length + (q.blank ? 1 : 0) }, () => ({ alpha: 1n, beta: 1n })),
  );
}

/** tally × ballot^weight, for the last ballot of one credential (revotes replace, never add). */
export function addToTally(tally: EncryptedTally, answers: readonly Answer[], weight = 1n): EncryptedTally {
  if (answers.length !== tally.length) throw new RangeError('ballot does not fit the tally');
  return tally.map((q, i) => {
    const choices = answers[i]!.choices;
    if (choices.length !== q.length) throw new RangeError('ballot does not fit the tally');
    return q.map((t, j) => {
      const c = choices[j]!;
      const [a, b] = weight === 1n ? [c.alpha, c.beta] : [modPow(c.alpha, weight), modPow(c.beta, weight)];
      return { alpha: (t.alpha * a) % P, beta: (t.beta * b) % P };
    });
  });
}

/** The encrypted_tally record, as `compute-encrypted-tally` prints it. */
export function encryptedTallyJson(tally: EncryptedTally): string {
  return `[${tally.map((q) => `[${q.map(ciphertextJson).join(',')}]`).join(',')}]`;
}

export function parseEncryptedTally(json: string): EncryptedTally {
  return list(JSON.parse(json)).map((q) => list(q).map(parseCiphertext));
}

/** Weights and counts are JSON ints up to 2³⁰−1 (OCaml's 31-bit int), decimal strings above. */
export function countJson(n: bigint | number): string {
  const v = BigInt(n);
  if (v < 0n) throw new RangeError('negative count');
  return v <= 1073741823n ? v.toString() : `"${v}"`;
}

/** The sized_encrypted_tally record naming the tally by its hex hash. */
export function sizedTallyJson(numTallied: bigint | number, totalWeight: bigint | number, tallyHash: string): string {
  return `{"num_tallied":${countJson(numTallied)},"total_weight":${countJson(totalWeight)},"encrypted_tally":"${tallyHash}"}`;
}

/** Reads a count written by countJson. */
export function parseCount(x: unknown): bigint {
  if (typeof x === 'number' && Number.isSafeInteger(x) && x >= 0) return BigInt(x);
  return element(x);
}

export function parseSizedTally(json: string): { numTallied: bigint; totalWeight: bigint; tallyHash: string } {
  const o = JSON.parse(json) as unknown;
  const tallyHash = field(o, 'encrypted_tally');
  if (typeof tallyHash !== 'string') throw new RangeError('malformed sized tally');
  return {
    numTallied: parseCount(field(o, 'num_tallied')),
    totalWeight: parseCount(field(o, 'total_weight')),
    tallyHash,
  };
}

/** The result record `{"result":[[…]…]}`. */
export function resultJson(result: readonly (readonly bigint[])[]): string {
  return `{"result":[${result.map((q) => `[${q.map(countJson).join(',')}]`).join(',')}]}`;
}
