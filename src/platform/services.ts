/**
 * Every service a handler needs, built once per request and handed to the feature services
 * as plain arguments (never the Hono context).
 */
import type { Election } from '../db/schema';
import type { Clock } from './clock';
import { database, requestDatabase, type Database } from './database';
import { currentElection } from './election';
import type { PasswordHasher } from './passwords';
import { SessionStore } from './sessions';
import { voterStore, type VoterStore } from './voters';

/** What the Worker is built with: tests inject a clock and a counting hasher. */
export interface AppDeps {
  clock: Clock;
  hasher: PasswordHasher;
}

export interface Services {
  env: Cloudflare.Env;
  clock: Clock;
  hasher: PasswordHasher;
  db: Database;
  voters: VoterStore;
  /** The voter store read from the D1 primary, for the rare read a replica may not answer yet. */
  primaryVoters(): VoterStore;
  sessions: SessionStore;
  election(): Promise<Election>;
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
  // Built on first use: most GET screens never reach D1 (the election is cached per isolate).
  const d1 = requestDatabase(env.DB, bookmark);
  let voters: VoterStore | undefined;
  const lazyDb = (): Database => d1.db;
  return {
    env,
    clock: deps.clock,
    hasher: deps.hasher,
    get db() {
      return lazyDb();
    },
    get voters() {
      return (voters ??= voterStore(lazyDb()));
    },
    primaryVoters: () => voterStore(database(env.DB.withSession('first-primary'))),
    sessions: new SessionStore(env.TOKENS),
    election: () => currentElection(lazyDb, env.ELECTION_ID, deps.clock()),
    readYourWrites: () => d1.keep(),
    d1Bookmark: () => d1.kept(),
  };
}
