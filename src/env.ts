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
  // --- delivery (src/platform/delivery, docs/delivery.md)
  /** Secret: seals the secret part of queued messages (links, passwords). */
  DELIVERY_KEY: string;
  /** Secret: Brevo's API key; when set (and DEV_TOOLS is not), Brevo carries e-mail and SMS. */
  BREVO_API_KEY?: string;
  /** Brevo's API origin (default https://api.brevo.com); tests point it at a local fake. */
  BREVO_API_URL?: string;
  /** Sender of e-mails (an address of the authenticated sending domain) and its display name. */
  DELIVERY_FROM_EMAIL?: string;
  DELIVERY_FROM_NAME?: string;
  /** SMS sender name (≤ 11 letters and digits, or a number). */
  DELIVERY_SMS_SENDER?: string;
  /** Cloudflare Email Service binding (beta), declared in wrangler.toml only where set up. */
  EMAIL?: SendEmail;
}

/** The secrets without which the Worker refuses to serve. */
export const REQUIRED_SECRETS = ['IDENTIFIER_HMAC_KEY', 'NUMIC_HMAC_KEY', 'CAPTCHA_KEY', 'DELIVERY_KEY'] as const;

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
  // The runtime's own typing hook (`Cloudflare.Env`), a namespace by design.
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Cloudflare {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type
    interface Env extends Bindings {}
  }
}
