/**
 * `roll import`: reads the roll CSV twice, streaming, and sends its good rows to the portal's
 * operator API (SPEC.md "Operators", `npm run roll -- import`).
 *
 * 1. The scan: the header (a missing required column refuses the file whole, before anything
 *    is sent), the rows counted, the duplicated NUMICs found (DuplicateFinder), and the file
 *    refused whole when it cannot be read to its end (not UTF-8, a quote left open).
 * 2. The import: each row normalised (normalize.mjs); a bad one goes to the rejects file and is
 *    never sent — so an existing voter with that NUMIC is left unchanged — and with --replace
 *    its NUMIC, when readable, is reported as seen so it is not deactivated either. Good rows
 *    go in chunks of 500, a few requests in flight; a chunk failing on the network or a 5xx is
 *    sent again (the Worker upserts by NUMIC: re-sending is harmless), and an import cut short
 *    is finished by running it again.
 * 3. With --replace, once every chunk has been taken: the replace step, which deactivates the
 *    voters this run did not see — refused by the Worker past 10 % of the active roll unless
 *    --allow-mass-deactivation.
 *
 * Memory stays flat whatever the file's size: records are read as a stream, and reading waits
 * while `concurrency` requests are in flight.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Refused } from '../ops/client.mjs';
import { ROLL_ROWS_MAX, ROLL_SEEN_MAX } from '../../src/platform/roll/row.ts';
import { normalizeRow } from './normalize.mjs';
import { REASONS } from './reasons.mjs';
import { readRecords, MAX_RECORD_BYTES } from './records.mjs';
import { RejectsFile, numicCell } from './rejects.mjs';
import { isBlank, scanRoll } from './scan.mjs';

export { scanRoll };

export const PATHS = {
  rows: '/operateur/api/roll/rows',
  seen: '/operateur/api/roll/seen',
  replace: '/operateur/api/roll/replace',
};

/** One run id per command run (`[A-Za-z0-9_-]{8,64}`). */
export function newRunId() {
  return randomBytes(12).toString('base64url');
}

/** Why a record the reader held back is rejected. */
function problemReason({ problem, bytes }, maxRecordBytes) {
  if (problem === 'tooLong') return REASONS.tooLong(bytes, maxRecordBytes);
  if (problem === 'unclosedQuote') return REASONS.unclosedQuote;
  return REASONS.quotes;
}

/** Network errors, 5xx and 429: the same request may well go through a moment later. */
export function isTransient(err) {
  return err instanceof Refused && (err.status === 3 || err.httpStatus >= 500 || err.httpStatus === 429);
}

async function withRetry(call, { retries, retryDelayMs, onNotice }) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (attempt >= retries || !isTransient(err)) throw err;
      const wait = Math.round(retryDelayMs * 2 ** attempt * (0.5 + Math.random() / 2));
      onNotice(
        `nouvel essai dans ${wait} ms (${attempt + 1}/${retries}) : ${err.bilingual.fr}`,
        `retrying in ${wait} ms (${attempt + 1}/${retries}): ${err.bilingual.en}`,
      );
      await sleep(wait);
    }
  }
}

const count = (x) => Number.isInteger(x) && x >= 0;

function unexpected(path, what) {
  return new Refused({
    fr: `réponse inattendue de ${path} : ${what.fr}`,
    en: `unexpected answer from ${path}: ${what.en}`,
  });
}

/**
 * Imports the roll in `file` through `client` (operatorClient of scripts/ops/client.mjs, or
 * anything with `post(path, body)` answering the parsed JSON or throwing Refused). Resolves to
 * the summary `{imported, updated, unchanged, deactivated, rejected, rejectsFile}`; throws
 * Refused — carrying the summary of what was done so far, when something was — otherwise.
 *
 * `onProgress({phase: 'scan' | 'send' | 'replace', done, total})`: rows read (scan), rows
 * settled — taken by the portal or rejected — (send). `onNotice(fr, en)`: warnings, retries.
 *
 * @example
 *   const summary = await importRoll({ file: 'roll.csv', client: operatorClient(endpoint) });
 */
