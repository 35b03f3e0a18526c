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
 */
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setupBallots } from './ops/ballot-setup.mjs';
import { Refused, commandArgs, operatorClient, operatorEndpoint, runCommand, say } from './ops/client.mjs';

const USAGE = [
  'usage: npm run ballot -- setup --trustees <file.pubkey> <file.pubkey>... [--env E] [--json]',
  '       npm run ballot -- export <dir> [--env E] [--json]',
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

async function exportBoxes(client, dir) {
  const { contests } = await client.get('/operateur/api/election');
  const exported = [];
  for (const c of contests.filter((k) => k.locked)) {
    const res = await client.download(`/operateur/api/ballot/export/${c.constituency}`);
    const uuid = res.headers.get('x-ballot-uuid');
    if (!uuid || !/^[1-9A-HJ-NP-Za-km-z]{14,}$/.test(uuid)) {
      throw new Refused({
        fr: 'le portail n’a pas donné l’uuid de l’élection',
        en: 'the portal gave no election uuid',
      });
    }
    const folder = join(resolve(dir), c.constituency);
    mkdirSync(folder, { recursive: true });
    const file = join(folder, `${uuid}.bel`);
    let bytes = 0;
    const counting = Readable.fromWeb(res.body).on('data', (chunk) => (bytes += chunk.length));
    await pipeline(counting, createWriteStream(file));
    say(
      `circonscription ${c.constituency} : ${file} (${bytes} octets)`,
      `constituency ${c.constituency}: ${file} (${bytes} bytes)`,
    );
    exported.push({ constituency: c.constituency, uuid, file, bytes });
  }
  if (exported.length === 0) {
    throw new Refused({
      fr: 'aucune urne n’est constituée (ballot setup)',
      en: 'no ballot box is set up (ballot setup)',
    });
  }
  return { exported };
}

async function main(argv) {
  const { values, positionals } = commandArgs(argv, { trustees: { type: 'boolean', default: false } }, USAGE);
  const [verb, ...rest] = positionals;
  if (values.help) {
    say(USAGE, '');
    return { summary: undefined };
  }
  const client = operatorClient(operatorEndpoint(values), { timeoutMs: 600_000 });
  if (verb === 'setup' && values.trustees) return { summary: await setup(client, rest), json: values.json };
  if (verb === 'export' && rest.length === 1) return { summary: await exportBoxes(client, rest[0]), json: values.json };
  throw new Refused({ fr: USAGE, en: USAGE }, 2);
}

await runCommand(main);
