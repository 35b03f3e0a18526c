/**
 * A small Belenios election for the ballot tests: two trustees, a 3-answer question with blank,
 * four voters' credentials, and its box setup (src/platform/ballot/box.ts).
 */
import { env } from 'cloudflare:test';
import { expect } from 'vitest';
import {
  credentialsJson,
  derivePublicCredential,
  electionFingerprint,
  electionJson,
  electionPublicKey,
  encryptBallot,
  generateElectionUuid,
  generatePrivateCredential,
  generateTrusteeKey,
  parseElection,
  singleChoiceQuestion,
  trusteesJson,
  type Election,
} from '../src/ballot';
import type { BallotBox, BoxSetup } from '../src/platform/ballot/box';
import { openSecret } from '../src/platform/delivery/seal';
import { DEMO, type Harness } from './helpers';

export const BALLOT_T0 = Date.UTC(2022, 3, 21, 9, 14);
export const HOUR = 3_600_000;

export interface TestElection {
  election: Election;
  fingerprint: string;
  setup: BoxSetup;
  /** The public credentials, and the credentials record the box freezes (credential order). */
  publics: string[];
  credentialsJson: string;
  trustees: Awaited<ReturnType<typeof generateTrusteeKey>>[];
  creds: string[];
  /** A ballot of voter `cred` for `choice`. */
  ballot(cred: number, choice: number | 'blank'): ReturnType<typeof encryptBallot>;
}

export async function testElection(voters = 4, t0 = BALLOT_T0): Promise<TestElection> {
  const trustees = [await generateTrusteeKey(), await generateTrusteeKey()];
  const election: Election = {
    uuid: generateElectionUuid(),
    name: 'Elections législatives 2022 — 1re circonscription',
    description: 'Circonscription 1',
    publicKey: electionPublicKey(trustees.map((t) => t.publicKey)),
    questions: [singleChoiceQuestion('Qui élisez-vous ?', ['Candidat A', 'Candidat B', 'Candidat C'])],
  };
  const json = electionJson(election);
  const fingerprint = await electionFingerprint(json);
  const creds = Array.from({ length: voters }, () => generatePrivateCredential());
  const publics = await Promise.all(
    creds.map(async (c) => (await derivePublicCredential(c, election.uuid)).toString()),
  );
  return {
    election,
    fingerprint,
    trustees,
    creds,
    publics,
    credentialsJson: credentialsJson([...publics].sort()),
    setup: {
      electionJson: json,
      trusteesJson: trusteesJson(trustees.map((t) => t.publicKey)),
      credentials: publics.length,
      timestamp: Math.floor(t0 / 1000),
      opensAt: t0,
      closesAt: t0 + 4 * 24 * HOUR,
    },
    ballot: (cred, choice) => encryptBallot(election, fingerprint, creds[cred]!, choice),
  };
}

/** Sets a box up as the freeze does: its public credentials staged, then the setup. */
export async function setUpBox(box: DurableObjectStub<BallotBox>, e: Pick<TestElection, 'setup' | 'publics'>) {
  expect(await box.stageCredentials(e.publics, true)).toEqual({ staged: e.publics.length });
  return box.setup(e.setup);
}

/**
 * The demo voter logged in through `h` to the portal whose box 'box:1' is set up (through the
 * operator API): the session cookie, the box's election and fingerprint, and the voter's
 * ballot credential opened from D1 as the booth page would hand it over.
 */
export async function loggedInVoter(h: Harness) {
  const html = await (await h.get('/')).text();
  const res = await h.post('/login', { identifier: DEMO.identifier, password: DEMO.password, ...(await h.code(html)) });
  const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
  const box = env.BALLOT_BOX.get(env.BALLOT_BOX.idFromName('box:1'));
  const [record] = await box.records(0, 1);
  const election = parseElection(record!.body);
  const { fingerprint } = await box.info();
  const row = (await env.DB.prepare('SELECT voter_id, sealed FROM ballot_credentials').first<{
    voter_id: number;
    sealed: string;
  }>())!;
  const credential = (await openSecret(env.DELIVERY_KEY, row.sealed, {
    messageId: `ballot-credential:${election.uuid}:${row.voter_id}`,
  }))!;
  return { cookie, election, fingerprint: fingerprint!, credential, voterId: row.voter_id };
}
