/**
 * What every operator command shares (SPEC.md "Operators: the election's life cycle"): the
 * `--env local|staging|production` and `--json` options, messages in French then English on
 * stderr, exit statuses, and the one way a command talks to the portal — its operator API
 * (`/operateur/api/*`), never the database behind its back.
 *
 * - `--env local` (the default): the `npm start` server on loopback, with the operator password
 *   `npm start` keeps in `.dev.vars` (`OPERATOR_PASSWORD`), sent as a bearer token. The portal
 *   accepts it only with DEV_TOOLS=1, from a loopback address.
 * - `--env staging|production`: the deployed Worker (its PUBLIC_ORIGIN in wrangler.toml, or
 *   ISOLOIR_URL), through Cloudflare Access with the operator's own service token
 *   (CF_ACCESS_CLIENT_ID, CF_ACCESS_CLIENT_SECRET): Access checks it at the edge and hands the
 *   Worker a signed JWT naming the token, which the Worker verifies and maps to a role.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, parseVars } from '../local.mjs';

export const ENVS = ['local', 'staging', 'production'];
const LOOPBACK_URL = /^http:\/\/(127(?:\.\d{1,3}){3}|localhost|\[::1\])(:\d+)?\/?$/;

/** A refusal: a clear message (both languages) and a non-zero exit status. */
export class Refused extends Error {
  /** @param {{fr: string, en: string}} message @param {number} [status] @param {object} [summary] */
  constructor(message, status = 1, summary = undefined) {
    super(`${message.fr}\n  ${message.en}`);
    this.bilingual = message;
    this.status = status;
    this.summary = summary;
  }
}

/** Progress and messages go to stderr; stdout carries only the JSON summary. */
export function say(fr, en) {
  process.stderr.write(`${fr}\n  ${en}\n`);
}

/**
 * parseArgs with the options every command takes. Unknown options and missing values are
 * refused with the usage line.
 */
export function commandArgs(argv, options, usage) {
  try {
    const parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        env: { type: 'string', default: 'local' },
        json: { type: 'boolean', default: false },
        url: { type: 'string' },
        help: { type: 'boolean', default: false },
        ...options,
      },
    });
    if (!ENVS.includes(parsed.values.env)) {
      throw new Refused({
        fr: `--env ${parsed.values.env} : attendu local, staging ou production`,
        en: `--env ${parsed.values.env}: expected local, staging or production`,
      });
    }
    return parsed;
  } catch (err) {
    if (err instanceof Refused) throw err;
    throw new Refused({ fr: `${err.message}\n${usage}`, en: usage }, 2);
  }
}

/** The PUBLIC_ORIGIN of `[env.<name>]` in wrangler.toml (its one-line `vars = { … }`). */
export function deployedOrigin(toml, name) {
  const section = toml.split(/^\[/m).find((s) => s.startsWith(`env.${name}]`));
  const m = section && /PUBLIC_ORIGIN\s*=\s*"([^"]+)"/.exec(section);
  return m ? m[1] : null;
}

/**
 * Where the command talks and how it proves who runs it. `env` is the process environment
 * (injected by tests).
 */
export function operatorEndpoint({ env: target, url }, env = process.env) {
  if (target === 'local') {
    const base = url ?? env.ISOLOIR_URL ?? 'http://127.0.0.1:8787';
    if (!LOOPBACK_URL.test(base)) {
      throw new Refused({
        fr: `--url ${base} : en local, le portail ne répond aux opérateurs que sur une adresse de bouclage`,
        en: `--url ${base}: locally the portal answers operators on a loopback address only`,
      });
    }
    const path = join(ROOT, '.dev.vars');
    const password = existsSync(path) ? parseVars(readFileSync(path, 'utf8')).OPERATOR_PASSWORD : undefined;
    if (!password) {
      throw new Refused({
        fr: `pas de OPERATOR_PASSWORD dans ${path} : lancez \`npm start\`, qui l'écrit`,
        en: `no OPERATOR_PASSWORD in ${path}: run \`npm start\`, which writes it`,
      });
    }
    return { base: base.replace(/\/$/, ''), headers: { authorization: `Bearer ${password}` } };
  }
  const base = url ?? env.ISOLOIR_URL ?? deployedOrigin(readFileSync(join(ROOT, 'wrangler.toml'), 'utf8'), target);
  if (!base || !/^https:\/\//.test(base)) {
    throw new Refused({
      fr: `--env ${target} : pas d'adresse https (PUBLIC_ORIGIN de [env.${target}] dans wrangler.toml, ou ISOLOIR_URL)`,
      en: `--env ${target}: no https address (PUBLIC_ORIGIN of [env.${target}] in wrangler.toml, or ISOLOIR_URL)`,
    });
  }
  const id = env.CF_ACCESS_CLIENT_ID;
  const secret = env.CF_ACCESS_CLIENT_SECRET;
  if (!id || !secret) {
    throw new Refused({
      fr: 'CF_ACCESS_CLIENT_ID et CF_ACCESS_CLIENT_SECRET (votre jeton de service Cloudflare Access) sont requis hors local',
      en: 'CF_ACCESS_CLIENT_ID and CF_ACCESS_CLIENT_SECRET (your Cloudflare Access service token) are required off local',
    });
  }
  return {
    base: base.replace(/\/$/, ''),
    headers: { 'cf-access-client-id': id, 'cf-access-client-secret': secret },
  };
}

