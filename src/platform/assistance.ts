/**
 * The `assistance` capability: the requests voters send the assistance cell from `/aide`.
 */
import { assistanceRequests } from '../db/schema';
import type { Database } from './database';

export type NewAssistanceRequest = typeof assistanceRequests.$inferInsert;

export interface AssistanceStore {
  /** Stores one request; false when its reference is already taken (the caller draws another). */
  create(request: NewAssistanceRequest): Promise<boolean>;
}

export function d1Assistance(db: () => Database): AssistanceStore {
  return {
    async create(request) {
      // The unique index on `reference` decides; nothing else can make the insert ignore a row.
      const rows = await db().insert(assistanceRequests).values(request).onConflictDoNothing().returning({
        id: assistanceRequests.id,
      });
      return rows.length === 1;
    },
  };
}
