/**
 * A ballot's structure and its canonical JSON (BELENIOS.md §4, §7.1). The tool re-serializes
 * every ballot it reads and refuses any byte of difference, so we write ballots only through
 * these functions, and a verifier re-serializes what it parsed and compares.
 */
import {
  type Ciphertext,
  type Proof,
  ciphertextJson,
  element,
  field,
  list,
  parseCiphertext,
  parseProof,
  proofJson,
  text,
} from './types';

/** One answer: a ciphertext per choice (blank slot first), and its proofs. */
export interface Answer {
  choices: Ciphertext[];
  individualProofs: [Proof, Proof][];
  overallProof: Proof[];
  blankProof?: [Proof, Proof];
}

export interface Ballot {
  electionUuid: string;
  electionHash: string;
  credential: bigint;
  answers: Answer[];
  signature: { hash: string; proof: Proof };
}

const proofs = (ps: readonly Proof[]): string => `[${ps.map(proofJson).join(',')}]`;

function answerJson(a: Answer): string {
  const blank = a.blankProof ? `,"blank_proof":${proofs(a.blankProof)}` : '';
  return (
    `{"choices":[${a.choices.map(ciphertextJson).join(',')}],` +
    `"individual_proofs":[${a.individualProofs.map(proofs).join(',')}],` +
    `"overall_proof":${proofs(a.overallProof)}${blank}}`
  );
}

/** The ballot without its `signature` key: what the signature's hash covers. */
export function unsignedBallotJson(b: Omit<Ballot, 'signature'>): string {
  return (
    `{"election_uuid":${JSON.stringify(b.electionUuid)},"election_hash":${JSON.stringify(b.electionHash)},` +
    `"credential":"${b.credential}","answers":[${b.answers.map(answerJson).join(',')}]}`
  );
}

/** The canonical ballot JSON. */
export function ballotJson(b: Ballot): string {
  const unsigned = unsignedBallotJson(b);
  return `${unsigned.slice(0, -1)},"signature":{"hash":${JSON.stringify(b.signature.hash)},"proof":${proofJson(b.signature.proof)}}}`;
}

const pair = (x: unknown): [Proof, Proof] => {
  const [a, b] = list(x, 2);
  return [parseProof(a), parseProof(b)];
};

/** Parses a ballot's fields by name (order and extra keys are judged by re-serializing). */
export function parseBallot(json: string): Ballot {
  const o = JSON.parse(json) as unknown;
  const sig = field(o, 'signature');
  return {
    electionUuid: text(field(o, 'election_uuid')),
    electionHash: text(field(o, 'election_hash')),
    credential: element(field(o, 'credential')),
    answers: list(field(o, 'answers')).map((a) => {
      const blank = field(a, 'blank_proof');
      return {
        choices: list(field(a, 'choices')).map(parseCiphertext),
        individualProofs: list(field(a, 'individual_proofs')).map(pair),
        overallProof: list(field(a, 'overall_proof')).map(parseProof),
        ...(blank === undefined ? {} : { blankProof: pair(blank) }),
      };
    }),
    signature: { hash: text(field(sig, 'hash')), proof: parseProof(field(sig, 'proof')) },
  };
}
