/**
 * `npm run ballot -- setup --trustees <pubkey>...`
 * `npm run ballot -- export <dir>`
 * (each with `--env local|staging|production`, `--json`, `--url U`; SPEC.md "The ballot")
 *
 * setup: freezes each constituency's election before the first ballot — the trustees' public
 * keys (Belenios `.pubkey` files, made offline with `npm run trustee -- keygen`) sent to the
 * portal, which checks their proofs and makes one election per contest; then, constituency by
 * constituency, every active voter's signing credential (page by page), and the freeze into the
 * constituency's ballot box. A run stopped midway is resumed by running it again. Summary:
 * `{"constituencies":[{"constituency","uuid","fingerprint","credentials"}]}`.
 *
 * export: every set-up box as `<dir>/<constituency>/<uuid>.bel`, streamed to disk, at any stage;
 * `belenios-tool election verify --dir <dir>/<constituency>` checks each. Summary:
 * `{"exported":[{"constituency","uuid","file","bytes"}]}`.
 *
 * tally --out <dir>: after closing, each box's encrypted tally appended and its archive written
 * to `<dir>/<constituency>/<uuid>.bel`, the tally checked against the ballots. Summary:
 * `{"constituencies":[{"constituency","uuid","dir","file","numTallied","checked"}]}`.
 *
 * result --dir <dir>: the trustees' `partial-<trustee id>.json` of each constituency folder
 * checked, the counts published (`/resultats`) and each archive rewritten with its result.
 * Summary: `{"constituencies":[{"constituency","uuid","ballots","counts":[{"answer","count"}],
 * "blank","file"}]}`.
 */
