/**
 * `npm run roll -- import <file.csv> [--replace] [--allow-mass-deactivation] [--env E] [--json] [--url U]`
 * `npm run roll -- convoke [--only-new] [--rate N] [--env E] [--json] [--url U]` (scripts/roll/convoke.mjs)
 * `npm run roll -- synth N [--out file] [--bad-share 0.05] [--seed S] [--json]`
 *
 * import: the electoral roll into the portal, through its operator API (SPEC.md "Operators:
 * the election's life cycle"); the work is scripts/roll/import.mjs (`importRoll`). Summary with
 * --json: {"imported","updated","unchanged","deactivated","rejected","rejectsFile"}.
 * synth: a synthetic roll CSV (scripts/roll/synth.mjs). Summary with --json:
 * {"rows","valid","bad","file"}.
 */
import { commandArgs, operatorClient, operatorEndpoint, Refused, runCommand, say } from './ops/client.mjs';
import { normalizeNumic } from '../src/platform/numic.ts';
import { convokeRoll, parseRate } from './roll/convoke.mjs';
import { importRoll } from './roll/import.mjs';
import { progressReporter } from './roll/progress.mjs';
import { synthRoll } from './roll/synth.mjs';
import { resolve } from 'node:path';

// `npm run` starts scripts in the project's root; paths are the operator's, from where they typed.
const fromUser = (path) => resolve(process.env.INIT_CWD ?? process.cwd(), path);

const USAGE = [
  'usage: npm run roll -- import <file.csv> [--replace] [--allow-mass-deactivation] [--env local|staging|production] [--json] [--url U]',
  '       npm run roll -- convoke [--only-new] [--rate N] [--env local|staging|production] [--json] [--url U]',
  '       npm run roll -- resend --numic N (--identifier | --password) [--env local|staging|production] [--json] [--url U]',
  '       npm run roll -- synth N [--out file] [--bad-share 0.05] [--seed S] [--json]',
].join('\n');

async function runImport(argv) {
  const { values, positionals } = commandArgs(
    argv,
    { replace: { type: 'boolean', default: false }, 'allow-mass-deactivation': { type: 'boolean', default: false } },
    USAGE,
  );
  if (values.help) return help();
  if (positionals.length !== 1) throw usage();
  const file = fromUser(positionals[0]);
  if (values['allow-mass-deactivation'] && !values.replace) {
    throw new Refused(
      {
        fr: '--allow-mass-deactivation ne vaut qu’avec --replace',
        en: '--allow-mass-deactivation only makes sense with --replace',
      },
      2,
    );
  }
  const client = operatorClient(operatorEndpoint(values));
  const progress = progressReporter();
  say(`roll : lecture de ${file} (${client.base})`, `roll: reading ${file} (${client.base})`);
  try {
    const summary = await importRoll({
      file,
      client,
      replace: values.replace,
      allowMassDeactivation: values['allow-mass-deactivation'],
      onProgress: (p) => progress.update(p),
      onNotice: (fr, en) => {
        progress.stop();
        say(`roll : ${fr}`, `roll: ${en}`);
      },
    });
    progress.stop();
    say(
      `roll : ${summary.imported} nouveau(x), ${summary.updated} modifié(s), ${summary.unchanged} inchangé(s), ${summary.deactivated} désactivé(s), ${summary.rejected} rejeté(s) → ${summary.rejectsFile}`,
      `roll: ${summary.imported} new, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.deactivated} deactivated, ${summary.rejected} rejected → ${summary.rejectsFile}`,
    );
    return { summary, json: values.json };
  } finally {
    progress.stop();
  }
}

async function runConvoke(argv) {
  const { values, positionals } = commandArgs(
    argv,
    { 'only-new': { type: 'boolean', default: false }, rate: { type: 'string' } },
    USAGE,
  );
  if (values.help) return help();
  if (positionals.length !== 0) throw usage();
  const rate = parseRate(values.rate);
  const client = operatorClient(operatorEndpoint(values));
  say(
    `roll : convocation (${client.base}), ${rate} électeurs/s au plus`,
    `roll: convocation (${client.base}), at most ${rate} voters/s`,
  );
  const summary = await convokeRoll({ client, onlyNew: values['only-new'], rate });
  say(`roll : ${summary.convoked} électeur(s) convoqué(s)`, `roll: ${summary.convoked} voter(s) convoked`);
  return { summary, json: values.json };
}

