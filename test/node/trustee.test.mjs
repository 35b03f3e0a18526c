// `npm run trustee` as a trustee runs it (node scripts/trustee.mjs): keygen writes the tool's
// key files (name, bytes, modes) that `belenios-tool setup make-trustees` takes; decrypt on an
// archive made by src/ballot/ writes what `belenios-tool election decrypt` prints — same
// factors, proofs both verifiers accept, files the tool's `archive add-event` takes, mixed with
// its own, into an archive `election verify` passes; every refusal exits non-zero with a
// message and writes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../../scripts/local.mjs';
import { loadBallotLib } from '../../scripts/ballot-lib.mjs';

const exec = promisify(execFile);
const TOOL = 'belenios-tool';
const haveTool = spawnSync(TOOL, ['--version'], { encoding: 'utf8' }).status === 0;
const skip = !haveTool && !process.env.CI ? 'belenios-tool is not installed (apt-get install -y belenios-tool)' : false;
const tmp = (name) => mkdtempSync(path.join(os.tmpdir(), `trustee-${name}-`));

/** Runs the command; resolves to `{code, stdout, stderr}` whatever its exit status. */
async function trustee(...args) {
  try {
    const { stdout, stderr } = await exec(process.execPath, ['scripts/trustee.mjs', ...args], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (err) {
    if (typeof err.code !== 'number') throw err;
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** Runs belenios-tool; `input` goes to its stdin. */
function tool(args, input) {
  const r = spawnSync(TOOL, args, { input, encoding: 'utf8', env: { ...process.env, BELENIOS_USE_URANDOM: '1' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** keygen into a fresh directory; the summary and the key as the library reads it. */
async function keygen(L) {
  const r = await trustee('keygen', '--out', tmp('keys'), '--json');
  assert.equal(r.code, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  return {
    summary,
    privateKey: L.parseTrusteePrivateKey(readFileSync(summary.privkey, 'utf8')),
    publicKey: L.parseTrusteePublicKey(readFileSync(summary.pubkey, 'utf8')),
  };
}

/**
 * A constituency's directory whose archive ends with the encrypted tally: `keys` as trustees,
 * votes A, B, A, blank. Also the archive without its tally, and what the test checks against.
 */
async function tallied(L, keys) {
  const uuid = L.generateElectionUuid();
  const election = {
    uuid,
    name: 'Élection test',
    description: 'Circonscription 2',
    publicKey: L.electionPublicKey(keys.map((k) => k.publicKey)),
    questions: [L.singleChoiceQuestion('Qui ?', ['Candidat D', 'Candidat E'])],
  };
  const electionJson = L.electionJson(election);
  const fp = await L.electionFingerprint(electionJson);
  const w = new L.ArchiveWriter(Math.floor(Date.now() / 1000));
  const votes = [0, 1, 0, 'blank'];
  const creds = votes.map(() => L.generatePrivateCredential());
  const pubs = await Promise.all(creds.map((c) => L.derivePublicCredential(c, uuid)));
  const chunks = [w.header()];
  chunks.push(
    ...(await w.setup(
      electionJson,
      L.trusteesJson(keys.map((k) => k.publicKey)),
      L.credentialsJson(pubs.map((c) => L.formatPublicCredential(c))),
    )),
  );
  let tally = L.emptyTally(election);
  for (const [i, choice] of votes.entries()) {
    const b = await L.encryptBallot(election, fp, creds[i], choice);
    chunks.push(...(await w.records('Ballot', [b.json])));
    tally = L.addToTally(tally, (await L.verifyBallot(b.json, election, fp)).ballot.answers);
  }
  const open = tmp('open');
  writeFileSync(path.join(open, `${uuid}.bel`), L.concatChunks(chunks));
  chunks.push(await w.event('EndBallots'));
  const tallyJson = L.encryptedTallyJson(tally);
  chunks.push(
    ...(await w.records('EncryptedTally', [tallyJson, L.sizedTallyJson(4, 4, await L.sha256Hex(tallyJson))])),
  );
  const dir = path.join(tmp('box'), '2');
  mkdirSync(dir);
  writeFileSync(path.join(dir, `${uuid}.bel`), L.concatChunks(chunks));
  return { dir, open, uuid, fp, tally };
}

test('keygen writes <ID>.privkey and <ID>.pubkey as the tool does, and refuses to run wrongly', async () => {
  const L = await loadBallotLib();
  const { summary, privateKey, publicKey } = await keygen(L);
  assert.deepEqual(Object.keys(summary), ['id', 'privkey', 'pubkey', 'fingerprint']);
  // The tool's ID: the first 8 hex digits, uppercase, of SHA-256(public key in decimal).
  assert.equal(summary.fingerprint, (await L.sha256Hex(publicKey.publicKey.toString())).toUpperCase());
  assert.equal(summary.id, summary.fingerprint.slice(0, 8));
  assert.equal(path.basename(summary.privkey), `${summary.id}.privkey`);
  assert.equal(path.basename(summary.pubkey), `${summary.id}.pubkey`);
  assert.deepEqual(readdirSync(path.dirname(summary.pubkey)).sort(), [`${summary.id}.privkey`, `${summary.id}.pubkey`]);
  assert.equal(readFileSync(summary.pubkey, 'utf8'), `${L.trusteePublicKeyJson(publicKey)}\n`);
  assert.equal(readFileSync(summary.privkey, 'utf8'), `${L.trusteePrivateKeyJson(privateKey)}\n`);
  assert.equal(statSync(summary.privkey).mode & 0o777, 0o400);
  assert.equal(statSync(summary.pubkey).mode & 0o777, 0o444);
  assert.equal(await L.verifyPok(publicKey), true);
  assert.equal(L.fixedG().pow(privateKey), publicKey.publicKey);

  const r = await trustee('keygen', '--out', tmp('warn'));
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, '', 'without --json, stdout stays empty');
  assert.match(r.stderr, /la clé privée doit rester hors ligne/);
  assert.match(r.stderr, /the private key must stay offline/);

  const file = path.join(tmp('file'), 'not-a-dir');
  writeFileSync(file, '');
  assert.equal((await trustee('keygen', '--out', file)).code, 1);
  for (const args of [['keygen'], ['keygen', '--out'], ['keygen', '--out', 'x', '--key', 'k'], ['sign'], []]) {
    const bad = await trustee(...args);
    assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
    assert.match(bad.stderr, /usage: npm run trustee -- keygen --out <dir>/);
  }
});

test('decrypt writes what belenios-tool election decrypt prints: interchangeable', { skip }, async () => {
  assert.ok(haveTool, 'belenios-tool is required in CI: apt-get install -y belenios-tool');
  const L = await loadBallotLib();
  const keys = [await keygen(L), await keygen(L)];

  // The tool's make-trustees takes our .pubkey files and writes our trustees record.
  const setup = tmp('setup');
  writeFileSync(
    path.join(setup, 'public_keys.jsons'),
    keys.map((k) => readFileSync(k.summary.pubkey, 'utf8')).join(''),
  );
  let r = tool(['setup', 'make-trustees', '--dir', setup]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(
    readFileSync(path.join(setup, 'trustees.json'), 'utf8'),
    `${L.trusteesJson(keys.map((k) => k.publicKey))}\n`,
  );

  const { dir, uuid, fp, tally } = await tallied(L, keys);
  const ours = [];
  const theirs = [];
  for (const [i, k] of keys.entries()) {
    const out = path.join(dir, `partial-${i + 1}.json`);
    const res = await trustee('decrypt', '--key', k.summary.privkey, '--dir', dir, '--out', out, '--json');
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(JSON.parse(res.stdout), {
      out,
      trusteeId: i + 1,
      trustees: 2,
      election: uuid,
      fingerprint: fp,
      numTallied: 4,
    });
    ours.push(readFileSync(out, 'utf8'));
    r = tool(['election', 'decrypt', '--dir', dir, '--privkey', k.summary.privkey, '--trustee-id', `${i + 1}`]);
    assert.equal(r.status, 0, r.stderr);
    theirs.push(r.stdout);
  }
  for (const [i, k] of keys.entries()) {
    const [ourPd, ourOwned, rest] = ours[i].split('\n');
    const [toolPd, toolOwned] = theirs[i].split('\n');
    assert.equal(rest, '', 'two lines, each ending with a newline, as the tool prints');
    assert.match(theirs[i], /^[^\n]+\n[^\n]+\n$/);
    assert.equal(ourOwned, await L.ownedJson(i + 1, ourPd));
    assert.equal(toolOwned, await L.ownedJson(i + 1, toolPd));
    const [a, b] = [L.parsePartialDecryption(ourPd), L.parsePartialDecryption(toolPd)];
    assert.equal(L.partialDecryptionJson(a), ourPd, 'canonical, in the tool’s field order');
    assert.equal(L.partialDecryptionJson(b), toolPd);
    assert.deepEqual(a.factors, b.factors, 'α^x does not depend on who computes it');
    assert.equal(await L.verifyPartialDecryption(tally, a, k.publicKey.publicKey, fp), true);
    assert.equal(await L.verifyPartialDecryption(tally, b, k.publicKey.publicKey, fp), true);
  }

  // Our files straight into the tool's add-event, then its result: verify passes. The same
  // with the tool's decryption for trustee 1 and ours for trustee 2.
  for (const [name, files] of [
    ['ours', ours],
    ['mixed', [theirs[0], ours[1]]],
  ]) {
    const copy = tmp(name);
    cpSync(path.join(dir, `${uuid}.bel`), path.join(copy, `${uuid}.bel`));
    for (const f of files) {
      r = tool(['archive', 'add-event', '--dir', copy, '--type=PartialDecryption'], f);
      assert.equal(r.status, 0, r.stderr);
    }
    r = tool(['election', 'compute-result', '--dir', copy]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '{"result":[[1,2,1]]}\n', 'blank 1, D 2, E 1');
    r = tool(['archive', 'add-event', '--dir', copy, '--type=Result'], r.stdout);
    assert.equal(r.status, 0, r.stderr);
    r = tool(['election', 'verify', '--dir', copy]);
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    assert.match(r.stderr + r.stdout, /all checks passed/);
  }

  // After a partial decryption is appended (by the tool's own writer), the archive still reads
  // and a trustee who has not decrypted yet still can.
  const later = tmp('later');
  cpSync(path.join(dir, `${uuid}.bel`), path.join(later, `${uuid}.bel`));
  assert.equal(tool(['archive', 'add-event', '--dir', later, '--type=PartialDecryption'], theirs[0]).status, 0);
  const res = await trustee(
    'decrypt',
    '--key',
    keys[1].summary.privkey,
    '--dir',
    later,
    '--out',
    path.join(later, 'p2'),
  );
  assert.equal(res.code, 0, res.stderr);
});

test('decrypt refuses a stranger’s key, an open box, a damaged archive, bad files — and writes nothing', async () => {
  const L = await loadBallotLib();
  const keys = [await keygen(L), await keygen(L)];
  const stranger = await keygen(L);
  const { dir, open } = await tallied(L, keys);
  const key = keys[0].summary.privkey;
  const scratch = tmp('refusals');
  const out = path.join(scratch, 'partial.json');
  const refused = async (args, pattern, code = 1) => {
    const r = await trustee('decrypt', ...args, '--json');
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, pattern);
    assert.equal(r.stdout, '');
    assert.equal(existsSync(out), false, 'nothing written');
  };
  await refused(
    ['--key', stranger.summary.privkey, '--dir', dir, '--out', out],
    /aucune des 2 autorités.*\n.*none of the 2 trustees/,
  );
  await refused(
    ['--key', key, '--dir', open, '--out', out],
    /ne se termine pas par le décompte chiffré \(dernier événement : Ballot\)/,
  );
  await refused(['--key', key, '--dir', scratch, '--out', out], /exactement une archive \.bel, il y en a 0/);
  await refused(['--key', path.join(scratch, 'missing.privkey'), '--dir', dir, '--out', out], /illisible \(ENOENT\)/);
  writeFileSync(path.join(scratch, 'bad.privkey'), '{"x":1}\n');
  await refused(
    ['--key', path.join(scratch, 'bad.privkey'), '--dir', dir, '--out', out],
    /pas une clé privée Belenios/,
  );
  await refused(['--key', key, '--dir', dir], /--key, --dir et --out sont requis/, 2);

  const bel = readdirSync(dir).find((n) => n.endsWith('.bel'));
  const bytes = readFileSync(path.join(dir, bel));
  const damaged = path.join(tmp('damaged'), bel);
  const at = bytes.indexOf('"response":"') + 12;
  bytes[at] = bytes[at] === 0x31 ? 0x32 : 0x31;
  writeFileSync(damaged, bytes);
  await refused(
    ['--key', key, '--dir', path.dirname(damaged), '--out', out],
    /archive Belenios invalide \(hash_mismatch/,
  );

  writeFileSync(out, 'kept');
  const r = await trustee('decrypt', '--key', key, '--dir', dir, '--out', out);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /existe déjà/);
  assert.equal(readFileSync(out, 'utf8'), 'kept');
});