export async function importRoll({
  file,
  client,
  replace = false,
  allowMassDeactivation = false,
  run = newRunId(),
  onProgress = () => {},
  onNotice = () => {},
  concurrency = 4,
  chunkSize = ROLL_ROWS_MAX,
  seenChunkSize = ROLL_SEEN_MAX,
  retries = 3,
  retryDelayMs = 500,
  maxRecordBytes = MAX_RECORD_BYTES,
}) {
  const scan = await scanRoll(file, { maxRecordBytes, onProgress });
  const { columns, duplicates } = scan;
  const total = scan.rows;
  const rejects = await RejectsFile.create(file);
  const summary = { imported: 0, updated: 0, unchanged: 0, deactivated: 0, rejected: 0, rejectsFile: rejects.path };
  const retry = { retries, retryDelayMs, onNotice };
  let settled = 0;
  let sent = 0;
  let unreadable = 0;
  let seen = [];
  const progress = () => onProgress({ phase: 'send', done: settled, total });

  const reject = async (line, reason, numic, raw) => {
    summary.rejected++;
    if (numic && replace) seen.push(numic);
    else if (!numic) unreadable++;
    await rejects.add(line, reason, numicCell(numic, raw));
  };

  const sendRows = async (rows) => {
    const answer = await withRetry(() => client.post(PATHS.rows, { run, replace, rows }), retry);
    if (![answer.imported, answer.updated, answer.unchanged].every(count) || !Array.isArray(answer.rejected)) {
      throw unexpected(PATHS.rows, { fr: 'compteurs absents', en: 'counts missing' });
    }
    // Every row sent is accounted for, or the import says so (a "processed 115, roll shows 104").
    const accounted = answer.imported + answer.updated + answer.unchanged + answer.rejected.length;
    if (accounted !== rows.length) {
      throw unexpected(PATHS.rows, {
        fr: `${accounted} lignes comptées pour ${rows.length} envoyées`,
        en: `${accounted} rows accounted for, ${rows.length} sent`,
      });
    }
    summary.imported += answer.imported;
    summary.updated += answer.updated;
    summary.unchanged += answer.unchanged;
    sent += rows.length;
    const byLine = new Map(rows.map((row) => [row.line, row]));
    for (const { line, reason } of answer.rejected) {
      const row = byLine.get(line);
      await reject(line, String(reason), row?.numic ?? null, '');
    }
    settled += rows.length;
    progress();
  };

  const sendSeen = async (numics) => {
    const answer = await withRetry(() => client.post(PATHS.seen, { run, numics }), retry);
    if (!count(answer.seen)) throw unexpected(PATHS.seen, { fr: 'compteur absent', en: 'count missing' });
  };

  // At most `concurrency` requests in flight; the reader waits for a free slot, so neither
  // rows nor requests pile up in memory.
  const inFlight = new Set();
  let failure = null;
  const dispatch = async (task) => {
    if (failure) throw failure;
    const pending = task()
      .catch((err) => {
        failure ??= err;
      })
      .finally(() => inFlight.delete(pending));
    inFlight.add(pending);
    while (inFlight.size >= concurrency) await Promise.race(inFlight);
    if (failure) throw failure;
  };
  const flushSeen = async (all) => {
    while (seen.length >= seenChunkSize || (all && seen.length > 0)) {
      const batch = seen.slice(0, seenChunkSize);
      seen = seen.slice(batch.length);
      await dispatch(() => sendSeen(batch));
    }
  };

  try {
    let chunk = [];
    let header = true;
    for await (const record of readRecords(file, { ...scan.head, maxRecordBytes })) {
      if (header) {
        header = false;
        continue;
      }
      if (record.problem) {
        await reject(record.line, problemReason(record, maxRecordBytes), null, '');
        settled++;
      } else if (!isBlank(record.fields)) {
        const result = normalizeRow(record.fields, columns);
        const numic = result.row?.numic ?? result.numic;
        const duplicate = numic ? duplicates.reason(numic, record.line) : null;
        if (duplicate || result.reasons) {
          const reasons = [duplicate, ...(result.reasons ?? [])].filter(Boolean);
          await reject(record.line, reasons.join(' ; '), numic, (record.fields[columns.numic] ?? '').trim());
          settled++;
        } else {
          chunk.push({ line: record.line, ...result.row });
          if (chunk.length >= chunkSize) {
            const rows = chunk;
            chunk = [];
            await dispatch(() => sendRows(rows));
          }
        }
      }
      if (seen.length >= seenChunkSize) await flushSeen(false);
      if (settled % 256 === 0) progress();
    }
    if (chunk.length > 0) await dispatch(() => sendRows(chunk));
    await Promise.all(inFlight);
    if (failure) throw failure;
    // Rows the portal rejected add NUMICs to `seen` as their answers come: flush after them.
    await flushSeen(true);
    await Promise.all(inFlight);
    if (failure) throw failure;
  } catch (err) {
    await Promise.allSettled(inFlight);
    await rejects.close().catch(() => {});
    throw interrupted(err, summary, sent, total);
  }
  await rejects.close();
  progress();

  if (replace) {
    if (unreadable > 0) {
      onNotice(
        `${unreadable} ligne(s) rejetée(s) sans NUMIC lisible : si ces électeurs sont inscrits, --replace les désactive`,
        `${unreadable} rejected row(s) without a readable NUMIC: if these voters are on the roll, --replace deactivates them`,
      );
    }
    onProgress({ phase: 'replace', done: settled, total });
    let answer;
    try {
      // Not retried: a replace that went through but whose answer was lost would report 0.
      answer = await client.post(PATHS.replace, { run, allowMassDeactivation });
    } catch (err) {
      if (!(err instanceof Refused)) throw err;
      // The rows are in; only the deactivations were refused — say so, with the summary.
      const refused = new Refused(
        {
          fr: `${err.bilingual.fr} — les lignes du fichier sont importées ; aucun électeur n'a été désactivé`,
          en: `${err.bilingual.en} — the file’s rows are imported; no voter was deactivated`,
        },
        err.status,
        summary,
      );
      Object.assign(refused, { code: err.code, body: err.body, httpStatus: err.httpStatus, cause: err });
      throw refused;
    }
    if (!count(answer.deactivated)) throw unexpected(PATHS.replace, { fr: 'compteur absent', en: 'count missing' });
    summary.deactivated = answer.deactivated;
  }
  return summary;
}

/** A failure mid-import: what was done, and that running the same command again finishes it. */
function interrupted(err, summary, sent, total) {
  if (!(err instanceof Refused)) return err;
  const refused = new Refused(
    {
      fr: `${err.bilingual.fr} — import interrompu : ${sent} ligne(s) prise(s) par le portail sur ${total} ; relancez la même commande, elle termine le travail sans doublon`,
      en: `${err.bilingual.en} — import interrupted: ${sent} of ${total} row(s) taken by the portal; run the same command again, it finishes the job without duplicates`,
    },
    err.status,
    summary,
  );
  Object.assign(refused, { code: err.code, body: err.body, httpStatus: err.httpStatus, cause: err });
  return refused;
}
