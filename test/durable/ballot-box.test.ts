/**
 * The ballot box Durable Object (src/platform/ballot/box.ts): set up once, one ballot per
 * credential under concurrency, idempotent by tracker, the window decided by the box, the
 * running tally equal to the product of the ballots, and its records the archive the library
 * writes byte for byte (the library's archive is the one belenios-tool verifies,
 * test/node/belenios-interop.test.mjs).
 */
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ArchiveWriter,
  addToTally,
  computeResult,
  concatChunks,
  emptyTally,
  encryptBallot,
  encryptedTallyJson,
  generatePrivateCredential,
  parseBallot,
  parseEncryptedTally,
  partialDecrypt,
  credentialsJson,
  type Election,
} from '../../src/ballot';
import { archiveStream } from '../../src/features/operator/ballot';
import { CREDENTIALS_PAGE, type BallotBox, type BoxSetup } from '../../src/platform/ballot/box';
import { BALLOT_T0, HOUR, setUpBox, testElection, type TestElection } from '../ballot-helpers';

const T0 = BALLOT_T0;

let election: Election;
let fingerprint: string;
let setup: BoxSetup;
let publics: string[];
let credentials: string;
let trustees: TestElection['trustees'];
let ballot: TestElection['ballot'];

beforeAll(async () => {
  ({ election, fingerprint, setup, trustees, ballot, publics, credentialsJson: credentials } = await testElection());
});

let n = 0;
/** A fresh box (its own object), set up. */
function box() {
  const stub = env.BALLOT_BOX.get(env.BALLOT_BOX.idFromName(`test-${n++}-${Math.random()}`));
  return stub;
}

