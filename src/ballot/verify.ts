/**
 * verifyBallot: every check `belenios-tool election verify` makes on one ballot (BELENIOS.md
 * §4–5, §7.1), with a typed reason for the first that fails.
 *
 * Cost. A 15-answer + blank ballot holds 33 elements to test for membership (x^q = 1) and
 * ≈ 70 variable-base powers in its proofs. Membership is not batched: a random-linear-
 * combination test ∏xᵢ^eᵢ is only as sound as the smallest prime factor of (p−1)/q, and that
 * cofactor is divisible by 2 and 3 (an element times −1 would slip through half the time).
 * Instead each element gets one comb table (powMany) shared by all of its exponents — q and
 * the challenges of every proof it appears in — so the membership test is exact and costs
 * ≈ 85 multiplications on top of the proofs, and g, y are raised through fixed-base tables.
 */
import { type Answer, type Ballot, ballotJson, parseBallot, unsignedBallotJson } from './ballot-json';
import { type Election, type Question } from './election';
import { P, Q, fixedBaseFor, fixedG, powMany } from './group';
import { hashToScalar, sha256B64 } from './hash';
import { type CheckedBranch, checkDisjunction } from './proofs';
import { type Ciphertext, ShapeRefusal } from './types';

export type BallotRefusal =
  | 'malformed'
  | 'not_canonical'
  | 'wrong_election_uuid'
  | 'wrong_election_hash'
  | 'wrong_shape'
  | 'element_out_of_range'
  | 'scalar_out_of_range'
  | 'credential_not_in_group'
  | 'element_not_in_group'
  | 'invalid_individual_proof'
  | 'invalid_overall_proof'
  | 'invalid_blank_proof'
  | 'invalid_signature';

export type BallotVerdict =
  | {
      ok: true;
      ballot: Ballot;
      /** The public credential, in decimal: the caller checks it is frozen and the voter's. */
      credential: string;
      tracker: string;
    }
  | { ok: false; reason: BallotRefusal };

function shapeMatches(q: Question, a: Answer): boolean {
  const n = q.answers.length + (q.blank ? 1 : 0);
  const overall = q.max - q.min + 1 + (q.blank ? 1 : 0);
  return (
    a.choices.length === n &&
    a.individualProofs.length === n &&
    a.overallProof.length === overall &&
    (a.blankProof !== undefined) === (q.blank === true)
  );
}

const refuse = (reason: BallotRefusal): BallotVerdict => ({ ok: false, reason });

function product(cts: readonly Ciphertext[]): Ciphertext {
  let alpha = 1n;
  let beta = 1n;
  for (const c of cts) {
    alpha = (alpha * c.alpha) % P;
    beta = (beta * c.beta) % P;
  }
  return { alpha, beta };
}

