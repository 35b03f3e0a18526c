/**
 * `npm run trustee -- keygen --out <dir> [--json]`
 * `npm run trustee -- decrypt --key <file.privkey> --dir <dir>/<constituency> --out <file> [--json]`
 *
 * A trustee's offline tool (SPEC.md "The ballot (contract)"): it talks to no server. keygen
 * writes `<ID>.privkey` and `<ID>.pubkey` exactly as `belenios-tool setup generate-trustee-key
 * --group BELENIOS-2048` does — ID being, as there, the first 8 hex digits (uppercase) of the
 * SHA-256 of the public key in decimal. decrypt reads the one `*.bel` archive of a
 * constituency's directory, finds this key among the election's trustees (its 1-based id) and
 * writes what `belenios-tool election decrypt --dir … --privkey … --trustee-id …` prints: the
 * partial decryption then its owned record, one per line.
 *
 * Summaries (stdout, --json): keygen {"id","privkey","pubkey","fingerprint"};
 * decrypt {"out","trusteeId","trustees","election","fingerprint","numTallied"}.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadBallotLib } from './ballot-lib.mjs';
import { archiveIn, readTallied } from './ops/archive.mjs';
import { Refused, runCommand, say } from './ops/client.mjs';

const USAGE = [
  'usage: npm run trustee -- keygen --out <dir> [--json]',
  '       npm run trustee -- decrypt --key <file.privkey> --dir <dir>/<constituency> --out <file> [--json]',
].join('\n');

// `npm run` starts scripts in the project's root; paths are the trustee's, from where they typed.
const fromUser = (path) => resolve(process.env.INIT_CWD ?? process.cwd(), path);

const usage = (fr, en) => new Refused({ fr: `${fr}\n${USAGE}`, en: `${en}\n${USAGE}` }, 2);

function refuseExisting(path) {
  if (existsSync(path)) {
    throw new Refused({
      fr: `${path} existe déjà : il n’est jamais remplacé`,
      en: `${path} already exists and is never replaced`,
    });
  }
}

/** Writes a new file only: a key or a decryption already there is never replaced. */
function writeNew(path, text, mode) {
  try {
    writeFileSync(path, text, { flag: 'wx', mode });
  } catch (err) {
    throw new Refused({
      fr: `${path} : écriture impossible (${err.code ?? err.message})${err.code === 'EEXIST' ? ' — le fichier existe déjà, il n’est pas remplacé' : ''}`,
      en: `${path}: cannot be written (${err.code ?? err.message})${err.code === 'EEXIST' ? ' — the file exists and is not replaced' : ''}`,
    });
  }
}

async function keygen(values) {
  if (!values.out) throw usage('keygen : --out <dossier> est requis', 'keygen: --out <dir> is required');
  const L = await loadBallotLib();
  const dir = fromUser(values.out);
  const { privateKey, publicKey } = await L.generateTrusteeKey();
  if (!(await L.verifyPok(publicKey))) throw new Error('generated key fails its own proof of knowledge');
  const fingerprint = (await L.sha256Hex(publicKey.publicKey.toString())).toUpperCase();
  const id = fingerprint.slice(0, 8);
  const privkey = join(dir, `${id}.privkey`);
  const pubkey = join(dir, `${id}.pubkey`);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new Refused({
      fr: `${dir} : dossier impossible à créer (${err.code})`,
      en: `${dir}: cannot be created (${err.code})`,
    });
  }
  // Checked before writing either, so a refusal never leaves half a key pair behind.
  for (const file of [privkey, pubkey]) refuseExisting(file);
  writeNew(privkey, `${L.trusteePrivateKeyJson(privateKey)}\n`, 0o400);
  writeNew(pubkey, `${L.trusteePublicKeyJson(publicKey)}\n`, 0o444);
  say(`trustee : paire de clés ${id} générée`, `trustee: key pair ${id} generated`);
  say(
    `  clé publique (à remettre à l’administrateur de l’élection) : ${pubkey}`,
    `  public key (for the election administrator): ${pubkey}`,
  );
  say(`  clé privée : ${privkey}`, `  private key: ${privkey}`);
  say(
    'ATTENTION : la clé privée doit rester hors ligne — sur ce support, jamais copiée sur un ordinateur connecté, jamais envoyée. Sans elle le dépouillement est impossible ; avec elle et celles des autres autorités, on déchiffre.',
    'WARNING: the private key must stay offline — on this medium, never copied to a connected computer, never sent. Without it the tally cannot be decrypted; with it and the other trustees’ keys, it can.',
  );
  return { summary: { id, privkey, pubkey, fingerprint }, json: values.json };
}