/**
 * The operator API. Each call answers the parsed JSON body, or throws Refused with the
 * portal's own message (`{"error","message","messageEn"}`) — or a clear one when the portal
 * cannot be reached.
 */
export function operatorClient(endpoint, { timeoutMs = 120_000, fetchImpl = fetch } = {}) {
  async function call(method, path, body, raw = false) {
    let res;
    try {
      res = await fetchImpl(`${endpoint.base}${path}`, {
        method,
        headers: { ...endpoint.headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      throw new Refused(
        {
          fr: `le portail ne répond pas à ${endpoint.base} (\`npm start\` tourne-t-il ?) : ${err.message}`,
          en: `the portal does not answer at ${endpoint.base} (is \`npm start\` running?): ${err.message}`,
        },
        3,
      );
    }
    // A download (`ballot export`) is streamed by the caller; a refusal is still JSON.
    if (raw && res.ok) return res;
    const text = await res.text();
    let data;
    try {
      data = text ? JSON.parse(text) : {};
    } catch {
      data = null;
    }
    if (res.ok && data) return data;
    if (data && typeof data.message === 'string') {
      const refused = new Refused({ fr: data.message, en: data.messageEn ?? data.message });
      refused.code = data.error;
      refused.body = data;
      refused.httpStatus = res.status;
      throw refused;
    }
    if (res.status >= 300 && res.status < 400) {
      throw new Refused({
        fr: `${endpoint.base}${path} renvoie vers ${res.headers.get('location')} : Cloudflare Access n'a pas accepté le jeton de service`,
        en: `${endpoint.base}${path} redirects to ${res.headers.get('location')}: Cloudflare Access did not accept the service token`,
      });
    }
    const refused = new Refused({
      fr: `${endpoint.base}${path} a répondu ${res.status}${res.status === 404 ? ' (le portail a-t-il été déployé avec cette version ?)' : ''}`,
      en: `${endpoint.base}${path} answered ${res.status}${res.status === 404 ? ' (was the portal deployed with this version?)' : ''}`,
    });
    // A 502/503 from the platform carries no JSON: the status still tells a retry it may help.
    refused.httpStatus = res.status;
    throw refused;
  }
  return {
    base: endpoint.base,
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body ?? {}),
    /** The answer itself, for a body to stream (a refusal throws as for the others). */
    download: (path) => call('GET', path, undefined, true),
  };
}

/**
 * Runs a command's main: its summary on stdout with --json (also for a refusal that has one),
 * its messages on stderr, exit 0 only if it did what it was asked.
 */
export async function runCommand(main) {
  let json = process.argv.includes('--json');
  try {
    const { summary, json: wantsJson } = await main(process.argv.slice(2));
    json = wantsJson ?? json;
    if (json && summary !== undefined) process.stdout.write(`${JSON.stringify(summary)}\n`);
    process.exitCode = 0;
  } catch (err) {
    if (err instanceof Refused) {
      process.stderr.write(`${err.message}\n`);
      if (json && err.summary) process.stdout.write(`${JSON.stringify(err.summary)}\n`);
      process.exitCode = err.status;
    } else {
      process.stderr.write(`${err?.stack ?? err}\n`);
      process.exitCode = 70;
    }
  }
}
