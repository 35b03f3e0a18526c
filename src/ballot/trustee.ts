/**
 * Single (non-threshold) trustees (BELENIOS.md §4–5): key pairs with their proof of knowledge,
 * the election key y = ∏ X, and partial decryptions of the encrypted tally with one proof per
 * factor — all in the exact bytes `belenios-tool` writes, so that a trustee may decrypt with
 * either tool and an auditor may check either's output.
 */
import { GROUP_NAME, P, Q, fixedG, isGroupElement, mod, modInverse, modPow, multiPow, randomScalar } from './group';
import { hashToScalar, sha256Hex } from './hash';
import {
  type Ciphertext,
  type Proof,
  ShapeRefusal,
  decimal,
  element,
  field,
  list,
  parseProof,
  proofJson,
  text,
} from './types';

/** A trustee's public key as `.pubkey` and the trustees record hold it. */
export interface TrusteePublicKey {
  pok: Proof;
  publicKey: bigint;
}

/** x, X = g^x and the pok c = Hq("pok|BELENIOS-2048|X|", [g^w]), r = w − x·c. */
export async function generateTrusteeKey(): Promise<{ privateKey: bigint; publicKey: TrusteePublicKey }> {
  const g = fixedG();
  const x = randomScalar();
  const X = g.pow(x);
  const w = randomScalar();
  const challenge = await hashToScalar(`pok|${GROUP_NAME}|${X}|`, [g.pow(w)]);
  return { privateKey: x, publicKey: { pok: { challenge, response: mod(w - x * challenge, Q) }, publicKey: X } };
}

/** The `.pubkey` object (no trailing newline; the tool's file adds one). */
export function trusteePublicKeyJson(k: TrusteePublicKey): string {
  return `{"pok":${proofJson(k.pok)},"public_key":"${k.publicKey}"}`;
}

/** The `.privkey` content: the decimal x as a JSON string. */
export function trusteePrivateKeyJson(x: bigint): string {
  return `"${x}"`;
}

/** Reads a `.privkey` file (surrounding whitespace allowed). */
export function parseTrusteePrivateKey(json: string): bigint {
  const x = decimal(JSON.parse(json));
  if (x >= Q) throw new ShapeRefusal('scalar_out_of_range');
  return x;
}

/** Reads a `.pubkey` object (parsed JSON or text). */
export function parseTrusteePublicKey(json: unknown): TrusteePublicKey {
  const o = typeof json === 'string' ? (JSON.parse(json) as unknown) : json;
  return { pok: parseProof(field(o, 'pok')), publicKey: element(field(o, 'public_key')) };
}

/** Checks X is in the group and its pok: Hq(prefix, [g^r·X^c]) = c. */
export async function verifyPok(k: TrusteePublicKey): Promise<boolean> {
  if (!isGroupElement(k.publicKey)) return false;
  const A = (fixedG().pow(k.pok.response) * modPow(k.publicKey, k.pok.challenge)) % P;
  return (await hashToScalar(`pok|${GROUP_NAME}|${k.publicKey}|`, [A])) === k.pok.challenge;
}

/** The trustees record: `[["Single",{…}],…]`, in trustee-id order. */
export function trusteesJson(keys: readonly TrusteePublicKey[]): string {
  return `[${keys.map((k) => `["Single",${trusteePublicKeyJson(k)}]`).join(',')}]`;
}

/** Reads a trustees record of Single trustees (Pedersen entries are refused: not supported). */
export function parseTrustees(json: string): TrusteePublicKey[] {
  return list(JSON.parse(json)).map((entry) => {
    const [kind, key] = list(entry, 2);
    if (text(kind) !== 'Single') throw new ShapeRefusal('malformed');
    return parseTrusteePublicKey(key);
  });
}

/** y = ∏ X over the trustees. */
export function electionPublicKey(keys: readonly TrusteePublicKey[]): bigint {
  return keys.reduce((y, k) => (y * k.publicKey) % P, 1n);
}

/** α^x for every ciphertext of the tally, and a proof per factor that log_g X = log_α f. */
export interface PartialDecryption {
  factors: bigint[][];
  proofs: Proof[][];
}

