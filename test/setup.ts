// Every test starts from empty bindings (D1, KV, Durable Objects) with the migrations applied:
// throttling and single-use state must not leak from one test into the next.
import { applyD1Migrations, env, reset } from 'cloudflare:test';
import { beforeEach } from 'vitest';
import { forgetElection } from '../src/platform/election';

declare module 'vitest' {
  // What vitest.config.ts provides: runs per hostile-input property (`HOSTILE_RUNS`, 300 by
  // default) and how many times more the concurrency races repeat (`SOAK_SCALE`, 1 by default;
  // both raised by `npm run test:soak`).
  export interface ProvidedContext {
    hostileRuns: number;
    soakScale: number;
  }
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace -- the runtime's typing hook
  namespace Cloudflare {
    interface Env {
      TEST_MIGRATIONS?: import('cloudflare:test').D1Migration[];
    }
  }
}

beforeEach(async () => {
  await reset();
  await applyD1Migrations(env.DB, env.TEST_MIGRATIONS ?? []);
  forgetElection();
});
