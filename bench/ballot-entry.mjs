/**
 * Bench-only module for `npm run bench:ballot`: the three measured operations on one
 * 15-answer + blank election, as one module that runs in Node, as a Worker on workerd and on a
 * Chromium page (the booth's work on the page's thread, to compare with its Web Worker).
 */
import {
  G,
  electionFingerprint,
  electionJson,
  encryptBallot,
  fixedBaseFor,
  fixedG,
  generateElectionUuid,
  generatePrivateCredential,
  modPow,
  parseElection,
  randomScalar,
  singleChoiceQuestion,
  verifyBallot,
} from '../src/ballot/index.ts';

let state;

/** The election, its tables (built once per isolate, as in production) and one ballot. */
export async function setup() {
  if (state) return state;
  const answers = Array.from({ length: 15 }, (_, i) => `Candidat ${i + 1}`);
  const election = {
    uuid: generateElectionUuid(),
    name: 'Bench',
    description: 'Bench',
    publicKey: fixedG().pow(randomScalar()),
    questions: [singleChoiceQuestion('Qui ?', answers)],
  };
  fixedBaseFor(election.publicKey);
  const fp = await electionFingerprint(electionJson(election));
  const credential = generatePrivateCredential();
  const ballot = await encryptBallot(election, fp, credential, 7);
  state = { election, fp, credential, ballot: ballot.json };
  return state;
}

/** One 2048-bit modexp with a 256-bit exponent (a fresh base each time). */
export function modexp(n) {
  let x = G;
  for (let i = 0; i < n; i++) x = modPow(x + 1n, randomScalar());
  return x;
}

export async function verify(n) {
  const { election, fp, ballot } = await setup();
  for (let i = 0; i < n; i++) {
    const v = await verifyBallot(ballot, election, fp);
    if (!v.ok) throw new Error(v.reason);
  }
}

export async function encrypt(n) {
  const { election, fp, credential } = await setup();
  for (let i = 0; i < n; i++) await encryptBallot(election, fp, credential, i % 15);
}

/** What the booth page posts to its Web Worker for this election, the choice left to the caller. */
export async function boothJob() {
  const { election, fp, credential } = await setup();
  return { electionJson: electionJson(election), fingerprint: fp, credential };
}

/**
 * What the booth's Web Worker does with a job (src/client/booth-worker.ts), on the caller's
 * thread. A fresh instance of this module has no g or y table yet, as a fresh Worker has not.
 */
export async function boothBallot(job) {
  return encryptBallot(parseElection(job.electionJson), job.fingerprint, job.credential, job.choice);
}

export default {
  async fetch(request) {
    const url = new URL(request.url);
    const n = Number(url.searchParams.get('n') ?? '1');
    const op = url.pathname.slice(1);
    if (op === 'setup') await setup();
    else if (op === 'modexp') modexp(n);
    else if (op === 'verify') await verify(n);
    else if (op === 'encrypt') await encrypt(n);
    else if (op !== 'noop') return new Response('unknown op', { status: 404 });
    return new Response('ok');
  },
};
