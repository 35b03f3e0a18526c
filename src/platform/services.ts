/**
 * Services: the only way a feature reaches the platform. Each capability is an interface of
 * `platform/` with its Cloudflare implementation; `buildServices` wires them from the Worker's
 * bindings once per request, and nothing past it holds `env`. A feature function takes only
 * what it uses (`Pick<Services, 'voters' | 'guards'>`), which says what it touches and lets a
 * test count its work at these interfaces (test/counting.ts).
 */
import type { Election } from '../db/schema';
import { d1Assistance, type AssistanceStore } from './assistance';
import { queuedAudit, type Audit } from './audit';
import { sealedCaptcha, type Captcha } from './captcha';
import type { Clock } from './clock';
import { requestDatabase } from './database';
import { queueDelivery, type Delivery } from './delivery';
import { localDevTools, type DevTools } from './dev-tools';
import { currentElection } from './election';
import { durableGuards, type Guards } from './guard/guards';
import { kvLinks, type LinkStore } from './links';
import type { PasswordHasher } from './passwords';
import { hmacPseudonyms, type Pseudonyms } from './pseudonyms';
import { SessionStore } from './sessions';
import { voterStore, type VoterStore } from './voters';

/** What the Worker is built with: tests inject a clock, a counting hasher, counting wrappers. */
export interface AppDeps {
  clock: Clock;
  hasher: PasswordHasher;
  /** Wraps the services of each request (tests count the work at the interfaces). */
  decorate?: (services: Services) => Services;
}

/** The election's settings, cached per isolate (platform/election.ts). */
export interface ElectionSettings {
  current(): Promise<Election>;
}

export interface Services {
  clock: Clock;
  hasher: PasswordHasher;
  voters: VoterStore;
  guards: Guards;
  links: LinkStore;
  captcha: Captcha;
  delivery: Delivery;
  audit: Audit;
  election: ElectionSettings;
  sessions: SessionStore;
  pseudonyms: Pseudonyms;
  assistance: AssistanceStore;
  /** The public origin of e-mailed addresses (links, the help page). */
  origin: string;
  /** Only with DEV_TOOLS = "1" (.dev.vars); null everywhere else. */
  devTools: DevTools | null;
  /**
   * After a write the voter will read at once (a renewed identifier logs in next): the
   * response hands them this request's D1 bookmark, so a lagging replica cannot answer
   * their next requests with older data. Never on a screen that must look the same for
   * everyone: the cookie would tell that something was written.
   */
  readYourWrites(): void;
  /** The bookmark to hand to the voter, if readYourWrites() was called (platform/d1-bookmark.ts). */
  d1Bookmark(): string | null;
}

/** `bookmark`: the voter's D1 bookmark cookie, if any (see platform/database.ts). */
export function buildServices(env: Cloudflare.Env, deps: AppDeps, bookmark?: string): Services {
  // The D1 session is opened on first use: most GET screens never reach D1 (the election is
  // cached per isolate), and building the capabilities costs no round trip.
  const d1 = requestDatabase(env.DB, bookmark);
  const db = () => d1.db;
  const guards = durableGuards(env.ACCESS_STATE, env.NUMIC_HMAC_KEY);
  const captcha = sealedCaptcha(env.CAPTCHA_KEY, guards);
  const services: Services = {
    clock: deps.clock,
    hasher: deps.hasher,
    voters: voterStore(
      () => d1.session,
      db,
      () => env.DB.withSession('first-primary'),
    ),
    guards,
    links: kvLinks(env.TOKENS, env.NUMIC_HMAC_KEY, env.PUBLIC_ORIGIN),
    captcha,
    delivery: queueDelivery(env.DELIVERY, env.DELIVERY_KEY),
    audit: queuedAudit(env.AUDIT),
    election: { current: () => currentElection(db, env.ELECTION_ID, deps.clock()) },
    sessions: new SessionStore(env.TOKENS),
    pseudonyms: hmacPseudonyms(env.NUMIC_HMAC_KEY, env.IDENTIFIER_HMAC_KEY),
    assistance: d1Assistance(db),
    origin: env.PUBLIC_ORIGIN,
    devTools: env.DEV_TOOLS === '1' ? localDevTools(db, captcha) : null,
    readYourWrites: () => d1.keep(),
    d1Bookmark: () => d1.kept(),
  };
  return deps.decorate ? deps.decorate(services) : services;
}