/** Decrypts one share of the tally: proofs c = Hq("decrypt|φ|X|", [g^w, α^w]). */
export async function partialDecrypt(
  tally: readonly (readonly Ciphertext[])[],
  privateKey: bigint,
  fingerprint: string,
): Promise<PartialDecryption> {
  const g = fixedG();
  const X = g.pow(privateKey);
  const prefix = `decrypt|${fingerprint}|${X}|`;
  const factors: bigint[][] = [];
  const proofs: Proof[][] = [];
  for (const question of tally) {
    const f: bigint[] = [];
    const pr: Proof[] = [];
    for (const { alpha } of question) {
      f.push(modPow(alpha, privateKey));
      const w = randomScalar();
      const challenge = await hashToScalar(prefix, [g.pow(w), modPow(alpha, w)]);
      pr.push({ challenge, response: mod(w - privateKey * challenge, Q) });
    }
    factors.push(f);
    proofs.push(pr);
  }
  return { factors, proofs };
}

export function partialDecryptionJson(pd: PartialDecryption): string {
  const factors = pd.factors.map((q) => `[${q.map((f) => `"${f}"`).join(',')}]`).join(',');
  const proofs = pd.proofs.map((q) => `[${q.map(proofJson).join(',')}]`).join(',');
  return `{"decryption_factors":[${factors}],"decryption_proofs":[${proofs}]}`;
}

export function parsePartialDecryption(json: string): PartialDecryption {
  const o = JSON.parse(json) as unknown;
  return {
    factors: list(field(o, 'decryption_factors')).map((q) => list(q).map(element)),
    proofs: list(field(o, 'decryption_proofs')).map((q) => list(q).map(parseProof)),
  };
}

/** The owned record `{"owner":k,"payload":"<hex>"}` of a partial decryption's bytes. */
export async function ownedJson(owner: number, payloadJson: string): Promise<string> {
  return `{"owner":${owner},"payload":"${await sha256Hex(payloadJson)}"}`;
}

/**
 * What `belenios-tool election decrypt` prints: the partial decryption, then its owned record,
 * each on its own line — `archive add-event` takes the last line as the event's payload.
 */
export async function decryptOutput(
  tally: readonly (readonly Ciphertext[])[],
  privateKey: bigint,
  trusteeId: number,
  fingerprint: string,
): Promise<string> {
  const pd = partialDecryptionJson(await partialDecrypt(tally, privateKey, fingerprint));
  return `${pd}\n${await ownedJson(trusteeId, pd)}\n`;
}

/** Checks every factor (in the group, right shape) and its proof against the trustee's X. */
export async function verifyPartialDecryption(
  tally: readonly (readonly Ciphertext[])[],
  pd: PartialDecryption,
  publicKey: bigint,
  fingerprint: string,
): Promise<boolean> {
  if (pd.factors.length !== tally.length || pd.proofs.length !== tally.length) return false;
  const g = fixedG();
  const prefix = `decrypt|${fingerprint}|${publicKey}|`;
  for (let i = 0; i < tally.length; i++) {
    const cts = tally[i]!;
    if (pd.factors[i]!.length !== cts.length || pd.proofs[i]!.length !== cts.length) return false;
    for (let j = 0; j < cts.length; j++) {
      const f = pd.factors[i]![j]!;
      const { challenge: c, response: r } = pd.proofs[i]![j]!;
      if (!isGroupElement(f)) return false;
      const A = (g.pow(r) * modPow(publicKey, c)) % P;
      const B = multiPow([
        [cts[j]!.alpha, r],
        [f, c],
      ]);
      if ((await hashToScalar(prefix, [A, B])) !== c) return false;
    }
  }
  return true;
}

/**
 * Result_{i,j} = log_g(β / ∏ factors), each at most totalWeight: baby-step giant-step in
 * ≈ 2·√W multiplications (a box of 200 000 ballots is ≈ 900 per count).
 */
export function computeResult(
  tally: readonly (readonly Ciphertext[])[],
  partials: readonly PartialDecryption[],
  totalWeight: bigint,
): bigint[][] {
  const m = BigInt(Math.ceil(Math.sqrt(Number(totalWeight) + 1)));
  const baby = new Map<bigint, bigint>();
  let x = 1n;
  for (let j = 0n; j < m; j++) {
    if (!baby.has(x)) baby.set(x, j);
    x = (x * fixedG().base) % P;
  }
  const giant = fixedG().pow(-m);
  return tally.map((question, i) =>
    question.map(({ beta }, j) => {
      const denominator = partials.reduce((acc, pd) => (acc * pd.factors[i]![j]!) % P, 1n);
      let target = (beta * modInverse(denominator)) % P;
      for (let k = 0n; k <= m; k++) {
        const hit = baby.get(target);
        if (hit !== undefined && k * m + hit <= totalWeight) return k * m + hit;
        target = (target * giant) % P;
      }
      throw new RangeError(`no count ≤ ${totalWeight} decrypts question ${i}, choice ${j}`);
    }),
  );
}
