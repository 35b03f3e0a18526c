/**
 * The shapes every module shares — a Schnorr-style proof and an ElGamal ciphertext — and their
 * JSON, written by hand in the tool's field order with decimal strings (BELENIOS.md §4).
 */
import { P, parseDecimal, isScalar } from './group';

/** A proof's (challenge, response), response = w − secret·challenge mod q. */
export interface Proof {
  challenge: bigint;
  response: bigint;
}

/** An ElGamal ciphertext (g^r, y^r·g^m). */
export interface Ciphertext {
  alpha: bigint;
  beta: bigint;
}

export const proofJson = (p: Proof): string => `{"challenge":"${p.challenge}","response":"${p.response}"}`;

export const ciphertextJson = (c: Ciphertext): string => `{"alpha":"${c.alpha}","beta":"${c.beta}"}`;

/** Why a piece of JSON was refused, most specific first. */
export type ShapeError = 'malformed' | 'not_canonical' | 'element_out_of_range' | 'scalar_out_of_range';

export class ShapeRefusal extends Error {
  constructor(readonly reason: ShapeError) {
    super(reason);
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** The value of `key` in a JSON object, refusing anything that is not an object. */
export function field(x: unknown, key: string): unknown {
  if (!isRecord(x)) throw new ShapeRefusal('malformed');
  return x[key];
}

/** A JSON array (of a given length when asked). */
export function list(x: unknown, length?: number): unknown[] {
  if (!Array.isArray(x) || (length !== undefined && x.length !== length)) throw new ShapeRefusal('malformed');
  return x;
}

/** A canonical decimal string; a string that is not canonical refuses the whole document. */
export function decimal(x: unknown): bigint {
  if (typeof x !== 'string') throw new ShapeRefusal('malformed');
  const v = parseDecimal(x);
  if (v === undefined) throw new ShapeRefusal(/^[0-9]+$/.test(x) ? 'not_canonical' : 'malformed');
  return v;
}

/** A decimal in [0, p): membership proper (x^q = 1) is checked later, where it is cheap. */
export function element(x: unknown): bigint {
  const v = decimal(x);
  if (v >= P) throw new ShapeRefusal('element_out_of_range');
  return v;
}

export function scalar(x: unknown): bigint {
  const v = decimal(x);
  if (!isScalar(v)) throw new ShapeRefusal('scalar_out_of_range');
  return v;
}

export function parseProof(x: unknown): Proof {
  return { challenge: scalar(field(x, 'challenge')), response: scalar(field(x, 'response')) };
}

export function parseCiphertext(x: unknown): Ciphertext {
  return { alpha: element(field(x, 'alpha')), beta: element(field(x, 'beta')) };
}

/** A JSON string field. */
export function text(x: unknown): string {
  if (typeof x !== 'string') throw new ShapeRefusal('malformed');
  return x;
}