/** A file's text; `what` names it in each language. */
function readText(path, what) {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new Refused({
      fr: `${what.fr} ${path} : illisible (${err.code ?? err.message})`,
      en: `${what.en} ${path}: cannot be read (${err.code ?? err.message})`,
    });
  }
}

async function decrypt(values) {
  if (!values.key || !values.dir || !values.out) {
    throw usage('decrypt : --key, --dir et --out sont requis', 'decrypt: --key, --dir and --out are required');
  }
  const L = await loadBallotLib();
  const keyFile = fromUser(values.key);
  const out = fromUser(values.out);
  let x;
  try {
    x = L.parseTrusteePrivateKey(readText(keyFile, { fr: 'clé privée', en: 'private key' }));
  } catch (err) {
    if (err instanceof Refused) throw err;
    throw new Refused({
      fr: `${keyFile} : ce n’est pas une clé privée Belenios (un entier décimal entre guillemets)`,
      en: `${keyFile}: not a Belenios private key (a quoted decimal integer)`,
    });
  }
  refuseExisting(out); // now, before the work; writeNew still refuses a file that appears meanwhile
  const bel = archiveIn(fromUser(values.dir));
  say(`trustee : lecture de ${bel}`, `trustee: reading ${bel}`);
  const e = await readTallied(L, bel);
  const X = L.fixedG().pow(x);
  const trusteeId = e.trustees.findIndex((t) => t.publicKey === X) + 1;
  if (trusteeId === 0) {
    throw new Refused({
      fr: `${keyFile} : cette clé n’est celle d’aucune des ${e.trustees.length} autorités de l’élection ${e.election.uuid} (${e.election.description})`,
      en: `${keyFile}: this key belongs to none of the ${e.trustees.length} trustees of election ${e.election.uuid} (${e.election.description})`,
    });
  }
  const shape = L.emptyTally(e.election).map((q) => q.length);
  if (e.tally.length !== shape.length || e.tally.some((q, i) => q.length !== shape[i])) {
    throw new Refused({
      fr: `${bel} : le décompte chiffré ne correspond pas aux questions de l’élection`,
      en: `${bel}: the encrypted tally does not fit the election’s questions`,
    });
  }
  if (e.owners.includes(trusteeId)) {
    say(
      `trustee : l’archive contient déjà un déchiffrement partiel de l’autorité ${trusteeId} ; un nouveau est écrit quand même`,
      `trustee: the archive already holds a partial decryption by trustee ${trusteeId}; a new one is written anyway`,
    );
  }
  const fingerprint = await L.electionFingerprint(e.electionJson);
  say(
    `trustee : autorité n° ${trusteeId} sur ${e.trustees.length}, ${e.numTallied} bulletin(s) décomptés, déchiffrement…`,
    `trustee: trustee ${trusteeId} of ${e.trustees.length}, ${e.numTallied} ballot(s) tallied, decrypting…`,
  );
  const text = await L.decryptOutput(e.tally, x, trusteeId, fingerprint);
  const pd = L.parsePartialDecryption(text.split('\n')[0]);
  if (!(await L.verifyPartialDecryption(e.tally, pd, X, fingerprint))) throw new Error('own partial decryption fails');
  writeNew(out, text, 0o644);
  say(`trustee : déchiffrement partiel écrit dans ${out}`, `trustee: partial decryption written to ${out}`);
  const summary = {
    out,
    trusteeId,
    trustees: e.trustees.length,
    election: e.election.uuid,
    fingerprint,
    numTallied: Number(e.numTallied),
  };
  return { summary, json: values.json };
}

async function main(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        out: { type: 'string' },
        key: { type: 'string' },
        dir: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw usage(err.message, err.message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    say(USAGE, '');
    return { summary: undefined };
  }
  const [verb, ...extra] = positionals;
  if (extra.length > 0 || !['keygen', 'decrypt'].includes(verb)) throw usage('commande inconnue', 'unknown command');
  if (verb === 'keygen' && (values.key || values.dir)) {
    throw usage('keygen ne prend que --out', 'keygen takes --out only');
  }
  return verb === 'keygen' ? keygen(values) : decrypt(values);
}

await runCommand(main);
