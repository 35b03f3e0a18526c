/**
 * The count's figures (issue 16), in Node with the ballot library (src/ballot/), on a box of N
 * synthetic ballots of a 15-answer + blank question written as a Belenios archive on disk:
 *
 * - the box's running product, per cast (what BallotBox.cast adds: parse the tally, multiply,
 *   serialise), so the tally at closing is one append;
 * - `ballot tally`'s check: the tally recomputed from the archive's ballots, streamed — time,
 *   throughput and peak memory;
 * - a trustee's `decrypt`: reading the tallied archive (every entry hashed, no ballot kept)
 *   and the partial decryption;
 * - `ballot result`: both partial decryptions' proofs checked and the counts computed (the
 *   discrete logarithm bounded by N, and by 200 000);
 * - the projection to 200 000 ballots per constituency.
 *
 * The ballots' ciphertexts are real encryptions of real choices under the trustees' joint key
 * (so the counts decrypted are checked against the choices made), each with its own
 * credential; their proofs and signature are copied from one real ballot, since none of these
 * steps checks them (casting does: see bench/ballot.mjs's verify). Options: --quick,
 * --ballots N.
 */
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { loadBallotLib } from '../scripts/ballot-lib.mjs';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const at = argv.indexOf('--ballots');
const N = at >= 0 ? Number(argv[at + 1]) : quick ? 300 : 2000;
if (!Number.isSafeInteger(N) || N < 1) throw new Error('--ballots N: a positive integer');
const TARGET = 200_000;

const L = await loadBallotLib();
let peak = 0;
const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
const sampler = setInterval(sample, 20);
const time = async (fn) => {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
};

// The election: two trustees, 15 answers and blank (16 choices).
const trustees = [await L.generateTrusteeKey(), await L.generateTrusteeKey()];
const answers = Array.from({ length: 15 }, (_, i) => `Candidat ${i + 1}`);
const election = {
  uuid: L.generateElectionUuid(),
  name: 'Bench',
  description: 'Bench',
  publicKey: L.electionPublicKey(trustees.map((t) => t.publicKey)),
  questions: [L.singleChoiceQuestion('Qui ?', answers)],
};
const electionJson = L.electionJson(election);
const fingerprint = await L.electionFingerprint(electionJson);
const template = L.parseBallot((await L.encryptBallot(election, fingerprint, L.generatePrivateCredential(), 0)).json);
const g = L.fixedG();
const y = L.fixedBaseFor(election.publicKey);

// Choice k of ballot i: blank (slot 0) for every 16th, else answer i mod 15 (slot 1 + …).
const slotOf = (i) => (i % 16 === 15 ? 0 : 1 + (i % 15));
const expected = Array(16).fill(0n);

const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-tally-'));
const file = path.join(dir, `${election.uuid}.bel`);
const out = createWriteStream(file);
const write = async (chunks) => {
  for (const c of chunks) if (!out.write(c)) await once(out, 'drain');
};

const generated = await time(async () => {
  const ballots = [];
  const credentials = [];
  for (let i = 0; i < N; i++) {
    const slot = slotOf(i);
    expected[slot]++;
    const choices = Array.from({ length: 16 }, (_, k) => {
      const r = L.randomScalar();
      const beta = (y.pow(r) * (k === slot ? L.G : 1n)) % L.P;
      return { alpha: g.pow(r), beta };
    });
    const credential = g.pow(L.randomScalar());
    credentials.push(credential.toString());
    ballots.push(L.ballotJson({ ...template, credential, answers: [{ ...template.answers[0], choices }] }));
  }
  return { ballots, credentials };
});
const { ballots, credentials } = generated.value;

