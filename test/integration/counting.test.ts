/**
 * Closing and counting through the operator API (`ballot tally`, `ballot result`): the tally
 * refused while the vote is open, then appended once; the partial decryptions checked — a
 * missing, duplicated, foreign or forged one refused, naming the trustee — and the result equal
 * to the ballots cast, appended to the box's archive and shown on the public results page.
 */
import { env } from 'cloudflare:test';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  decryptOutput,
  electionFingerprint,
  G,
  P,
  emptyTally,
  encryptBallot,
  generateTrusteeKey,
  ownedJson,
  parseElection,
  parseEncryptedTally,
  partialDecryptionJson,
  partialDecrypt,
  trusteePublicKeyJson,
} from '../../src/ballot';
import { openSecret } from '../../src/platform/delivery/seal';
import { DAY, T0, harness, seedElection, text } from '../helpers';
import { local, operatorApi } from '../operator-helpers';

const bindings = { ...env, ...local } as Cloudflare.Env;
const call = operatorApi(bindings);
const box = () => env.BALLOT_BOX.get(env.BALLOT_BOX.idFromName('box:1'));
let trustees: { privateKey: bigint; pub: string }[];

beforeAll(async () => {
  trustees = [];
  for (let i = 0; i < 2; i++) {
    const k = await generateTrusteeKey();
    trustees.push({ privateKey: k.privateKey, pub: trusteePublicKeyJson(k.publicKey) });
  }
});

const row = (n: number) => ({
  line: n + 2,
  numic: String(30_000_000 + n),
  email: `c${n}@example.org`,
  phone: `+336123450${String(n).padStart(2, '0')}`,
  constituency: '1',
  language: 'fr',
  consulate: null,
});

/** Votes: answer indices (0-based) or 'blank', one per voter, put in the box as the Worker would. */
const VOTES: (number | 'blank')[] = [0, 2, 2, 'blank', 1, 2];

beforeEach(async () => {
  await seedElection(T0 - DAY, T0 + 4 * DAY);
  const imported = await call('/roll/rows', { run: 'count-run', replace: false, rows: VOTES.map((_, i) => row(i)) });
  expect(imported.body).toMatchObject({ imported: VOTES.length });
  await call('/election/contests', {
    contests: [{ constituency: '1', question: 'Q', answers: ['Candidat A', 'Candidat B', 'Candidat C'], blank: true }],
  });
  await call('/ballot/setup', { trustees: trustees.map((t) => t.pub) });
  await call('/ballot/credentials', { constituency: '1', after: 0 });
  expect((await call('/ballot/freeze', { constituency: '1' })).status).toBe(200);
  const [record] = await box().records(0, 1);
  const election = parseElection(record!.body);
  const fingerprint = await electionFingerprint(record!.body);
  const { results } = await env.DB.prepare('SELECT voter_id, sealed FROM ballot_credentials ORDER BY voter_id').all<{
    voter_id: number;
    sealed: string;
  }>();
  for (const [i, r] of results.entries()) {
    const credential = (await openSecret(env.DELIVERY_KEY, r.sealed, {
      messageId: `ballot-credential:${election.uuid}:${r.voter_id}`,
    }))!;
    const ballot = await encryptBallot(election, fingerprint, credential, VOTES[i]!);
    expect((await box().cast(ballot.json, T0)).kind).toBe('accepted');
  }
});

const close = () => call('/election', { closes: new Date(T0 - 1000).toISOString() });

/** Each trustee's file, as `trustee decrypt` writes it, for the box's tally. */
async function partials(tallyJson: string) {
  const [record] = await box().records(0, 1);
  const fingerprint = await electionFingerprint(record!.body);
  const tally = parseEncryptedTally(tallyJson);
  return Promise.all(trustees.map((t, i) => decryptOutput(tally, t.privateKey, i + 1, fingerprint)));
}

