/**
 * Reaching an AccessState object's storage from tests, through the vitest plugin's
 * runInDurableObject: the production class carries no test-only methods.
 */
import { env, runInDurableObject } from 'cloudflare:test';
import { voterObjectName } from '../src/platform/guard/guards';
import { COOLING_OFF_MS, type Credential } from '../src/platform/guard/renewal';

export function voterObject(numicHmac: string) {
  return env.ACCESS_STATE.get(env.ACCESS_STATE.idFromName(voterObjectName(numicHmac)));
}

/** A row of the object's `kv` table, or null (its JSON value). */
async function readRow<T>(numicHmac: string, key: string, now: number): Promise<T | null> {
  return runInDurableObject(voterObject(numicHmac), (_instance, state) => {
    const rows = state.storage.sql
      .exec<{ v: string }>(`SELECT v FROM kv WHERE k = ? AND expires_at > ?`, key, now)
      .toArray();
    return rows[0] ? (JSON.parse(rows[0].v) as T) : null;
  });
}

/** When the voter's `credential` was last renewed, as the object remembers it. */
export function renewedAt(numicHmac: string, credential: Credential, now: number): Promise<number | null> {
  return readRow<number>(numicHmac, `renewed:${credential}`, now);
}

/** Records in the voter's object that `credential` was renewed at `at` (as a renewal would). */
export function recordRenewal(numicHmac: string, credential: Credential, at: number): Promise<void> {
  return runInDurableObject(voterObject(numicHmac), (_instance, state) => {
    state.storage.sql.exec(
      `INSERT INTO kv (k, v, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (k) DO UPDATE SET v = excluded.v, expires_at = excluded.expires_at`,
      `renewed:${credential}`,
      JSON.stringify(at),
      at + COOLING_OFF_MS,
    );
  });
}