// The box's work per cast: the running product kept as JSON, updated ballot by ballot.
const writer = new L.ArchiveWriter(Math.floor(Date.now() / 1000));
await write([
  writer.header(),
  ...(await writer.setup(
    electionJson,
    L.trusteesJson(trustees.map((t) => t.publicKey)),
    JSON.stringify(credentials.sort()),
  )),
]);
let tallyJson = L.encryptedTallyJson(L.emptyTally(election));
let productMs = 0;
for (const json of ballots) {
  const t = performance.now();
  tallyJson = L.encryptedTallyJson(L.addToTally(L.parseEncryptedTally(tallyJson), L.parseBallot(json).answers));
  productMs += performance.now() - t;
  await write(await writer.records('Ballot', [json]));
}
ballots.length = 0;
const tallyHash = await L.sha256Hex(tallyJson);
await write([
  await writer.event('EndBallots'),
  ...(await writer.records('EncryptedTally', [tallyJson, L.sizedTallyJson(N, N, tallyHash)])),
]);
out.end();
await once(out, 'finish');
const bytes = statSync(file).size;
peak = 0;

// `ballot tally`'s check: the tally recomputed from the archive, streamed.
const recompute = await time(() => L.recomputeTally(createReadStream(file, { highWaterMark: 1 << 20 })));
if (recompute.value.tallyJson !== tallyJson || recompute.value.ballots !== N)
  throw new Error('recomputed tally differs');
const recomputePeak = peak;
peak = 0;

// A trustee: the archive read (no ballot kept), then the partial decryption.
const read = await time(() =>
  L.readArchive(createReadStream(file, { highWaterMark: 1 << 20 }), (type) => type !== 'Ballot'),
);
const readPeak = peak;
const tally = L.parseEncryptedTally(tallyJson);
const decrypt = await time(() => L.partialDecrypt(tally, trustees[0].privateKey, fingerprint));
const partials = [decrypt.value, await L.partialDecrypt(tally, trustees[1].privateKey, fingerprint)];

// `ballot result`: each proof checked, the counts computed.
const verify = await time(async () => {
  for (const [i, pd] of partials.entries()) {
    if (!(await L.verifyPartialDecryption(tally, pd, trustees[i].publicKey.publicKey, fingerprint))) {
      throw new Error('partial decryption fails');
    }
  }
});
const result = await time(() => L.computeResult(tally, partials, BigInt(N)));
const counts = result.value[0];
if (counts.some((c, k) => c !== expected[k])) throw new Error(`counts ${counts} differ from the choices ${expected}`);
const result200k = await time(() => L.computeResult(tally, partials, BigInt(TARGET)));
clearInterval(sampler);
rmSync(dir, { recursive: true, force: true });

const mb = (b) => `${(b / 2 ** 20).toFixed(0)} MB`;
const s = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);
const scale = TARGET / N;
console.log(
  `\ncount of a box of ${N} ballots (15 answers + blank), archive ${mb(bytes)} (${(bytes / N / 1024).toFixed(1)} KiB per ballot)`,
);
console.log(`  synthetic ballots made in ${s(generated.ms)}`);
console.log(`  box, running product per cast                 ${(productMs / N).toFixed(2)} ms`);
console.log(
  `  tally check: recomputed from the archive      ${s(recompute.ms)} (${(bytes / 2 ** 20 / (recompute.ms / 1000)).toFixed(0)} MB/s, peak RSS ${mb(recomputePeak)})`,
);
console.log(
  `  trustee: archive read                         ${s(read.ms)} (peak RSS ${mb(readPeak)}), partial decryption ${s(decrypt.ms)}`,
);
console.log(
  `  result: two partials' proofs checked          ${s(verify.ms)}, counts (log ≤ ${N}) ${s(result.ms)}, (log ≤ ${TARGET}) ${s(result200k.ms)}`,
);
console.log(`projection to ${TARGET} ballots per constituency (linear in the archive's size; ~${mb(bytes * scale)}):`);
console.log(
  `  tally check ${s(recompute.ms * scale)}, a trustee's archive read ${s(read.ms * scale)} + decryption ${s(decrypt.ms)}, result ${s(verify.ms + result200k.ms)}`,
);