/** Checks one answer; a refusal reason, or null when it holds. */
async function checkAnswer(q: Question, a: Answer, s0: string, y: bigint): Promise<BallotRefusal | null> {
  const Y = fixedBaseFor(y);
  const blank = q.blank === true;
  // Exponents per choice: q, then its two individual challenges, then (blank slot only) the
  // challenges of the overall and blank proofs' branch 0.
  const alphaPows: bigint[][] = [];
  const betaPows: bigint[][] = [];
  a.choices.forEach((ct, i) => {
    const exps = [Q, a.individualProofs[i]![0].challenge, a.individualProofs[i]![1].challenge];
    if (blank && i === 0) exps.push(a.overallProof[0]!.challenge, a.blankProof![0].challenge);
    alphaPows.push(powMany(ct.alpha, exps));
    betaPows.push(powMany(ct.beta, exps));
  });
  if (alphaPows.some((x) => x[0] !== 1n) || betaPows.some((x) => x[0] !== 1n)) return 'element_not_in_group';

  for (let i = 0; i < a.choices.length; i++) {
    const ct = a.choices[i]!;
    const [p0, p1] = a.individualProofs[i]!;
    const branches: CheckedBranch[] = [
      { proof: p0, alphaC: alphaPows[i]![1]!, betaC: betaPows[i]![1]!, m: 0n },
      { proof: p1, alphaC: alphaPows[i]![2]!, betaC: betaPows[i]![2]!, m: 1n },
    ];
    if (!(await checkDisjunction(`prove|${s0}|${ct.alpha},${ct.beta}|`, branches, Y))) {
      return 'invalid_individual_proof';
    }
  }

  const s = `${s0}|${a.choices.map((c) => `${c.alpha},${c.beta}`).join(',')}`;
  if (!blank) {
    const all = product(a.choices);
    const cs = a.overallProof.map((p) => p.challenge);
    const [ac, bc] = [powMany(all.alpha, cs), powMany(all.beta, cs)];
    const branches = a.overallProof.map((proof, j) => ({ proof, alphaC: ac[j]!, betaC: bc[j]!, m: BigInt(q.min + j) }));
    const ok = await checkDisjunction(`prove|${s}|${all.alpha},${all.beta}|`, branches, Y);
    return ok ? null : 'invalid_overall_proof';
  }

  const sigma = product(a.choices.slice(1));
  const [b0, bSigma] = a.blankProof!;
  const cs = [...a.overallProof.slice(1).map((p) => p.challenge), bSigma.challenge];
  const [ac, bc] = [powMany(sigma.alpha, cs), powMany(sigma.beta, cs)];
  const k = a.overallProof.length - 1;
  const overall: CheckedBranch[] = [
    { proof: a.overallProof[0]!, alphaC: alphaPows[0]![3]!, betaC: betaPows[0]![3]!, m: 1n },
    ...a.overallProof.slice(1).map((proof, j) => ({ proof, alphaC: ac[j]!, betaC: bc[j]!, m: BigInt(q.min + j) })),
  ];
  if (!(await checkDisjunction(`bproof1|${s}|`, overall, Y))) return 'invalid_overall_proof';
  const blankBranches: CheckedBranch[] = [
    { proof: b0, alphaC: alphaPows[0]![4]!, betaC: betaPows[0]![4]!, m: 0n },
    { proof: bSigma, alphaC: ac[k]!, betaC: bc[k]!, m: 0n },
  ];
  return (await checkDisjunction(`bproof0|${s}|`, blankBranches, Y)) ? null : 'invalid_blank_proof';
}

/**
 * Verifies a ballot for an election whose stored election.json hashes to `fingerprint`:
 * canonical bytes, uuid, hash, shape, group membership, ranges, every proof, the signature.
 * It does not know the credential list: the caller checks `credential` is frozen and the
 * voter's own, and keeps `tracker` as the ballot's name.
 */
export async function verifyBallot(json: string, election: Election, fingerprint: string): Promise<BallotVerdict> {
  let ballot: Ballot;
  try {
    ballot = parseBallot(json);
  } catch (e) {
    return refuse(e instanceof ShapeRefusal ? e.reason : 'malformed');
  }
  if (ballotJson(ballot) !== json) return refuse('not_canonical');
  if (ballot.electionUuid !== election.uuid) return refuse('wrong_election_uuid');
  if (ballot.electionHash !== fingerprint) return refuse('wrong_election_hash');
  if (ballot.answers.length !== election.questions.length) return refuse('wrong_shape');
  if (ballot.answers.some((a, i) => !shapeMatches(election.questions[i]!, a))) return refuse('wrong_shape');

  const g = fixedG();
  const { credential, signature } = ballot;
  const [credQ, credC] = powMany(credential, [Q, signature.proof.challenge]);
  if (credQ !== 1n) return refuse('credential_not_in_group');

  const s0 = `${fingerprint}|${credential}`;
  for (let i = 0; i < ballot.answers.length; i++) {
    const reason = await checkAnswer(election.questions[i]!, ballot.answers[i]!, s0, election.publicKey);
    if (reason) return refuse(reason);
  }

  const hash = await sha256B64(unsignedBallotJson(ballot));
  const A = (g.pow(signature.proof.response) * credC!) % P;
  if (signature.hash !== hash || (await hashToScalar(`sig|${hash}|`, [A])) !== signature.proof.challenge) {
    return refuse('invalid_signature');
  }
  return { ok: true, ballot, credential: credential.toString(), tracker: await sha256B64(json) };
}
