/**
 * Encrypting a vote into a Belenios ballot, and verifying one as `belenios-tool` would
 * (BELENIOS.md §4–5, §7). The booth runs encryptBallot in a Web Worker; the Worker runs
 * verifyBallot on every ballot it receives, so verification is the hot path — see verify.ts.
 */
import { type Answer, type Ballot, ballotJson, unsignedBallotJson } from './ballot-json';
import { deriveCredentialSecret } from './credentials';
import { type Election, type Question } from './election';
import { P, Q, type FixedBase, fixedBaseFor, fixedG, mod, randomScalar } from './group';
import { hashToScalar, sha256B64 } from './hash';
import { type Branch, proveDisjunction } from './proofs';
import type { Ciphertext, Proof } from './types';

export { verifyBallot, type BallotRefusal, type BallotVerdict } from './verify';

export interface EncryptOptions {
  /** Called after each encrypted choice: the booth shows a progress bar. */
  onProgress?: (done: number, total: number) => void;
}

export interface EncryptedBallot {
  /** The canonical ballot JSON, as it is posted and stored. */
  json: string;
  /** b64(SHA256(json)): the voter's receipt. */
  tracker: string;
  credential: bigint;
}

/** The smart ballot tracker: b64(SHA256(full ballot JSON)), 43 characters. */
export function ballotTracker(json: string): Promise<string> {
  return sha256B64(json);
}

/** The plaintext of a single-choice question with blank: [blank, answer₁, …, answerₙ]. */
export function choicePlaintext(question: Question, choice: number | 'blank'): number[] {
  if (!question.blank) throw new RangeError('the question does not allow blank');
  const m = new Array<number>(question.answers.length + 1).fill(0);
  if (choice === 'blank') m[0] = 1;
  else if (Number.isInteger(choice) && choice >= 0 && choice < question.answers.length) m[choice + 1] = 1;
  else throw new RangeError('no such answer');
  return m;
}

/** Encrypts one answer (or blank) of the election's only question. */
export function encryptBallot(
  election: Election,
  fingerprint: string,
  privateCredential: string,
  choice: number | 'blank',
  options: EncryptOptions = {},
): Promise<EncryptedBallot> {
  if (election.questions.length !== 1) throw new RangeError('encryptBallot takes a one-question election');
  const plaintext = [choicePlaintext(election.questions[0]!, choice)];
  return encryptPlaintext(election, fingerprint, privateCredential, plaintext, options);
}

function checkPlaintext(q: Question, m: readonly number[]): number {
  const n = q.answers.length + (q.blank ? 1 : 0);
  if (m.length !== n || m.some((x) => x !== 0 && x !== 1)) throw new RangeError('bad plaintext');
  const sum = m.reduce((a, b) => a + b, 0) - (q.blank ? m[0]! : 0);
  const isBlank = q.blank === true && m[0] === 1;
  if (isBlank ? sum !== 0 : sum < q.min || sum > q.max) throw new RangeError('plaintext outside min/max');
  return sum;
}

const pairs = (cts: readonly Ciphertext[]): string => cts.map((c) => `${c.alpha},${c.beta}`).join(',');

function product(cts: readonly Ciphertext[]): Ciphertext {
  return cts.reduce((a, c) => ({ alpha: (a.alpha * c.alpha) % P, beta: (a.beta * c.beta) % P }), {
    alpha: 1n,
    beta: 1n,
  });
}

async function encryptAnswer(
  q: Question,
  m: readonly number[],
  s0: string,
  y: FixedBase,
  progress: () => void,
): Promise<Answer> {
  const g = fixedG();
  const sum = checkPlaintext(q, m);
  const rs = m.map(() => randomScalar());
  const choices = m.map((mi, i) => {
    const alpha = g.pow(rs[i]!);
    return { alpha, beta: mi ? (y.pow(rs[i]!) * g.base) % P : y.pow(rs[i]!) };
  });
  const individualProofs: [Proof, Proof][] = [];
  for (let i = 0; i < m.length; i++) {
    const ct = choices[i]!;
    const branches: Branch[] = [
      { ct, m: 0n },
      { ct, m: 1n },
    ];
    const p = await proveDisjunction(`prove|${s0}|${ct.alpha},${ct.beta}|`, branches, m[i]!, rs[i]!, y);
    individualProofs.push([p[0]!, p[1]!]);
    progress();
  }
  const s = `${s0}|${pairs(choices)}`;
  const range = Array.from({ length: q.max - q.min + 1 }, (_, j) => BigInt(q.min + j));
  if (!q.blank) {
    const all = product(choices);
    const r = rs.reduce((a, b) => a + b, 0n) % Q;
    const branches = range.map((mj) => ({ ct: all, m: mj }));
    const prefix = `prove|${s}|${all.alpha},${all.beta}|`;
    return { choices, individualProofs, overallProof: await proveDisjunction(prefix, branches, sum - q.min, r, y) };
  }
  const blank = choices[0]!;
  const sigma = product(choices.slice(1));
  const rSigma = rs.slice(1).reduce((a, b) => a + b, 0n) % Q;
  const isBlank = m[0] === 1;
  const overall = [{ ct: blank, m: 1n }, ...range.map((mj) => ({ ct: sigma, m: mj }))];
  const overallProof = isBlank
    ? await proveDisjunction(`bproof1|${s}|`, overall, 0, rs[0]!, y)
    : await proveDisjunction(`bproof1|${s}|`, overall, sum - q.min + 1, rSigma, y);
  const bp = [
    { ct: blank, m: 0n },
    { ct: sigma, m: 0n },
  ];
  const blankProof = isBlank
    ? await proveDisjunction(`bproof0|${s}|`, bp, 1, rSigma, y)
    : await proveDisjunction(`bproof0|${s}|`, bp, 0, rs[0]!, y);
  return { choices, individualProofs, overallProof, blankProof: [blankProof[0]!, blankProof[1]!] };
}

/**
 * Encrypts a plaintext per question (`[[m…],[m₀,m…]]`, as `generate-ballot` takes it) and
 * signs the ballot with the credential's secret: c = Hq("sig|H|", [g^w]), H the unsigned hash.
 */
export async function encryptPlaintext(
  election: Election,
  fingerprint: string,
  privateCredential: string,
  plaintext: readonly (readonly number[])[],
  options: EncryptOptions = {},
): Promise<EncryptedBallot> {
  if (plaintext.length !== election.questions.length) throw new RangeError('one plaintext per question');
  const g = fixedG();
  const y = fixedBaseFor(election.publicKey);
  const secret = await deriveCredentialSecret(privateCredential, election.uuid);
  const credential = g.pow(secret);
  const total = plaintext.reduce((a, m) => a + m.length, 0);
  let done = 0;
  const progress = () => options.onProgress?.(++done, total);
  const s0 = `${fingerprint}|${credential}`;
  const answers: Answer[] = [];
  for (let i = 0; i < plaintext.length; i++) {
    answers.push(await encryptAnswer(election.questions[i]!, plaintext[i]!, s0, y, progress));
  }
  const unsigned = { electionUuid: election.uuid, electionHash: fingerprint, credential, answers };
  const hash = await sha256B64(unsignedBallotJson(unsigned));
  const w = randomScalar();
  const challenge = await hashToScalar(`sig|${hash}|`, [g.pow(w)]);
  const ballot: Ballot = {
    ...unsigned,
    signature: { hash, proof: { challenge, response: mod(w - secret * challenge, Q) } },
  };
  const json = ballotJson(ballot);
  return { json, tracker: await ballotTracker(json), credential };
}
