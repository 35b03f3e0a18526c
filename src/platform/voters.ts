/**
 * The voter store (D1): plain functions over the drizzle client, one query each.
 */
import { eq } from 'drizzle-orm';
import { voters, type Voter } from '../db/schema';
import type { Database } from './database';

export interface VoterStore {
  byIdentifierHmac(hmac: string): Promise<Voter | undefined>;
  byNumic(numic: string): Promise<Voter | undefined>;
  byId(id: number): Promise<Voter | undefined>;
}

export function voterStore(db: Database): VoterStore {
  return {
    byIdentifierHmac: (hmac) => db.select().from(voters).where(eq(voters.identifierHmac, hmac)).get(),
    byNumic: (numic) => db.select().from(voters).where(eq(voters.numic, numic)).get(),
    byId: (id) => db.select().from(voters).where(eq(voters.id, id)).get(),
  };
}
