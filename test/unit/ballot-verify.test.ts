// A ballot encrypted by src/ballot/ passes verifyBallot for every answer and blank, and every
// way of breaking it is refused with its own reason — the checks belenios-tool makes (BELENIOS.md
// §4–5, §7.1), which the Worker runs before a ballot enters the box.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BallotRefusal,
  type Election,
  P,
  Q,
  derivePublicCredential,
  electionFingerprint,
  electionJson,
  encryptBallot,
  encryptPlaintext,
  fixedG,
  generateElectionUuid,
  generatePrivateCredential,
  modPow,
  parseElection,
  randomScalar,
  singleChoiceQuestion,
  verifyBallot,
} from '../../src/ballot';

const election: Election = {
  uuid: generateElectionUuid(),
  name: 'Législatives 2022',
  description: 'Circonscription 1',
  publicKey: fixedG().pow(randomScalar()),
  questions: [singleChoiceQuestion('Qui ?', ['Candidat A', 'Candidat B', 'Candidat C'])],
};
const credential = generatePrivateCredential();
let fp: string;
let ballot: string;

beforeAll(async () => {
  fp = await electionFingerprint(electionJson(election));
  ballot = (await encryptBallot(election, fp, credential, 1)).json;
});

const reason = async (json: string): Promise<BallotRefusal | undefined> => {
  const v = await verifyBallot(json, election, fp);
  return v.ok ? undefined : v.reason;
};

/** The ballot with the n-th (0-based) decimal field `key` replaced. */
function replaceField(json: string, key: string, value: string, n = 0): string {
  let i = -1;
  return json.replace(new RegExp(`"${key}":"(\\d+)"`, 'g'), (all) => (++i === n ? `"${key}":"${value}"` : all));
}

describe('verifyBallot accepts', () => {
  it('a ballot for each answer and blank, and returns its credential and tracker', async () => {
    const pub = (await derivePublicCredential(credential, election.uuid)).toString();
    for (const choice of [0, 1, 2, 'blank'] as const) {
      const progress: number[] = [];
      const b = await encryptBallot(election, fp, credential, choice, { onProgress: (d) => progress.push(d) });
      expect(progress).toEqual([1, 2, 3, 4]);
      const v = await verifyBallot(b.json, election, fp);
      expect(v.ok ? v.credential : v.reason).toBe(pub);
      expect(v.ok && v.tracker).toBe(b.tracker);
      expect(b.tracker).toMatch(/^[A-Za-z0-9+/]{43}$/);
    }
  });

  it('a question without blank and a range of answers (overall proof over min..max)', async () => {
    const e: Election = { ...election, questions: [{ question: 'Q', answers: ['a', 'b', 'c'], min: 0, max: 2 }] };
    const f = await electionFingerprint(electionJson(e));
    for (const m of [
      [0, 0, 0],
      [1, 0, 1],
    ]) {
      const b = await encryptPlaintext(e, f, credential, [m]);
      expect((await verifyBallot(b.json, e, f)).ok).toBe(true);
    }
    await expect(encryptPlaintext(e, f, credential, [[1, 1, 1]])).rejects.toThrow(RangeError);
  });

  it('the election it was built for, read back from its JSON', () => {
    expect(parseElection(electionJson(election))).toEqual(election);
  });
});