describe('the ballot box', () => {
  it('is set up once: the same setup again is harmless, another one refused', async () => {
    const b = box();
    expect(await setUpBox(b, { setup, publics })).toBe('ok');
    expect(await b.setup(setup)).toBe('already');
    expect(await b.setup({ ...setup, electionJson: setup.electionJson.replace('Candidat C', 'Candidat Z') })).toBe(
      'different',
    );
    const info = await b.info();
    expect(info).toMatchObject({ setUp: true, uuid: election.uuid, fingerprint, ballots: 0, records: 5 });
  });

  it('takes one ballot per credential; the same ballot again finds its place (a retry), another is refused', async () => {
    const b = box();
    await setUpBox(b, { setup, publics });
    const first = await ballot(0, 1);
    const accepted = await b.cast(first.json, T0 + HOUR);
    expect(accepted).toEqual({ kind: 'accepted', tracker: first.tracker, at: T0 + HOUR, ballots: 1 });
    expect(await b.cast(first.json, T0 + 2 * HOUR)).toEqual({
      kind: 'already',
      tracker: first.tracker,
      at: T0 + HOUR,
      ballots: 1,
    });
    const second = await ballot(0, 2);
    expect(await b.cast(second.json, T0 + HOUR)).toEqual({ kind: 'credential_used' });
    expect(await b.has(first.tracker)).toEqual({ at: T0 + HOUR });
    expect(await b.has(second.tracker)).toBeNull();
    const stranger = await encryptBallot(election, fingerprint, generatePrivateCredential(), 0);
    expect(await b.cast(stranger.json, T0 + HOUR)).toEqual({ kind: 'unknown_credential' });
    expect((await b.info()).ballots).toBe(1);
  });

  it('decides the window itself, and follows the window operators set', async () => {
    const b = box();
    const early = await ballot(1, 0);
    expect(await b.cast(early.json, T0)).toEqual({ kind: 'not_set_up' });
    await setUpBox(b, { setup, publics });
    expect(await b.cast(early.json, T0 - 1)).toEqual({ kind: 'before_opening' });
    expect(await b.cast(early.json, setup.closesAt)).toEqual({ kind: 'closed' });
    expect(await b.setWindow(T0, T0 + HOUR)).toBe(true);
    expect(await b.cast(early.json, T0 + HOUR)).toEqual({ kind: 'closed' });
    expect((await b.cast(early.json, T0 + HOUR - 1)).kind).toBe('accepted');
    expect(await b.endBallots(T0)).toBe('open');
    expect(await b.endBallots(T0 + HOUR)).toBe('ok');
    expect(await b.endBallots(T0 + HOUR)).toBe('already');
    // Once ended, nothing new goes in, even if the window were moved again.
    await b.setWindow(T0, T0 + 10 * HOUR);
    expect(await b.cast((await ballot(2, 1)).json, T0 + 2 * HOUR)).toEqual({ kind: 'closed' });
  });

  it('of 200 concurrent casts of one ballot, and of 20 different ballots of one credential, takes exactly one', async () => {
    const b = box();
    await setUpBox(b, { setup, publics });
    const one = await ballot(2, 'blank');
    const outcomes = await Promise.all(Array.from({ length: 200 }, () => b.cast(one.json, T0 + HOUR)));
    expect(outcomes.filter((o) => o.kind === 'accepted')).toHaveLength(1);
    expect(outcomes.filter((o) => o.kind === 'already')).toHaveLength(199);
    const rivals = await Promise.all(Array.from({ length: 20 }, (_, i) => ballot(3, i % 3)));
    const raced = await Promise.all(rivals.map((r) => b.cast(r.json, T0 + HOUR)));
    expect(raced.filter((o) => o.kind === 'accepted')).toHaveLength(1);
    expect(raced.filter((o) => o.kind === 'credential_used')).toHaveLength(19);
    expect((await b.info()).ballots).toBe(2);
  });

  it('keeps the running tally, which the trustees decrypt into the counts', async () => {
    const b = box();
    await setUpBox(b, { setup, publics });
    const choices = [0, 2, 'blank', 2] as const;
    let expected = emptyTally(election);
    for (const [i, choice] of choices.entries()) {
      const cast = await ballot(i, choice);
      await b.cast(cast.json, T0 + HOUR);
      expected = addToTally(expected, parseBallot(cast.json).answers);
    }
    const { tallyJson } = await b.info();
    expect(tallyJson).toBe(encryptedTallyJson(expected));
    const tally = parseEncryptedTally(tallyJson!);
    const partials = await Promise.all(trustees.map((t) => partialDecrypt(tally, t.privateKey, fingerprint)));
    // Blank first, then the answers in the contest's order.
    expect(computeResult(tally, partials, 4n)).toEqual([[1n, 1n, 0n, 2n]]);
  });

  it("holds the archive's records in order: streamed out, they are the library's archive byte for byte", async () => {
    const b = box();
    await setUpBox(b, { setup, publics });
    const casts = [await ballot(0, 0), await ballot(1, 'blank')];
    for (const c of casts) await b.cast(c.json, T0 + HOUR);
    await b.endBallots(setup.closesAt);

    const writer = new ArchiveWriter(setup.timestamp);
    const expected = concatChunks([
      writer.header(),
      ...(await writer.setup(setup.electionJson, setup.trusteesJson, credentials)),
      ...(await writer.records('Ballot', [casts[0]!.json])),
      ...(await writer.records('Ballot', [casts[1]!.json])),
      await writer.event('EndBallots'),
    ]);

    expect(await exported(b)).toEqual(expected);
  });

  it('takes its credentials page by page before the setup, and freezes exactly those', async () => {
    const b = box();
    const [a, c, ...rest] = publics;
    expect(await b.stageCredentials([a!, c!], true)).toEqual({ staged: 2 });
    expect(await b.stageCredentials([c!], false)).toEqual({ staged: 2 });
    // Not all of them staged: not frozen.
    expect(await b.setup(setup)).toBe('incomplete');
    expect((await b.info()).setUp).toBe(false);
    // An interrupted freeze starts again: the reset forgets what it staged.
    expect(await b.stageCredentials([a!], true)).toEqual({ staged: 1 });
    expect(await b.stageCredentials([c!, ...rest], false)).toEqual({ staged: publics.length });
    expect(await b.stageCredentials(['0123'], false)).toBe('malformed');
    expect(await b.stageCredentials(['12,3'], false)).toBe('malformed');
    expect(
      await b.stageCredentials(
        Array.from({ length: CREDENTIALS_PAGE + 1 }, (_, i) => `${i + 1}`),
        false,
      ),
    ).toBe('malformed');
    expect(await b.setup(setup)).toBe('ok');
    expect(await b.stageCredentials([`${BigInt(a!) + 1n}`], false)).toBe('frozen');
    expect(await b.stageCredentials([], true)).toBe('frozen');
    expect(await b.info()).toMatchObject({ credentials: publics.length, records: 5 });
  });

  it('streams a list of many pages of credentials: the export is the archive the library writes of the whole list', async () => {
    const b = box();
    // Credentials as the box sees them (it checks their form; the Worker checks each ballot's).
    // Distinct decimals of 617 digits, not sorted: the box orders them itself.
    const many = Array.from({ length: 4 * CREDENTIALS_PAGE + 7 }, (_, i) =>
      `1${`${(i * 7919) % 10_000}`.padStart(4, '0')}`.padEnd(617, `${i % 10}`),
    );
    expect(new Set(many).size).toBe(many.length);
    for (let i = 0; i < many.length; i += CREDENTIALS_PAGE)
      await b.stageCredentials(many.slice(i, i + CREDENTIALS_PAGE), i === 0);
    const big = { ...setup, credentials: many.length };
    expect(await b.setup(big)).toBe('ok');
    const writer = new ArchiveWriter(setup.timestamp);
    const expected = concatChunks([
      writer.header(),
      ...(await writer.setup(setup.electionJson, setup.trusteesJson, credentialsJson([...many].sort()))),
    ]);
    const bytes = await exported(b);
    expect(bytes.length).toBe(expected.length);
    expect(bytes).toEqual(expected);
    // The first page of credentials ends exactly where the second begins: nothing lost, none twice.
    const first = await b.credentialsPage('');
    expect(first).toHaveLength(CREDENTIALS_PAGE);
    expect((await b.credentialsPage(first.at(-1)!))[0]).toBe([...many].sort()[CREDENTIALS_PAGE]);
  });

  it('exports an empty list of credentials as the record []', async () => {
    const b = box();
    await b.stageCredentials([], true);
    expect(await b.setup({ ...setup, credentials: 0 })).toBe('ok');
    const writer = new ArchiveWriter(setup.timestamp);
    const expected = concatChunks([
      writer.header(),
      ...(await writer.setup(setup.electionJson, setup.trusteesJson, '[]')),
    ]);
    expect(await exported(b)).toEqual(expected);
  });
});

/** The box's archive as the export streams it (src/features/operator/ballot.ts). */
async function exported(b: DurableObjectStub<BallotBox>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(archiveStream(b, setup.timestamp)).arrayBuffer());
}
