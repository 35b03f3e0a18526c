/**
 * Disjunctive Chaum–Pedersen proofs (BELENIOS.md §5, "iprove"): that a ciphertext — or, branch
 * by branch, one of several ciphertexts — encrypts one of the listed plaintexts, all branches
 * but the real one simulated, the challenges summing to Hq(prefix, [A₀,B₀,…]). The individual,
 * overall and blank proofs of a ballot are all this one construction.
 */
import { P, Q, type FixedBase, fixedG, mod, modPow, randomScalar } from './group';
import { hashToScalar } from './hash';
import type { Ciphertext, Proof } from './types';

/** One branch of the disjunction: "ct encrypts g^m". */
export interface Branch {
  ct: Ciphertext;
  m: bigint;
}

/** Proves branch `real` with the randomness r of its ciphertext (α = g^r, β = y^r·g^m). */
export async function proveDisjunction(
  prefix: string,
  branches: readonly Branch[],
  real: number,
  r: bigint,
  y: FixedBase,
): Promise<Proof[]> {
  const g = fixedG();
  const proofs: Proof[] = [];
  const commitments: bigint[] = [];
  const w = randomScalar();
  let others = 0n;
  branches.forEach(({ ct, m }, j) => {
    if (j === real) {
      proofs.push({ challenge: 0n, response: 0n });
      commitments.push(g.pow(w), y.pow(w));
      return;
    }
    const challenge = randomScalar();
    const response = randomScalar();
    others += challenge;
    proofs.push({ challenge, response });
    commitments.push(
      (g.pow(response) * modPow(ct.alpha, challenge)) % P,
      (((y.pow(response) * g.pow(-m * challenge)) % P) * modPow(ct.beta, challenge)) % P,
    );
  });
  const c = await hashToScalar(prefix, commitments);
  const challenge = mod(c - others, Q);
  proofs[real] = { challenge, response: mod(w - r * challenge, Q) };
  return proofs;
}

/** A branch as the verifier sees it: α^c and β^c already computed (shared comb tables). */
export interface CheckedBranch {
  proof: Proof;
  alphaC: bigint;
  betaC: bigint;
  m: bigint;
}

/** Recomputes A = g^s·α^c, B = y^s·(β/g^m)^c per branch and checks Σc = Hq(prefix, …). */
export async function checkDisjunction(
  prefix: string,
  branches: readonly CheckedBranch[],
  y: FixedBase,
): Promise<boolean> {
  const g = fixedG();
  const commitments: bigint[] = [];
  let sum = 0n;
  for (const { proof, alphaC, betaC, m } of branches) {
    const { challenge: c, response: s } = proof;
    sum += c;
    const yB = m === 0n ? y.pow(s) : (y.pow(s) * g.pow(-m * c)) % P;
    commitments.push((g.pow(s) * alphaC) % P, (yB * betaC) % P);
  }
  return (await hashToScalar(prefix, commitments)) === sum % Q;
}