describe('verifyBallot refuses', () => {
  it('a tampered proof: individual, overall, blank, signature', async () => {
    const shift = (s: string) => ((BigInt(s) + 1n) % Q).toString();
    const at = (key: string, n: number) => {
      const m = [...ballot.matchAll(new RegExp(`"${key}":"(\\d+)"`, 'g'))][n]!;
      return replaceField(ballot, key, shift(m[1]!), n);
    };
    // 4 choices × 2 individual proofs, then 2 overall, then 2 blank, then the signature.
    expect(await reason(at('response', 0))).toBe('invalid_individual_proof');
    expect(await reason(at('challenge', 7))).toBe('invalid_individual_proof');
    expect(await reason(at('response', 8))).toBe('invalid_overall_proof');
    expect(await reason(at('response', 10))).toBe('invalid_blank_proof');
    expect(await reason(at('response', 12))).toBe('invalid_signature');
  });

  it('a ballot not in canonical form: whitespace, field order, a leading zero, an extra key', async () => {
    expect(await reason(`${ballot} `)).toBe('not_canonical');
    expect(await reason(ballot.replace('","election_hash"', '", "election_hash"'))).toBe('not_canonical');
    const o = JSON.parse(ballot) as Record<string, unknown>;
    const swapped = { election_hash: o.election_hash, election_uuid: o.election_uuid, ...o };
    expect(await reason(JSON.stringify(swapped))).toBe('not_canonical');
    expect(await reason(ballot.replace('"alpha":"', '"alpha":"0'))).toBe('not_canonical');
    expect(await reason(ballot.replace('{"election_uuid"', '{"x":1,"election_uuid"'))).toBe('not_canonical');
    expect(await reason(ballot.replace(/"alpha":"(\d+)"/, '"alpha":$1'))).toBe('malformed');
    expect(await reason('not json')).toBe('malformed');
  });

  it('another election: uuid or hash', async () => {
    const other = generateElectionUuid();
    expect(await reason(ballot.replace(election.uuid, other))).toBe('wrong_election_uuid');
    const v = await verifyBallot(ballot, election, fp.replace(/^./, fp[0] === 'A' ? 'B' : 'A'));
    expect(v.ok ? undefined : v.reason).toBe('wrong_election_hash');
    const e2 = { ...election, questions: [singleChoiceQuestion('Qui ?', ['A', 'B'])] };
    const f2 = await electionFingerprint(electionJson(e2));
    const b2 = (await encryptBallot(e2, f2, credential, 0)).json.replace(f2, fp).replace(e2.uuid, election.uuid);
    expect(await reason(b2)).toBe('wrong_shape');
  });

  it('an element outside the group: p − 1, 0, a non-member, p itself', async () => {
    for (const x of [P - 1n, 0n, 2n]) {
      expect(await reason(replaceField(ballot, 'alpha', x.toString(), 2))).toBe('element_not_in_group');
      expect(await reason(replaceField(ballot, 'beta', x.toString(), 0))).toBe('element_not_in_group');
      expect(await reason(replaceField(ballot, 'credential', x.toString()))).toBe('credential_not_in_group');
    }
    // A member times −1 (order 2q): what a batched test with random exponents lets through half the time.
    const a = BigInt(JSON.parse(ballot).answers[0].choices[1].alpha as string);
    expect(modPow(P - a, Q)).not.toBe(1n);
    expect(await reason(replaceField(ballot, 'alpha', (P - a).toString(), 1))).toBe('element_not_in_group');
    expect(await reason(replaceField(ballot, 'alpha', P.toString(), 1))).toBe('element_out_of_range');
  });

  it('a scalar ≥ q', async () => {
    expect(await reason(replaceField(ballot, 'challenge', Q.toString(), 3))).toBe('scalar_out_of_range');
    expect(await reason(replaceField(ballot, 'response', (Q + 5n).toString(), 12))).toBe('scalar_out_of_range');
  });

  it('a wrong signature: another credential, or a hash not of this ballot', async () => {
    const other = (await encryptBallot(election, fp, generatePrivateCredential(), 1)).json;
    const sig = (json: string) => json.slice(json.indexOf(',"signature"'));
    const forged = ballot.slice(0, ballot.indexOf(',"signature"')) + sig(other);
    expect(await reason(forged)).toBe('invalid_signature');
    const badHash = ballot.replace(/"hash":"[^"]+"/, `"hash":"${fp}"`);
    expect(await reason(badHash)).toBe('invalid_signature');
  });
});