describe('counting', () => {
  it('refuses the tally while the vote is open; after closing, tallies once and ends the ballots', async () => {
    const open = await call('/ballot/tally', { constituency: '1' });
    expect(open).toMatchObject({ status: 409, body: { error: 'vote_open' } });
    expect(open.body.message).toContain('Le vote n’est pas clos');
    expect(await box().counting()).toBeNull();
    await close();
    const first = await call('/ballot/tally', { constituency: '1' });
    expect(first).toMatchObject({ status: 200, body: { constituency: '1', numTallied: VOTES.length, already: false } });
    const again = await call('/ballot/tally', { constituency: '1' });
    expect(again.body).toMatchObject({ numTallied: VOTES.length, already: true });
    const types = (await box().records(0, 500))
      .filter((r) => r.kind === 'event')
      .map((r) => (JSON.parse(r.body) as { type: string }).type);
    expect(types.slice(-2)).toEqual(['EndBallots', 'EncryptedTally']);
    expect(types.filter((t) => t === 'EncryptedTally')).toHaveLength(1);
    // The sealed credentials are gone; no ballot goes in any more.
    expect(
      await env.DB.prepare('SELECT COUNT(*) AS n FROM ballot_credentials WHERE sealed IS NOT NULL').first(),
    ).toEqual({
      n: 0,
    });
  });

  it('refuses missing, duplicated, foreign and forged partial decryptions, naming them, then publishes the count', async () => {
    expect((await call('/ballot/result', { constituency: '1', partials: ['x'.repeat(20)] })).body.error).toBe(
      'not_tallied',
    );
    await close();
    await call('/ballot/tally', { constituency: '1' });
    const counting = (await box().counting())!;
    const [one, two] = await partials(counting.tallyJson);
    const result = (p: string[]) => call('/ballot/result', { constituency: '1', partials: p });

    const missing = await result([one!]);
    expect(missing).toMatchObject({ status: 400, body: { error: 'partial_missing' } });
    expect(missing.body.message).toContain('autorité n° 2');
    expect((await result([one!, one!])).body).toMatchObject({ error: 'partial_duplicate' });
    expect((await result(['{"not":"a partial"}\n{}\n', two!])).body).toMatchObject({ error: 'partial_unreadable' });

    // Trustee 2's decryption of another tally (as if of another box): its proof fails here.
    const [record] = await box().records(0, 1);
    const election = parseElection(record!.body);
    const fingerprint = await electionFingerprint(record!.body);
    const foreignTally = await decryptOutput(emptyTally(election), trustees[1]!.privateKey, 2, fingerprint);
    const foreign = await result([one!, foreignTally]);
    expect(foreign).toMatchObject({ status: 400, body: { error: 'partial_invalid' } });
    expect(foreign.body.message).toContain('autorité n° 2');
    // A trustee id the election does not have.
    const stranger = await decryptOutput(
      parseEncryptedTally(counting.tallyJson),
      trustees[1]!.privateKey,
      3,
      fingerprint,
    );
    expect((await result([one!, two!, stranger])).body).toMatchObject({ error: 'partial_foreign' });
    // A forged factor, its owned record made to match: the proof fails.
    const pd = await partialDecrypt(parseEncryptedTally(counting.tallyJson), trustees[0]!.privateKey, fingerprint);
    pd.factors[0]![1] = (pd.factors[0]![1]! * G) % P; // still in the group, but not α^x
    const forgedJson = partialDecryptionJson(pd);
    const forged = await result([`${forgedJson}\n${await ownedJson(1, forgedJson)}\n`, two!]);
    expect(forged).toMatchObject({ status: 400, body: { error: 'partial_invalid' } });
    expect(forged.body.message).toContain('autorité n° 1');
    expect((await box().counting())!.resultJson).toBeNull();

    // The good ones, in either order: the counts equal the votes cast.
    const published = await result([two!, one!]);
    expect(published.status).toBe(200);
    expect(published.body).toMatchObject({
      constituency: '1',
      ballots: 6,
      blank: 1,
      counts: [
        { answer: 'Candidat A', count: 1 },
        { answer: 'Candidat B', count: 1 },
        { answer: 'Candidat C', count: 3 },
      ],
      already: false,
    });
    expect((await box().counting())!.resultJson).toBe('{"result":[[1,1,1,3]]}');
    const types = (await box().records(0, 500))
      .filter((r) => r.kind === 'event')
      .map((r) => (JSON.parse(r.body) as { type: string }).type);
    expect(types.slice(-4)).toEqual(['EncryptedTally', 'PartialDecryption', 'PartialDecryption', 'Result']);
    expect((await result([one!, two!])).body).toMatchObject({ already: true, ballots: 6 });

    // The public page: the counts, blank apart, and how to verify.
    const h = harness(T0, bindings);
    const page = text(await (await h.get('/resultats')).text());
    expect(page).toContain('Circonscription 1');
    expect(page).toContain('Candidat C 3 60 %');
    expect(page).toContain('Vote blanc 1');
    expect(page).toContain('Bulletins dépouillés 6');
    expect(page).toContain('belenios-tool election verify');
    const english = text(await (await h.get('/resultats?lang=en')).text());
    expect(english).toContain('Blank vote 1');
    const archive = await h.get('/resultats/1/archive');
    expect(archive.status).toBe(200);
    expect(archive.headers.get('content-disposition')).toContain(`${election.uuid}.bel`);
    expect((await archive.arrayBuffer()).byteLength).toBeGreaterThan(10_000);
    expect((await h.get('/resultats/2/archive')).status).toBe(404);
  });

  it('shows no result before the count', async () => {
    const h = harness(T0, bindings);
    const page = await h.get('/resultats');
    expect(page.status).toBe(200);
    expect(text(await page.text())).toContain('Les résultats seront publiés ici');
  });
});
