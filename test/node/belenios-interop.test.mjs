// A whole election built by src/ballot/ — 2 trustees, 4 credentials, a 3-answer question with
// blank, ballots (a blank one and a revote among them), tally, partial decryptions, result — and
// judged by Debian's belenios-tool, the independent verifier the voters are promised
// (SPEC.md "The ballot"). Also: the tool's own ballot passes our verifyBallot.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadBallotLib } from '../../scripts/ballot-lib.mjs';

const TOOL = 'belenios-tool';
const haveTool = spawnSync(TOOL, ['--version'], { encoding: 'utf8' }).status === 0;
const skip = !haveTool && !process.env.CI ? 'belenios-tool is not installed (apt-get install -y belenios-tool)' : false;

/** Runs belenios-tool in `dir`; returns { status, stdout, stderr }. */
function tool(dir, args, input) {
  const r = spawnSync(TOOL, [...args], {
    cwd: dir,
    input,
    encoding: 'utf8',
    env: { ...process.env, BELENIOS_USE_URANDOM: '1' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const verify = (dir) => tool(dir, ['election', 'verify', '--dir', dir]);

test('belenios-tool accepts an election made by src/ballot/, and refuses it tampered', { skip }, async () => {
  assert.ok(haveTool, 'belenios-tool is required in CI: apt-get install -y belenios-tool');
  const L = await loadBallotLib();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'belenios-ours-'));

  const trustees = [await L.generateTrusteeKey(), await L.generateTrusteeKey()];
  for (const t of trustees) assert.equal(await L.verifyPok(t.publicKey), true);
  const uuid = L.generateElectionUuid();
  const election = {
    uuid,
    name: 'Élection test',
    description: 'Circonscription 1',
    publicKey: L.electionPublicKey(trustees.map((t) => t.publicKey)),
    questions: [L.singleChoiceQuestion('Qui ?', ['Candidat A', 'Candidat B', 'Candidat C'])],
  };
  const electionJson = L.electionJson(election);
  const fp = await L.electionFingerprint(electionJson);
  const creds = Array.from({ length: 4 }, () => L.generatePrivateCredential());
  const publicCreds = await Promise.all(creds.map((c) => L.derivePublicCredential(c, uuid)));

  // Voter 3 votes C then revotes A: only the last ballot counts.
  const votes = [
    [0, 0],
    [1, 'blank'],
    [2, 2],
    [3, 2],
    [3, 0],
  ];
  const ballots = [];
  for (const [voter, choice] of votes) {
    const b = await L.encryptBallot(election, fp, creds[voter], choice);
    const v = await L.verifyBallot(b.json, election, fp);
    assert.equal(v.ok, true, `our own ballot: ${v.reason}`);
    assert.equal(v.credential, publicCreds[voter].toString());
    ballots.push({ voter, json: b.json, ballot: v.ballot });
  }

  const ts = Math.floor(Date.now() / 1000);
  const w = new L.ArchiveWriter(ts);
  const chunks = [w.header()];
  const trusteesJson = L.trusteesJson(trustees.map((t) => t.publicKey));
  const credentialsJson = L.credentialsJson(publicCreds.map((c) => L.formatPublicCredential(c)));
  chunks.push(...(await w.setup(electionJson, trusteesJson, credentialsJson)));
  for (const b of ballots) chunks.push(...(await w.records('Ballot', [b.json])));
  const bel = path.join(dir, `${uuid}.bel`);
  const save = () => writeFileSync(bel, L.concatChunks(chunks));
  save();
  let r = verify(dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr + r.stdout, /all checks passed/);

  chunks.push(await w.event('EndBallots'));
  let tally = L.emptyTally(election);
  const last = new Map(ballots.map((b) => [b.voter, b.ballot]));
  for (const b of last.values()) tally = L.addToTally(tally, b.answers);
  const tallyJson = L.encryptedTallyJson(tally);
  const sized = L.sizedTallyJson(last.size, last.size, await L.sha256Hex(tallyJson));
  save();
  r = tool(dir, ['election', 'compute-encrypted-tally', '--dir', dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `${tallyJson}\n${sized}\n`, 'the tool computes the same encrypted tally, byte for byte');
  chunks.push(...(await w.records('EncryptedTally', [tallyJson, sized])));
  save();

  // The tool decrypts with our trustee 1's key: our verifier accepts its proofs, and its
  // factors are ours (α^x is deterministic).
  const privFile = path.join(dir, 'trustee-1.privkey');
  writeFileSync(privFile, `${L.trusteePrivateKeyJson(trustees[0].privateKey)}\n`);
  r = tool(dir, ['election', 'decrypt', '--dir', dir, '--privkey', privFile, '--trustee-id', '1']);
  assert.equal(r.status, 0, r.stderr);
  const [toolPd, toolOwned] = r.stdout.trimEnd().split('\n');
  assert.equal(toolOwned, await L.ownedJson(1, toolPd));
  const parsedToolPd = L.parsePartialDecryption(toolPd);
  assert.equal(await L.verifyPartialDecryption(tally, parsedToolPd, trustees[0].publicKey.publicKey, fp), true);
  const ours1 = await L.partialDecrypt(tally, trustees[0].privateKey, fp);
  assert.deepEqual(ours1.factors, parsedToolPd.factors);

  const partials = [];
  for (const [i, t] of trustees.entries()) {
    const out = await L.decryptOutput(tally, t.privateKey, i + 1, fp);
    assert.match(out, /^\{"decryption_factors".*\}\n\{"owner":\d,"payload":"[0-9a-f]{64}"\}\n$/);
    const [pd, owned] = out.trimEnd().split('\n');
    const parsed = L.parsePartialDecryption(pd);
    assert.equal(await L.verifyPartialDecryption(tally, parsed, t.publicKey.publicKey, fp), true);
    partials.push(parsed);
    chunks.push(...(await w.records('PartialDecryption', [pd, owned])));
  }
  save();
  const result = L.computeResult(tally, partials, BigInt(last.size));
  assert.deepEqual(result, [[1n, 2n, 0n, 1n]]);
  r = tool(dir, ['election', 'compute-result', '--dir', dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, `${L.resultJson(result)}\n`);
  chunks.push(...(await w.records('Result', [L.resultJson(result)])));
  save();
  r = verify(dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr + r.stdout, /all checks passed/);

  // One digit of one proof changed, the archive rewritten with consistent hashes: the ballot is
  // refused (exit 124), and so is the raw archive with that byte flipped in place.
  const tampered = ballots[0].json.replace(/"response":"(\d)/, (_, d) => `"response":"${(Number(d) % 9) + 1}`);
  assert.notEqual(tampered, ballots[0].json);
  assert.equal((await L.verifyBallot(tampered, election, fp)).ok, false);
  const dir2 = mkdtempSync(path.join(os.tmpdir(), 'belenios-tampered-'));
  const w2 = new L.ArchiveWriter(ts);
  const c2 = [w2.header(), ...(await w2.setup(electionJson, trusteesJson, credentialsJson))];
  c2.push(...(await w2.records('Ballot', [tampered])));
  writeFileSync(path.join(dir2, `${uuid}.bel`), L.concatChunks(c2));
  r = verify(dir2);
  assert.equal(r.status, 124, `tampered ballot accepted: ${r.stderr}`);
  assert.match(r.stderr, /invalid ballot/);

  const dir3 = mkdtempSync(path.join(os.tmpdir(), 'belenios-flipped-'));
  const bytes = Buffer.from(readFileSync(bel));
  const at = bytes.indexOf('"response":"') + 12;
  bytes[at] = bytes[at] === 0x31 ? 0x32 : 0x31;
  writeFileSync(path.join(dir3, `${uuid}.bel`), bytes);
  r = verify(dir3);
  assert.equal(r.status, 124, `flipped byte accepted: ${r.stderr}`);

  // The tool's own ballot, on our election, passes our verifyBallot with the right credential.
  const dir4 = mkdtempSync(path.join(os.tmpdir(), 'belenios-theirs-'));
  cpSync(bel, path.join(dir4, `${uuid}.bel`));
  writeFileSync(path.join(dir4, 'cred'), `${creds[1]}\n`);
  writeFileSync(path.join(dir4, 'plain'), '[[0,0,1,0]]\n');
  r = tool(dir4, ['election', 'generate-ballot', '--dir', dir4, '--privcred', 'cred', '--ballot', 'plain']);
  assert.equal(r.status, 0, r.stderr);
  const theirs = r.stdout.trimEnd();
  const v = await L.verifyBallot(theirs, election, fp);
  assert.equal(v.ok, true, `tool ballot refused: ${v.reason}`);
  assert.equal(v.credential, publicCreds[1].toString());
  assert.equal(v.tracker, await L.ballotTracker(theirs));
});

test('a credential and a trustee key made by belenios-tool read the same in src/ballot/', { skip }, async () => {
  assert.ok(haveTool, 'belenios-tool is required in CI: apt-get install -y belenios-tool');
  const L = await loadBallotLib();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'belenios-setup-'));
  const uuid = tool(dir, ['setup', 'generate-token']).stdout.trim();
  assert.equal(L.isElectionUuid(uuid), true);
  let r = tool(dir, ['setup', 'generate-credentials', '--uuid', uuid, '--group', 'BELENIOS-2048', '--count', '2']);
  assert.equal(r.status, 0, r.stderr);
  const ls = spawnSync('sh', ['-c', 'cat *.privcreds; echo; cat *.pubcreds'], { cwd: dir, encoding: 'utf8' }).stdout;
  const [privLines, pubJson] = ls.split('\n\n');
  const privs = privLines.trim().split('\n');
  const pubs = JSON.parse(pubJson).map((e) => L.parsePublicCredential(e).credential);
  for (const line of privs) {
    const cred = line.split(' ')[1];
    assert.equal(L.isValidPrivateCredential(cred), true, cred);
    assert.ok(pubs.includes(await L.derivePublicCredential(cred, uuid)), `public credential of ${cred}`);
  }
  r = tool(dir, ['setup', 'generate-trustee-key', '--group', 'BELENIOS-2048']);
  assert.equal(r.status, 0, r.stderr);
  const files = spawnSync('sh', ['-c', 'cat *.pubkey; cat *.privkey'], { cwd: dir, encoding: 'utf8' }).stdout;
  const [pub, priv] = files.trimEnd().split('\n');
  const key = L.parseTrusteePublicKey(pub);
  assert.equal(await L.verifyPok(key), true);
  assert.equal(L.trusteePublicKeyJson(key), pub);
  assert.equal(L.fixedG().pow(L.parseTrusteePrivateKey(priv)), key.publicKey);
});

test('weighted credentials: the tool tallies our ballots to our weighted tally and result', { skip }, async () => {
  assert.ok(haveTool, 'belenios-tool is required in CI: apt-get install -y belenios-tool');
  const L = await loadBallotLib();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'belenios-weights-'));
  const trustee = await L.generateTrusteeKey();
  const uuid = L.generateElectionUuid();
  const election = {
    uuid,
    name: 'n',
    description: 'd',
    publicKey: L.electionPublicKey([trustee.publicKey]),
    questions: [L.singleChoiceQuestion('Q', ['A', 'B'])],
  };
  const electionJson = L.electionJson(election);
  const fp = await L.electionFingerprint(electionJson);
  const weights = [1n, 2n, 5n];
  const creds = weights.map(() => L.generatePrivateCredential());
  const pubs = await Promise.all(creds.map((c) => L.derivePublicCredential(c, uuid)));
  const w = new L.ArchiveWriter(Math.floor(Date.now() / 1000));
  const trusteesJson = L.trusteesJson([trustee.publicKey]);
  const credentialsJson = L.credentialsJson(pubs.map((c, i) => L.formatPublicCredential(c, weights[i])));
  const chunks = [w.header(), ...(await w.setup(electionJson, trusteesJson, credentialsJson))];
  let tally = L.emptyTally(election);
  for (const [i, choice] of [0, 1, 'blank'].entries()) {
    const b = await L.encryptBallot(election, fp, creds[i], choice);
    chunks.push(...(await w.records('Ballot', [b.json])));
    tally = L.addToTally(tally, (await L.verifyBallot(b.json, election, fp)).ballot.answers, weights[i]);
  }
  chunks.push(await w.event('EndBallots'));
  const bel = path.join(dir, `${uuid}.bel`);
  writeFileSync(bel, L.concatChunks(chunks));
  const tallyJson = L.encryptedTallyJson(tally);
  const sized = L.sizedTallyJson(3, 8, await L.sha256Hex(tallyJson));
  let r = tool(dir, ['election', 'compute-encrypted-tally', '--dir', dir]);
  assert.equal(r.stdout, `${tallyJson}\n${sized}\n`, r.stderr);
  chunks.push(...(await w.records('EncryptedTally', [tallyJson, sized])));
  const [pd, owned] = (await L.decryptOutput(tally, trustee.privateKey, 1, fp)).trimEnd().split('\n');
  chunks.push(...(await w.records('PartialDecryption', [pd, owned])));
  const result = L.computeResult(tally, [L.parsePartialDecryption(pd)], 8n);
  assert.deepEqual(result, [[5n, 1n, 2n]]);
  chunks.push(...(await w.records('Result', [L.resultJson(result)])));
  writeFileSync(bel, L.concatChunks(chunks));
  r = verify(dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr + r.stdout, /all checks passed/);
});
