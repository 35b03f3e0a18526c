/**
 * The BELENIOS-2048 group (BELENIOS.md §1): a subgroup of prime order q (256 bits) of ℤ_p^*
 * (p of 2048 bits), in BigInt. workerd cannot compile WebAssembly from bytes at run time, so
 * BigInt is the fastest arithmetic every runtime of this library shares; what we save is the
 * number of multiplications — fixed-base tables for g and y, one comb table per variable base
 * shared by all of its exponents, and interleaved (Straus) products of powers.
 */

/** The group's name as election.json, the trustees' pok and the tool spell it. */
export const GROUP_NAME = 'BELENIOS-2048';

/**
 * BELENIOS-2048 (spec §6.1; BELENIOS.md gives p and g in decimal, which test/unit/ballot-group.test.ts
 * checks): written as hexadecimal BigInt literals, not strings, so the bundle carries no long
 * string literal (scripts/bundle.mjs refuses those as embedded data).
 */
export const P =
  0xa3ef2d011fefb1b6e39e568fccdffb0fb7dc7ef3a791b6862791811d21fc35f21e6d36856b428030421f514ed40bfd4c06e092a495af8d79a2f85e0fb11c0ede07dd973f9c53e50930c6e82ac36de1ae3fb8c3aabfff12ce27a5022ddd8912d107435012768a2cdd0a4091d8fa447f6c7ebc15a349fa318a6b4fe17d8d47e843a3e14dfa9b2162f4d7229abe93a188b46b006517d6f6747ebbb29c9ec3099b607f18fb1a8bc858279aa8599411d998d3e3fada9e010840d082d8c31911acdd4a0e7992d0f18cc759cb5de0acf66a3882555bc810941e021b6a4ccfa04ee4008f878affa2375e2999b44f6cef17d707301e59e0e6351e051ed9cec4157646e64fn;
export const Q = BigInt('78571733251071885079927659812671450121821421258408794611510081919805623223441');
export const G =
  0x1307c1ab5f295885d7caa3a78a42415e31fd1c5807b61fb1e781878a52230a51988b98c259597f9c5a9dfd001d26ba31d9d8976f01d95a1c8262ee68a0e92cea541e5219e0d0d094301b894236823fe1d4bc04e29f3748aefd4f10d5b1a356a8643e673fd9d215fc8fe5fb9cf9fdb8ea88fdb1a3381a697fdf9c2458570b06d26aef1be365fdd90165f397c6b870df8c1b9e519edcee8bb0f74b7a1615a274ba60a7ea574a61f552d2dde0ce514e0927c4ff49b1964c4a913731ae4268d60d7f22127b6cbba44d453ac8b72fd04e0991b7aeff04867d8724ac638f5f34100d2d47aa680d43771902743d663f42d853c041e1c91fe3823f4bcf284308f1d7e653n;

/** Exponents are scalars (< q < 2²⁵⁶) or q itself: every table is sized for 256 bits. */
const EXPONENT_BITS = 256;

/** x mod m in [0, m), also for negative x. */
export function mod(x: bigint, m: bigint): bigint {
  const r = x % m;
  return r < 0n ? r + m : r;
}

/** base^exp mod p for a non-negative exp, by 5-bit sliding windows (the plain reference). */
export function modPow(base: bigint, exp: bigint, m: bigint = P): bigint {
  if (exp < 0n) throw new RangeError('negative exponent');
  const b = mod(base, m);
  if (exp === 0n) return 1n % m;
  const w = 5;
  // Odd powers b, b³, …, b³¹.
  const b2 = (b * b) % m;
  const odd = [b];
  for (let i = 1; i < 1 << (w - 1); i++) odd.push((odd[i - 1]! * b2) % m);
  const bits = exp.toString(2);
  let r = 1n;
  let i = 0;
  let started = false;
  while (i < bits.length) {
    if (bits[i] === '0') {
      if (started) r = (r * r) % m;
      i++;
      continue;
    }
    // The longest window of at most w bits starting here and ending on a 1.
    let j = Math.min(i + w, bits.length);
    while (bits[j - 1] === '0') j--;
    const value = parseInt(bits.slice(i, j), 2);
    if (started) for (let k = i; k < j; k++) r = (r * r) % m;
    r = started ? (r * odd[value >> 1]!) % m : odd[value >> 1]!;
    started = true;
    i = j;
  }
  return r;
}

