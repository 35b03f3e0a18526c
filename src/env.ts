/**
 * The Worker's bindings (wrangler.toml, secrets, .dev.vars) and the per-request variables
 * that middleware puts on the Hono context.
 */
import type { VoterGuard } from './platform/guard/voter-guard';
import type { Locale, Translate } from './i18n';
import type { Services } from './platform/services';

export interface Bindings {
  DB: D1Database;
  TOKENS: KVNamespace;
  VOTER_GUARD: DurableObjectNamespace<VoterGuard>;
  ASSETS: Fetcher;
  AUDIT: Queue;
  DELIVERY: Queue;
  ELECTION_ID: string;
  PUBLIC_ORIGIN: string;
  /** "1" mounts /_dev/* for loopback hosts. Only ever set in .dev.vars. */
  DEV_TOOLS?: string;
  /** Secrets (wrangler secret put / .dev.vars). */
  IDENTIFIER_HMAC_KEY: string;
  NUMIC_HMAC_KEY: string;
  CAPTCHA_KEY: string;
}

/** The secrets without which the Worker refuses to serve. */
export const REQUIRED_SECRETS = ['IDENTIFIER_HMAC_KEY', 'NUMIC_HMAC_KEY', 'CAPTCHA_KEY'] as const;

export interface Variables {
  locale: Locale;
  t: Translate;
  services: Services;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}

declare global {
  namespace Cloudflare {
    interface Env extends Bindings {}
  }
}
