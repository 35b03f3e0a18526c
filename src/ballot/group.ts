/**
 * The BELENIOS-2048 group (BELENIOS.md §1): a subgroup of prime order q (256 bits) of ℤ_p^*
 * (p of 2048 bits), in BigInt. workerd cannot compile WebAssembly from bytes at run time, so
 * BigInt is the fastest arithmetic every runtime of this library shares; what we save is the
 * number of multiplications — fixed-base tables for g and y, one comb table per variable base
 * shared by all of its exponents, and interleaved (Straus) products of powers.
 */

/** The group's name as election.json, the trustees' pok and the tool spell it. */
export const GROUP_NAME = 'BELENIOS-2048';

export const P = BigInt(
  '20694785691422546401013643657505008064922989295751104097100884787057374219242717401922237254497684338129066633138078958404960054389636289796393038773905722803605973749427671376777618898589872735865049081167099310535867780980030790491654063777173764198678527273474476341835600035698305193144284561701911000786737307333564123971732897913240474578834468260652327974647951137672658693582180046317922073668860052627186363386088796882120769432366149491002923444346373222145884100586421050242120365433561201320481118852408731077014151666200162313177169372189248078507711827842317498073276598828825169183103125680162072880719',
);
export const Q = BigInt('78571733251071885079927659812671450121821421258408794611510081919805623223441');
export const G = BigInt(
  '2402352677501852209227687703532399932712287657378364916510075318787663274146353219320285676155269678799694668298749389095083896573425601900601068477164491735474137283104610458681314511781646755400527402889846139864532661215055797097162016168270312886432456663834863635782106154918419982534315189740658186868651151358576410138882215396016043228843603930989333662772848406593138406010231675095763777982665103606822406635076697764025346253773085133173495194248967754052573659049492477631475991575198775177711481490920456600205478127054728238140972518639858334115700568353695553423781475582491896050296680037745308460627',
);

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