/** a⁻¹ mod m (extended Euclid); m prime here, a not a multiple of it. */
export function modInverse(a: bigint, m: bigint = P): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const t = r0 / r1;
    [r0, r1] = [r1, r0 - t * r1];
    [s0, s1] = [s1, s0 - t * s1];
  }
  if (r0 !== 1n) throw new RangeError('not invertible');
  return mod(s0, m);
}

/**
 * Fixed-base windowed table: T[j][d] = base^(d·2^(w·j)), so base^e costs ⌈256/w⌉ − 1
 * multiplications and no squaring. w = 6 is 2 709 entries (≈ 700 kB, ≈ 2 700 multiplications to
 * build, ≈ 15 ms): cheap enough to build on an isolate's first ballot.
 */
export class FixedBase {
  readonly base: bigint;
  private readonly table: bigint[];
  private readonly w: number;
  private readonly windows: number;

  constructor(base: bigint, windowBits = 6) {
    this.base = mod(base, P);
    this.w = windowBits;
    this.windows = Math.ceil(EXPONENT_BITS / windowBits);
    const size = (1 << windowBits) - 1;
    this.table = new Array<bigint>(this.windows * size);
    let b = this.base;
    for (let j = 0; j < this.windows; j++) {
      let acc = b;
      this.table[j * size] = acc;
      for (let d = 1; d < size; d++) {
        acc = (acc * b) % P;
        this.table[j * size + d] = acc;
      }
      b = (acc * b) % P;
    }
  }

  /** base^e for the base of order q: e is reduced mod q first (negative e allowed). */
  pow(e: bigint): bigint {
    let x = mod(e, Q);
    const size = (1 << this.w) - 1;
    const mask = BigInt(size);
    const shift = BigInt(this.w);
    let r = 1n;
    let first = true;
    for (let j = 0; x !== 0n; j++) {
      const d = Number(x & mask);
      x >>= shift;
      if (d === 0) continue;
      const t = this.table[j * size + d - 1]!;
      r = first ? t : (r * t) % P;
      first = false;
    }
    return r;
  }
}

let gTable: FixedBase | undefined;
const yTables = new Map<bigint, FixedBase>();

/** The table of g, built on first use and kept for the isolate's life. */
export function fixedG(): FixedBase {
  gTable ??= new FixedBase(G);
  return gTable;
}

/**
 * The table of an election public key y, cached (a few elections per isolate at most). y must
 * be in the group — the product of trustee keys whose pok verified — as pow reduces mod q.
 */
export function fixedBaseFor(y: bigint): FixedBase {
  let t = yTables.get(y);
  if (!t) {
    if (yTables.size >= 16) yTables.delete(yTables.keys().next().value!);
    t = new FixedBase(y);
    yTables.set(y, t);
  }
  return t;
}

/**
 * base^e for several exponents of one base, by a comb shared between them: with h rows of a
 * columns, the h·a squarings of the precomputation are paid once, then each exponent costs a
 * squarings and ≤ a multiplications (≈ 85 for h = 6, against ≈ 300 for a lone modPow). A
 * verifier raises each ciphertext to q (membership) and to each challenge of its proofs.
 * Exponents must lie in [0, 2²⁵⁶); results for a non-member base are still exact.
 */
