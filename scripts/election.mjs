/**
 * `npm run election -- set [--title T] [--opens ISO-8601] [--closes ISO-8601]`
 * `npm run election -- contests <file.json>`
 * `npm run election -- show`
 * (each with `--env local|staging|production`, `--json`, `--url U`; SPEC.md "Operators")
 *
 * Sets the election's title and window (times with their offset: `2027-05-20T08:00:00+02:00`),
 * or each constituency's question from a JSON file
 * `{"contests":[{"constituency":"1","question":"…","answers":["…","…"],"blank":true}]}`.
 * The portal decides what makes sense (closing after opening, the opening not moved once the
 * vote has opened, constituencies 1 to 11, at least two answers, a contest whose ballot box is
 * set up never changes) and audits the change with the operator's identity; it takes effect
 * at once. Summary (stdout, --json): the stored title and window, and the contests.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Refused, commandArgs, operatorClient, operatorEndpoint, runCommand, say } from './ops/client.mjs';

const USAGE = [
  'usage: npm run election -- set [--title T] [--opens ISO-8601] [--closes ISO-8601] [--env E] [--json]',
  '       npm run election -- contests <file.json> [--env E] [--json]',
  '       npm run election -- show [--env E] [--json]',
].join('\n');

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

function instant(name, value) {
  if (value === undefined) return undefined;
  if (!INSTANT.test(value) || Number.isNaN(Date.parse(value))) {
    throw new Refused({
      fr: `--${name} ${value} : attendu une date ISO 8601 avec son décalage, par exemple 2027-05-20T08:00:00+02:00`,
      en: `--${name} ${value}: expected an ISO 8601 time with its offset, e.g. 2027-05-20T08:00:00+02:00`,
    });
  }
  return value;
}

function readContests(file) {
  let text;
  try {
    text = readFileSync(resolve(file), 'utf8');
  } catch (err) {
    throw new Refused({
      fr: `${file} : illisible (${err.code ?? err.message})`,
      en: `${file}: cannot be read (${err.code ?? err.message})`,
    });
  }
  let data;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new Refused({ fr: `${file} : JSON invalide (${err.message})`, en: `${file}: invalid JSON (${err.message})` });
  }
  if (!data || !Array.isArray(data.contests) || data.contests.length === 0) {
    throw new Refused({
      fr: `${file} : attendu {"contests":[{"constituency":"1","question":"…","answers":["…","…"],"blank":true}]}`,
      en: `${file}: expected {"contests":[{"constituency":"1","question":"…","answers":["…","…"],"blank":true}]}`,
    });
  }
  return data.contests.map((c, i) => {
    const where = `${file} contests[${i}]`;
    const constituency = typeof c?.constituency === 'number' ? String(c.constituency) : c?.constituency;
    if (typeof constituency !== 'string' || typeof c.question !== 'string' || !Array.isArray(c.answers)) {
      throw new Refused({
        fr: `${where} : constituency, question et answers sont requis`,
        en: `${where}: constituency, question and answers are required`,
      });
    }
    if (c.blank !== undefined && typeof c.blank !== 'boolean') {
      throw new Refused({ fr: `${where} : blank est true ou false`, en: `${where}: blank is true or false` });
    }
    return { constituency, question: c.question, answers: c.answers, blank: c.blank ?? true };
  });
}

function describe(summary) {
  say(
    `« ${summary.title} » : ouverture ${summary.opens}, fermeture ${summary.closes}`,
    `"${summary.title}": opens ${summary.opens}, closes ${summary.closes}`,
  );
  for (const c of summary.contests) {
    say(
      `  circonscription ${c.constituency} : ${c.question} (${c.answers.length} réponses${c.blank ? ', vote blanc' : ''}${c.locked ? ', urne constituée' : ''})`,
      `  constituency ${c.constituency}: ${c.question} (${c.answers.length} answers${c.blank ? ', blank vote' : ''}${c.locked ? ', ballot box set up' : ''})`,
    );
  }
}

async function main(argv) {
  const { values, positionals } = commandArgs(
    argv,
    { title: { type: 'string' }, opens: { type: 'string' }, closes: { type: 'string' } },
    USAGE,
  );
  const [verb, file, ...extra] = positionals;
  if (values.help) {
    say(USAGE, '');
    return { summary: undefined };
  }
  if (
    !['set', 'contests', 'show'].includes(verb) ||
    extra.length > 0 ||
    (verb === 'contests') !== (file !== undefined)
  ) {
    throw new Refused({ fr: USAGE, en: USAGE }, 2);
  }
  const client = operatorClient(operatorEndpoint(values));
  let summary;
  if (verb === 'show') {
    summary = await client.get('/operateur/api/election');
  } else if (verb === 'set') {
    const body = {
      title: values.title,
      opens: instant('opens', values.opens),
      closes: instant('closes', values.closes),
    };
    if (body.title === undefined && body.opens === undefined && body.closes === undefined) {
      throw new Refused(
        {
          fr: `rien à changer : --title, --opens ou --closes\n${USAGE}`,
          en: 'nothing to change: --title, --opens or --closes',
        },
        2,
      );
    }
    if (body.title !== undefined && body.title.trim() === '') {
      throw new Refused({ fr: '--title : le titre ne peut pas être vide', en: '--title: the title cannot be empty' });
    }
    if (body.opens && body.closes && Date.parse(body.closes) <= Date.parse(body.opens)) {
      throw new Refused({
        fr: 'La fermeture doit être postérieure à l’ouverture.',
        en: 'Closing must come after opening.',
      });
    }
    summary = await client.post('/operateur/api/election', body);
  } else {
    summary = await client.post('/operateur/api/election/contests', { contests: readContests(file) });
  }
  describe(summary);
  return { summary, json: values.json };
}

await runCommand(main);