async function runResend(argv) {
  const { values, positionals } = commandArgs(
    argv,
    {
      numic: { type: 'string' },
      identifier: { type: 'boolean', default: false },
      password: { type: 'boolean', default: false },
    },
    USAGE,
  );
  if (values.help) return help();
  if (positionals.length !== 0 || values.identifier === values.password) {
    throw new Refused(
      {
        fr: `un seul identifiant à renvoyer : --identifier ou --password\n${USAGE}`,
        en: 'one credential to re-send: --identifier or --password',
      },
      2,
    );
  }
  const numic = values.numic === undefined ? null : normalizeNumic(values.numic);
  if (!numic) {
    throw new Refused(
      {
        fr: `--numic ${values.numic ?? ''} : le NUMIC comporte 8 chiffres`,
        en: `--numic ${values.numic ?? ''}: a NUMIC has 8 digits`,
      },
      2,
    );
  }
  const credential = values.identifier ? 'identifier' : 'password';
  const client = operatorClient(operatorEndpoint(values));
  const summary = await client.post('/operateur/api/roll/resend', { numic, credential });
  say(
    credential === 'identifier'
      ? `roll : nouvel identifiant envoyé par courriel à ${summary.to}`
      : `roll : nouveau mot de passe envoyé par SMS au ${summary.to}`,
    credential === 'identifier'
      ? `roll: new identifier sent by e-mail to ${summary.to}`
      : `roll: new password sent by SMS to ${summary.to}`,
  );
  return { summary, json: values.json };
}

async function runSynth(argv) {
  const { values, positionals } = commandArgs(
    argv,
    { out: { type: 'string' }, 'bad-share': { type: 'string', default: '0.05' }, seed: { type: 'string' } },
    USAGE,
  );
  if (values.help) return help();
  const rows = Number(positionals[0]);
  if (positionals.length !== 1 || !Number.isInteger(rows) || rows < 1 || rows > 50_000_000) {
    throw new Refused(
      { fr: `synth N : N entier de 1 à 50 000 000\n${USAGE}`, en: `synth N: N an integer from 1 to 50,000,000` },
      2,
    );
  }
  const badShare = Number(values['bad-share']);
  if (!(badShare >= 0 && badShare <= 1)) {
    throw new Refused(
      {
        fr: `--bad-share ${values['bad-share']} : attendu de 0 à 1`,
        en: `--bad-share ${values['bad-share']}: expected 0 to 1`,
      },
      2,
    );
  }
  const seed = values.seed ?? String(Date.now());
  const result = await synthRoll({ rows, out: fromUser(values.out ?? `roll-${rows}.csv`), badShare, seed });
  const k = result.kinds;
  say(
    `synth : ${result.rows} lignes, ${result.valid} valides, ${result.bad} mauvaises (e-mail ${k.email}, fixe ${k.landline}, NUMIC en double ${k.duplicate}, champ manquant ${k.missing}), graine ${seed} → ${result.file}`,
    `synth: ${result.rows} rows, ${result.valid} valid, ${result.bad} bad (e-mail ${k.email}, landline ${k.landline}, duplicate NUMIC ${k.duplicate}, missing field ${k.missing}), seed ${seed} → ${result.file}`,
  );
  const { rows: n, valid, bad, file } = result;
  return { summary: { rows: n, valid, bad, file }, json: values.json };
}

function usage() {
  return new Refused(
    {
      fr: `commande attendue : import, convoke, resend ou synth\n${USAGE}`,
      en: 'expected a command: import, convoke, resend or synth',
    },
    2,
  );
}

function help() {
  process.stderr.write(`${USAGE}\n`);
  return { summary: undefined };
}

runCommand(async (argv) => {
  const [command, ...rest] = argv;
  if (command === 'import') return runImport(rest);
  if (command === 'synth') return runSynth(rest);
  if (command === 'convoke') return runConvoke(rest);
  if (command === 'resend') return runResend(rest);
  if (command === '--help' || command === 'help') return help();
  throw usage();
});
