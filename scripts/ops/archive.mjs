/**
 * Reading a constituency's Belenios directory, for the trustee's `decrypt` and the operators'
 * `ballot tally` / `ballot result`: its one `<uuid>.bel` (as `belenios-tool --dir` wants), and
 * what a tallied archive says — the election, the trustees, the encrypted tally — each failure
 * a refusal naming the file.
 */
import { createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Refused } from './client.mjs';

/** The one `*.bel` of a directory, as `belenios-tool election decrypt --dir` requires. */
export function archiveIn(dir) {
  let names;
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.bel'));
  } catch (err) {
    throw new Refused({
      fr: `${dir} : dossier illisible (${err.code ?? err.message})`,
      en: `${dir}: cannot be read (${err.code ?? err.message})`,
    });
  }
  if (names.length !== 1) {
    throw new Refused({
      fr: `${dir} : il faut exactement une archive .bel, il y en a ${names.length}`,
      en: `${dir}: exactly one .bel archive is needed, there are ${names.length}`,
    });
  }
  return join(dir, names[0]);
}

/**
 * What a tallied archive says, or a refusal naming the file and the reason. It must end with
 * the encrypted tally, then only partial decryptions — or, with `counted`, also the result (a
 * count published already).
 */
export async function readTallied(L, file, { counted = false } = {}) {
  const bad = (reason) =>
    new Refused({
      fr: `${file} : archive Belenios invalide (${reason})`,
      en: `${file}: not a valid Belenios archive (${reason})`,
    });
  let archive;
  try {
    archive = await L.readArchive(createReadStream(file), (type) => type !== 'Ballot');
  } catch (err) {
    if (err instanceof L.ArchiveRefusal) throw bad(err.message);
    throw new Refused({
      fr: `${file} : illisible (${err.code ?? err.message})`,
      en: `${file}: cannot be read (${err.code ?? err.message})`,
    });
  }
  const types = archive.events.map((e) => e.type);
  const at = types.lastIndexOf('EncryptedTally');
  if (at < 0 || types.slice(at + 1).some((t) => t !== 'PartialDecryption' && !(counted && t === 'Result'))) {
    throw new Refused({
      fr: `${file} : l’archive ne se termine pas par le décompte chiffré (dernier événement : ${types.at(-1)}) — attendez le dépouillement (\`npm run ballot -- tally\`)`,
      en: `${file}: the archive does not end with the encrypted tally (last event: ${types.at(-1)}) — wait for the tally (\`npm run ballot -- tally\`)`,
    });
  }
  try {
    const setup = L.archiveSetup(archive);
    const kinds = JSON.parse(setup.trustees).map((t) => t?.[0]);
    if (kinds.some((k) => k !== 'Single')) {
      throw new Refused({
        fr: `${file} : autorités à seuil (Pedersen) — utilisez belenios-tool election decrypt-threshold`,
        en: `${file}: threshold (Pedersen) trustees — use belenios-tool election decrypt-threshold`,
      });
    }
    const { tally, sized } = L.archiveEncryptedTally(archive);
    const owners = archive.events
      .filter((e) => e.type === 'PartialDecryption')
      .map((e) => JSON.parse(L.archiveRecord(archive, e.payload, 'owned')).owner);
    return {
      electionJson: setup.election,
      election: L.parseElection(setup.election),
      trustees: L.parseTrustees(setup.trustees),
      tallyJson: tally,
      tally: L.parseEncryptedTally(tally),
      numTallied: L.parseSizedTally(sized).numTallied,
      owners,
    };
  } catch (err) {
    if (err instanceof Refused) throw err;
    throw bad(err.message);
  }
}
