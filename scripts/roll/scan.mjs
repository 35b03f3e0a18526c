/**
 * The roll import's first pass (import.mjs runs it before sending anything): the header's
 * columns, the number of rows, the duplicated NUMICs, and the refusal of a file that cannot
 * be imported as a whole — a required column missing, not UTF-8, a quote never closed.
 */
import { Refused } from '../ops/client.mjs';
import { DuplicateFinder } from './duplicates.mjs';
import { mapColumns, normalizeNumic } from './normalize.mjs';
import { inspectHead, readRecords, MAX_RECORD_BYTES } from './records.mjs';

/** A record with nothing in any field (`;;;` from a spreadsheet's empty row): skipped. */
export const isBlank = (fields) => fields.every((f) => f.trim() === '');

const nothingSent = { fr: "rien n'a été envoyé", en: 'nothing was sent' };

/**
 * The first pass: the header's columns, the number of rows, the duplicated NUMICs. Throws
 * Refused (nothing sent) for a file that cannot be imported as a whole.
 */
export async function scanRoll(file, { maxRecordBytes = MAX_RECORD_BYTES, onProgress = () => {} } = {}) {
  const head = await inspectHead(file);
  const duplicates = new DuplicateFinder();
  let columns = null;
  let rows = 0;
  for await (const record of readRecords(file, { ...head, maxRecordBytes })) {
    if (columns === null) {
      if (record.problem || record.line !== 1) {
        throw new Refused({
          fr: `${file} : la ligne 1 doit être l'en-tête (numic, email, phone, constituency…) ; ${nothingSent.fr}`,
          en: `${file}: line 1 must be the header (numic, email, phone, constituency…); ${nothingSent.en}`,
        });
      }
      const mapped = mapColumns(record.fields);
      if (!mapped.columns) throw headerRefusal(file, record.fields, mapped);
      columns = mapped.columns;
      continue;
    }
    if (record.problem) {
      refuseUnreadable(file, record);
      continue;
    }
    if (isBlank(record.fields)) continue;
    rows++;
    const numic = normalizeNumic((record.fields[columns.numic] ?? '').trim());
    if (numic) duplicates.add(numic, record.line);
    if (rows % 10_000 === 0) onProgress({ phase: 'scan', done: rows, total: null });
  }
  if (columns === null) throw headerRefusal(file, [], { missing: ['numic', 'email', 'phone', 'constituency'] });
  onProgress({ phase: 'scan', done: rows, total: rows });
  return { head, columns, rows, duplicates };
}

function headerRefusal(file, header, { missing = [], duplicated = [] }) {
  const read = header.map((h) => h.trim()).join(' | ');
  const fr = [];
  const en = [];
  if (missing.length > 0) {
    fr.push(
      `colonne${missing.length > 1 ? 's' : ''} obligatoire${missing.length > 1 ? 's' : ''} absente${missing.length > 1 ? 's' : ''} : ${missing.join(', ')}`,
    );
    en.push(`required column${missing.length > 1 ? 's' : ''} missing: ${missing.join(', ')}`);
  }
  if (duplicated.length > 0) {
    fr.push(`colonne en double : ${duplicated.join(', ')}`);
    en.push(`duplicated column: ${duplicated.join(', ')}`);
  }
  return new Refused({
    fr: `${file} : ${fr.join(' ; ')} (en-tête lu : ${read || 'vide'}) ; ${nothingSent.fr}`,
    en: `${file}: ${en.join('; ')} (header read: ${read || 'empty'}); ${nothingSent.en}`,
  });
}

/** A held-back record that means the file cannot be read right to its end: refused whole. */
function refuseUnreadable(file, { line, lastLine, problem, bytes }) {
  if (problem === 'encoding') {
    throw new Refused({
      fr: `${file}, ligne ${line} : le fichier n'est pas en UTF-8 — enregistrez-le en « CSV UTF-8 » ; ${nothingSent.fr}`,
      en: `${file}, line ${line}: the file is not UTF-8 — save it as "CSV UTF-8"; ${nothingSent.en}`,
    });
  }
  if (problem === 'unclosedQuote') {
    throw new Refused({
      fr: `${file}, ligne ${line} : un guillemet n'est jamais refermé, les lignes ${line} à ${lastLine} ne peuvent être lues ; ${nothingSent.fr}`,
      en: `${file}, line ${line}: a quote is never closed, lines ${line} to ${lastLine} cannot be read; ${nothingSent.en}`,
    });
  }
  if (problem === 'tooLong' && lastLine > line) {
    throw new Refused({
      fr: `${file}, lignes ${line} à ${lastLine} : un seul enregistrement de ${bytes} octets, sans doute un guillemet mal refermé ; ${nothingSent.fr}`,
      en: `${file}, lines ${line} to ${lastLine}: a single record of ${bytes} bytes, probably a quote left open; ${nothingSent.en}`,
    });
  }
}
