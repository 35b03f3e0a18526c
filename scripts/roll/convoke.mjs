/**
 * `npm run roll -- convoke [--only-new] [--rate N]`: convokes the roll through the operator API
 * (src/features/operator/api.ts, src/platform/convocation*.ts).
 *
 * Opens a convocation round — or resumes the one a stopped run left open: those already
 * convoked in it are not convoked again — then hands its voters to the portal's CONVOKE queue
 * page by page, at most `--rate` voters a second (each voter is one e-mail and one SMS, so the
 * rate is messages a second per channel: providers have quotas), and watches the queue drain:
 * voters convoked, messages waiting, sent, failed. When nobody is left the round is closed.
 * Summary: `{"convoked": N}`, the voters convoked by this run.
 */
import { Refused, say } from '../ops/client.mjs';

export const DEFAULT_RATE = 50;
const PAGE_MAX = 1000;
/** Stop watching when nothing moved for this long: the run can be resumed. */
const STALL_MS = 120_000;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export function parseRate(text) {
  if (text === undefined) return DEFAULT_RATE;
  const rate = Number(text);
  if (!Number.isInteger(rate) || rate < 1 || rate > 10_000) {
    throw new Refused({
      fr: `--rate ${text} : attendu un nombre entier de 1 à 10 000 (électeurs par seconde)`,
      en: `--rate ${text}: expected a whole number from 1 to 10 000 (voters per second)`,
    });
  }
  return rate;
}

/**
 * `client`: operatorClient; `onlyNew`, `rate`; `now`/`pause` injected by tests.
 * Resolves to the summary.
 */
export async function convokeRoll({ client, onlyNew, rate, pollMs = 1000, now = Date.now, pause = sleep }) {
  const round = await client.post('/operateur/api/roll/convoke/start', { onlyNew });
  if (round.resumed) {
    say(
      `Reprise de la convocation n° ${round.round} : seuls les électeurs pas encore convoqués le seront.`,
      `Resuming convocation round ${round.round}: only voters not yet convoked will be.`,
    );
  } else {
    say(
      onlyNew
        ? 'Convocation des seuls électeurs jamais convoqués.'
        : `Convocation n° ${round.round} : de nouveaux identifiants et mots de passe pour chaque électeur actif.`,
      onlyNew
        ? 'Convoking only the voters never convoked.'
        : `Convocation round ${round.round}: new credentials for every active voter.`,
    );
  }
  const body = { round: round.round, onlyNew: round.onlyNew };
  let after = 0;
  let enqueued = 0;
  const limit = Math.min(PAGE_MAX, rate);
  for (;;) {
    const started = now();
    const page = await client.post('/operateur/api/roll/convoke/enqueue', { ...body, after, limit });
    enqueued += page.enqueued;
    after = page.last;
    if (page.enqueued < limit) break;
    // At most `rate` voters a second.
    const spent = now() - started;
    const due = (page.enqueued / rate) * 1000;
    if (spent < due) await pause(due - spent);
  }
  say(`${enqueued} électeurs confiés à la file de convocation.`, `${enqueued} voters handed to the convocation queue.`);

  let last = null;
  let lastChange = now();
  for (;;) {
    const status = await client.post('/operateur/api/roll/convoke/status', { ...body, since: round.since });
    const line = `${status.convoked} convoqués / convoked · ${status.remaining} restants / left · ${status.pending} messages en attente / waiting · ${status.sent} envoyés / sent · ${status.failed} en échec / failed`;
    if (line !== last) {
      process.stderr.write(`${line}\n`);
      last = line;
      lastChange = now();
    }
    if (status.remaining === 0 && status.pending === 0) {
      if (!round.onlyNew) await client.post('/operateur/api/roll/convoke/finish', { round: round.round });
      if (status.failed > 0) {
        say(
          `${status.failed} messages n'ont pas pu être remis : voir les échecs de remise (delivery_outcomes).`,
          `${status.failed} messages could not be delivered: see the delivery failures (delivery_outcomes).`,
        );
      }
      return { convoked: status.convoked };
    }
    if (now() - lastChange > STALL_MS) {
      throw new Refused(
        {
          fr: `plus rien ne bouge depuis ${STALL_MS / 1000} s : ${status.remaining} électeurs pas encore convoqués. Relancez la commande pour reprendre la convocation.`,
          en: `nothing has moved for ${STALL_MS / 1000} s: ${status.remaining} voters not yet convoked. Run the command again to resume the convocation.`,
        },
        1,
        { convoked: status.convoked },
      );
    }
    await pause(pollMs);
  }
}
