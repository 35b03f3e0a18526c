import { d1AuditTrail } from '../../src/platform/audit';
import { durableHeadWitness } from '../../src/platform/audit-head';
import { env } from 'cloudflare:test';
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { voters } from '../../src/db/schema';
import { database } from '../../src/platform/database';
import { voterStore } from '../../src/platform/voters';
import { DEMO, seedElection, seedVoter } from '../helpers';

// The reads are SQL built once per isolate (src/platform/voters.ts): they must give exactly
// the row drizzle gives, field names and types included.
describe('voter reads', () => {
  beforeEach(async () => {
    await seedElection();
    await seedVoter();
  });

  it('give the row drizzle gives, by each column, and undefined for nobody', async () => {
    const db = database(env.DB);
    const expected = await db.select().from(voters).where(eq(voters.numic, DEMO.numic)).get();
    expect(expected).toBeDefined();
    const session = env.DB.withSession('first-unconstrained');
    const store = voterStore(
      () => session,
      () => db,
      () => env.DB.withSession('first-primary'),
      d1AuditTrail({ write: () => db, head: () => db, witness: durableHeadWitness(env.AUDIT_HEAD) }),
    );
    expect(await store.byNumic(DEMO.numic)).toStrictEqual(expected);
    expect(await store.byId(expected!.id)).toStrictEqual(expected);
    expect(await store.byIdentifierHmac(expected!.identifierHmac!)).toStrictEqual(expected);
    expect(await store.primary().byIdentifierHmac(expected!.identifierHmac!)).toStrictEqual(expected);
    expect(await store.byNumic('99999999')).toBeUndefined();
    expect(await store.byId(0)).toBeUndefined();
  });
});
