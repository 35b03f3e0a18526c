/**
 * Every service a handler needs, built once per request and handed to the feature services
 * as plain arguments (never the Hono context).
 */
import type { Election } from '../db/schema';
import type { Clock } from './clock';
import { database, type Database } from './database';
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
  sessions: SessionStore;
  election(): Promise<Election>;
}

export function buildServices(env: Cloudflare.Env, deps: AppDeps): Services {
  // Built on first use: most GET screens never reach D1 (the election is cached per isolate).
  let db: Database | undefined;
  let voters: VoterStore | undefined;
  const lazyDb = () => (db ??= database(env.DB));
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
    sessions: new SessionStore(env.TOKENS),
    election: () => currentElection(lazyDb, env.ELECTION_ID, deps.clock()),
  };
}