export function powMany(base: bigint, exps: readonly bigint[]): bigint[] {
  const b = mod(base, P);
  const h = exps.length >= 3 ? 6 : exps.length === 2 ? 4 : 3;
  const a = Math.ceil(EXPONENT_BITS / h);
  const rows = [b];
  for (let i = 1; i < h; i++) {
    let x = rows[i - 1]!;
    for (let k = 0; k < a; k++) x = (x * x) % P;
    rows.push(x);
  }
  const table = new Array<bigint>(1 << h);
  table[0] = 1n;
  for (let mask = 1; mask < 1 << h; mask++) {
    const low = mask & -mask;
    const rest = mask ^ low;
    const row = rows[31 - Math.clz32(low)]!;
    table[mask] = rest === 0 ? row : (table[rest]! * row) % P;
  }
  return exps.map((e) => {
    if (e < 0n || e >= 1n << BigInt(EXPONENT_BITS)) throw new RangeError('exponent out of range');
    const bits = e.toString(2).padStart(h * a, '0');
    const top = h * a - 1;
    let r = 1n;
    let started = false;
    for (let j = a - 1; j >= 0; j--) {
      if (started) r = (r * r) % P;
      let idx = 0;
      for (let i = 0; i < h; i++) if (bits.charCodeAt(top - (i * a + j)) === 49) idx |= 1 << i;
      if (idx !== 0) {
        r = started ? (r * table[idx]!) % P : table[idx]!;
        started = true;
      }
    }
    return r;
  });
}

/**
 * ∏ bᵢ^eᵢ mod p by simultaneous (Straus) exponentiation: one chain of squarings for all bases,
 * 4-bit windows per base — two bases cost ≈ 400 multiplications instead of ≈ 600.
 */
export function multiPow(pairs: readonly (readonly [bigint, bigint])[]): bigint {
  const w = 4;
  const tables = pairs.map(([b]) => {
    const t = [1n, mod(b, P)];
    for (let d = 2; d < 1 << w; d++) t.push((t[d - 1]! * t[1]!) % P);
    return t;
  });
  let maxBits = 0;
  const strings = pairs.map(([, e]) => {
    if (e < 0n) throw new RangeError('negative exponent');
    const s = e.toString(2);
    maxBits = Math.max(maxBits, s.length);
    return s;
  });
  const len = Math.ceil(maxBits / w) * w;
  const padded = strings.map((s) => s.padStart(len, '0'));
  let r = 1n;
  let started = false;
  for (let i = 0; i < len; i += w) {
    if (started) for (let k = 0; k < w; k++) r = (r * r) % P;
    for (let n = 0; n < pairs.length; n++) {
      const d = parseInt(padded[n]!.slice(i, i + w), 2);
      if (d === 0) continue;
      r = started ? (r * tables[n]![d]!) % P : tables[n]![d]!;
      started = true;
    }
  }
  return r;
}

/** 0 ≤ x < q: a challenge or response the verifier accepts. */
export function isScalar(x: bigint): boolean {
  return x >= 0n && x < Q;
}

/** 0 ≤ x < p and x^q ≡ 1: an element of the order-q subgroup (BELENIOS.md §1). */
export function isGroupElement(x: bigint): boolean {
  return x > 0n && x < P && modPow(x, Q) === 1n;
}

/** A uniform scalar in [0, q), by rejection of 256-bit draws (q/2²⁵⁶ ≈ 0.68: no modulo bias). */
export function randomScalar(): bigint {
  const bytes = new Uint8Array(32);
  for (;;) {
    crypto.getRandomValues(bytes);
    let x = 0n;
    for (const b of bytes) x = (x << 8n) | BigInt(b);
    if (x < Q) return x;
  }
}

const CANONICAL_DECIMAL = /^(?:0|[1-9][0-9]{0,699})$/;

/**
 * A decimal string as the tool writes it, or undefined: no sign, space, leading zero or empty
 * string — a ballot must be canonical, and BigInt('0x10') or BigInt(' 1') would accept more.
 */
export function parseDecimal(s: unknown): bigint | undefined {
  return typeof s === 'string' && CANONICAL_DECIMAL.test(s) ? BigInt(s) : undefined;
}