import { createReadStream, createWriteStream, mkdirSync, readFileSync, readdirSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { loadBallotLib } from './ballot-lib.mjs';
import { archiveIn, readTallied } from './ops/archive.mjs';
import { setupBallots } from './ops/ballot-setup.mjs';
import { Refused, commandArgs, operatorClient, operatorEndpoint, runCommand, say } from './ops/client.mjs';

const USAGE = [
  'usage: npm run ballot -- setup --trustees <file.pubkey> <file.pubkey>... [--env E] [--json]',
  '       npm run ballot -- export <dir> [--env E] [--json]',
  '       npm run ballot -- tally --out <dir> [--env E] [--json]',
  '       npm run ballot -- result --dir <dir> [--env E] [--json]',
].join('\n');

function readKey(file) {
  try {
    return readFileSync(resolve(file), 'utf8').trim();
  } catch (err) {
    throw new Refused({
      fr: `${file} : illisible (${err.code ?? err.message})`,
      en: `${file}: cannot be read (${err.code ?? err.message})`,
    });
  }
}

async function setup(client, files) {
  if (files.length === 0)
    throw new Refused({ fr: `--trustees : au moins deux clés publiques\n${USAGE}`, en: USAGE }, 2);
  return setupBallots(client, files.map(readKey));
}

// `npm run` starts scripts in the project's root; paths are the operator's, from where they typed.
const fromUser = (path) => resolve(process.env.INIT_CWD ?? process.cwd(), path);

const UUID = /^[1-9A-HJ-NP-Za-km-z]{14,}$/;

/**
 * A box's archive streamed to `<folder>/<uuid>.bel`: written beside it first, then renamed, so
 * a download cut short never leaves half an archive where the trustees read one.
 */
async function downloadBox(client, constituency, folder) {
  const res = await client.download(`/operateur/api/ballot/export/${constituency}`);
  const uuid = res.headers.get('x-ballot-uuid');
  if (!uuid || !UUID.test(uuid)) {
    throw new Refused({ fr: 'le portail n’a pas donné l’uuid de l’élection', en: 'the portal gave no election uuid' });
  }
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${uuid}.bel`);
  const partial = `${file}.part`;
  let bytes = 0;
  const counting = Readable.fromWeb(res.body).on('data', (chunk) => (bytes += chunk.length));
  await pipeline(counting, createWriteStream(partial));
  renameSync(partial, file);
  return { uuid, file, bytes };
}

async function lockedContests(client) {
  const { contests } = await client.get('/operateur/api/election');
  const locked = contests.filter((k) => k.locked);
  if (locked.length === 0) {
    throw new Refused({
      fr: 'aucune urne n’est constituée (ballot setup)',
      en: 'no ballot box is set up (ballot setup)',
    });
  }
  return locked;
}

async function exportBoxes(client, dir) {
  const exported = [];
  for (const c of await lockedContests(client)) {
    const { uuid, file, bytes } = await downloadBox(client, c.constituency, join(fromUser(dir), c.constituency));
    say(
      `circonscription ${c.constituency} : ${file} (${bytes} octets)`,
      `constituency ${c.constituency}: ${file} (${bytes} bytes)`,
    );
    exported.push({ constituency: c.constituency, uuid, file, bytes });
  }
  return { exported };
}

/**
 * tally: after closing, each box appends its encrypted tally (the portal refuses while the vote
 * is open); its archive is written to `<out>/<constituency>/<uuid>.bel` and the tally checked
 * here against a recomputation from the archive's ballots, streamed — so the trustees decrypt
 * a product the box did not merely assert.
 */
async function tallyBoxes(client, out) {
  const L = await loadBallotLib();
  const tallied = [];
  for (const c of await lockedContests(client)) {
    const t = await client.post('/operateur/api/ballot/tally', { constituency: c.constituency });
    const folder = join(fromUser(out), c.constituency);
    const { uuid, file } = await downloadBox(client, c.constituency, folder);
    const archive = await readTallied(L, file, { counted: true });
    const again = await L.recomputeTally(createReadStream(file)).catch((err) => {
      throw new Refused({
        fr: `${file} : les bulletins de l’archive ne se relisent pas (${err.message})`,
        en: `${file}: the archive’s ballots cannot be read back (${err.message})`,
      });
    });
    if (again.tallyJson !== archive.tallyJson || BigInt(again.ballots) !== archive.numTallied) {
      throw new Refused({
        fr: `circonscription ${c.constituency} : le décompte chiffré de l’urne (${archive.numTallied} bulletins) ne correspond pas à celui recalculé depuis ses ${again.ballots} bulletins — ne déchiffrez pas, alertez les assesseurs (${file})`,
        en: `constituency ${c.constituency}: the box’s encrypted tally (${archive.numTallied} ballots) differs from the one recomputed from its ${again.ballots} ballots — do not decrypt, alert the trustees (${file})`,
      });
    }
    say(
      `circonscription ${c.constituency} : ${t.numTallied} bulletin(s) dépouillé(s)${t.already ? ' (déjà fait)' : ''}, décompte vérifié sur les bulletins ; ${file}`,
      `constituency ${c.constituency}: ${t.numTallied} ballot(s) tallied${t.already ? ' (already)' : ''}, tally checked against the ballots; ${file}`,
    );
    tallied.push({ constituency: c.constituency, uuid, dir: folder, file, numTallied: t.numTallied, checked: true });
  }
  say(
    `Chaque assesseur, hors ligne : npm run trustee -- decrypt --key <clé.privkey> --dir ${fromUser(out)}/<circonscription> --out ${fromUser(out)}/<circonscription>/partial-<n° d’assesseur>.json`,
    `Each trustee, offline: npm run trustee -- decrypt --key <key.privkey> --dir ${fromUser(out)}/<constituency> --out ${fromUser(out)}/<constituency>/partial-<trustee id>.json`,
  );
  return { constituencies: tallied };
}

/** A constituency's partial decryptions checked here first, each problem naming its file. */
async function checkPartials(L, folder, e) {
  const fingerprint = await L.electionFingerprint(e.electionJson);
  const problems = [];
  const texts = [];
  const seen = new Map();
  const names = readdirSync(folder)
    .filter((n) => /^partial-.*\.json$/.test(n))
    .sort();
  for (const name of names) {
    const path = join(folder, name);
    const text = readFileSync(path, 'utf8');
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    let owner;
    let pd;
    try {
      if (lines.length !== 2) throw new Error('two lines expected');
      const owned = JSON.parse(lines[1]);
      owner = owned.owner;
      pd = L.parsePartialDecryption(lines[0]);
      if (owned.payload !== (await L.sha256Hex(lines[0]))) throw new Error('owned record does not match');
    } catch {
      problems.push({
        fr: `${path} : illisible — attendu les deux lignes de trustee decrypt ou de belenios-tool election decrypt`,
        en: `${path}: unreadable — expected the two lines of trustee decrypt or belenios-tool election decrypt`,
      });
      continue;
    }
    if (!Number.isSafeInteger(owner) || owner < 1 || owner > e.trustees.length) {
      problems.push({
        fr: `${path} : l’autorité n° ${owner} n’est pas une autorité de cette élection (1 à ${e.trustees.length})`,
        en: `${path}: trustee ${owner} is not a trustee of this election (1 to ${e.trustees.length})`,
      });
      continue;
    }
    if (name !== `partial-${owner}.json`) {
      problems.push({
        fr: `${path} : ce fichier contient le déchiffrement de l’autorité n° ${owner} ; nommez-le partial-${owner}.json`,
        en: `${path}: this file holds trustee ${owner}’s decryption; name it partial-${owner}.json`,
      });
      continue;
    }
    if (seen.has(owner)) {
      problems.push({
        fr: `${path} : deuxième déchiffrement de l’autorité n° ${owner} (déjà dans ${seen.get(owner)})`,
        en: `${path}: a second decryption by trustee ${owner} (already in ${seen.get(owner)})`,
      });
      continue;
    }
    if (!(await L.verifyPartialDecryption(e.tally, pd, e.trustees[owner - 1].publicKey, fingerprint))) {
      problems.push({
        fr: `${path} : le déchiffrement de l’autorité n° ${owner} ne se vérifie pas (preuve fausse, ou déchiffrement d’un autre décompte)`,
        en: `${path}: trustee ${owner}’s decryption does not verify (a false proof, or the decryption of another tally)`,
      });
      continue;
    }
    seen.set(owner, path);
    texts.push(text);
  }
  // A trustee whose file is there but refused is named above; one with no file at all, here.
  const missing = e.trustees
    .map((_, i) => i + 1)
    .filter((id) => !seen.has(id) && !names.includes(`partial-${id}.json`));
  for (const id of missing) {
    problems.push({
      fr: `${join(folder, `partial-${id}.json`)} : manquant — l’autorité n° ${id} n’a pas déchiffré`,
      en: `${join(folder, `partial-${id}.json`)}: missing — trustee ${id} has not decrypted`,
    });
  }
  return { problems, texts };
}

/**
 * result: every constituency folder of `dir` (as `tally` wrote them) — its partial
 * decryptions checked here, all of them before anything is published; then the portal checks
 * them again, computes and publishes the counts, and the archive, now ending with the result,
 * is written back to the folder.
 */
async function publishResults(client, dir) {
  const L = await loadBallotLib();
  const root = fromUser(dir);
  let folders;
  try {
    folders = readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory() && /^(?:[1-9]|1[01])$/.test(d.name))
      .map((d) => d.name)
      .sort((a, b) => Number(a) - Number(b));
  } catch (err) {
    throw new Refused({ fr: `${root} : dossier illisible (${err.code})`, en: `${root}: cannot be read (${err.code})` });
  }
  if (folders.length === 0) {
    throw new Refused({
      fr: `${root} : aucun dossier de circonscription (npm run ballot -- tally --out ${dir} d’abord)`,
      en: `${root}: no constituency folder (npm run ballot -- tally --out ${dir} first)`,
    });
  }
  const ready = [];
  const problems = [];
  for (const constituency of folders) {
    const folder = join(root, constituency);
    const e = await readTallied(L, archiveIn(folder), { counted: true });
    const checked = await checkPartials(L, folder, e);
    problems.push(...checked.problems);
    ready.push({ constituency, folder, texts: checked.texts });
  }
  if (problems.length > 0) {
    throw new Refused({
      fr: `rien n’est publié :\n${problems.map((p) => `  ${p.fr}`).join('\n')}`,
      en: `nothing is published:\n${problems.map((p) => `  ${p.en}`).join('\n')}`,
    });
  }
  const results = [];
  for (const r of ready) {
    const published = await client.post('/operateur/api/ballot/result', {
      constituency: r.constituency,
      partials: r.texts,
    });
    const { file } = await downloadBox(client, r.constituency, r.folder);
    const line = published.counts.map((x) => `${x.answer} ${x.count}`).join(', ');
    const blank = published.blank === null ? '' : `, blanc ${published.blank}`;
    const blankEn = published.blank === null ? '' : `, blank ${published.blank}`;
    say(
      `circonscription ${r.constituency} : ${line}${blank} (${published.ballots} bulletins)${published.already ? ' — déjà publié' : ''} ; ${file}`,
      `constituency ${r.constituency}: ${line}${blankEn} (${published.ballots} ballots)${published.already ? ' — already published' : ''}; ${file}`,
    );
    results.push({
      constituency: r.constituency,
      uuid: published.uuid,
      ballots: published.ballots,
      counts: published.counts,
      blank: published.blank,
      file,
    });
  }
  say(`Résultats publiés : ${client.base}/resultats`, `Results published: ${client.base}/resultats`);
  return { constituencies: results };
}

async function main(argv) {
  const { values, positionals } = commandArgs(
    argv,
    { trustees: { type: 'boolean', default: false }, out: { type: 'string' }, dir: { type: 'string' } },
    USAGE,
  );
  const [verb, ...rest] = positionals;
  if (values.help) {
    say(USAGE, '');
    return { summary: undefined };
  }
  const client = operatorClient(operatorEndpoint(values), { timeoutMs: 600_000 });
  if (verb === 'setup' && values.trustees) return { summary: await setup(client, rest), json: values.json };
  if (verb === 'export' && rest.length === 1) return { summary: await exportBoxes(client, rest[0]), json: values.json };
  if (verb === 'tally' && values.out && rest.length === 0)
    return { summary: await tallyBoxes(client, values.out), json: values.json };
  if (verb === 'result' && values.dir && rest.length === 0)
    return { summary: await publishResults(client, values.dir), json: values.json };
  throw new Refused({ fr: USAGE, en: USAGE }, 2);
}

await runCommand(main);
