/**
 * The bench's data: the demo election, open now (from 2 days ago to 4 days ahead, as
 * `npm start` loads it), the three demo voters of SPEC.md, and a roll of bench voters so that
 * no request is refused by a per-account limit (5 free wrong passwords per 15 minutes, 3
 * renewal e-mails per hour) — at the peak, many different voters log in, each once or twice.
 * Identifiers are stored as HMACs and passwords as PBKDF2 hashes exactly as the app expects.
 */
import { createHmac } from 'node:crypto';
import { DEMO_VOTERS, hashPassword } from '../../scripts/local.mjs';
import { SECRETS } from './server.mjs';

const DAY = 86_400_000;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export { DEMO_VOTERS, hashPassword };

const hmacHex = (key, message) => createHmac('sha256', key).update(message).digest('hex');
const canonical = (identifier) => identifier.replace(/-/g, '').toUpperCase();

/** Bench voter n: NUMIC 9xxxxxxx, identifier "BN" + 10 Crockford digits of n. */
export function benchVoter(n, password) {
  let id = '';
  for (let v = n, i = 0; i < 10; i++, v = Math.floor(v / 32)) id = ALPHABET[v % 32] + id;
  const raw = `BN${id}`;
  return {
    numic: String(90_000_000 + n),
    email: `bench-${n}@example.org`,
    phone: `+3361${String(n).padStart(7, '0')}`,
    identifier: `${raw.slice(0, 4)}-${raw.slice(4, 8)}-${raw.slice(8)}`,
    password,
  };
}

/** Loads the election and voters; returns the voters the routes may use (demo first). */
export async function seed(mf, { benchVoters }) {
  const db = await mf.getD1Database('DB');
  const now = Date.now();
  await db
    .prepare('INSERT OR REPLACE INTO elections (id, title, opens_at, closes_at, roll_loaded_at) VALUES (1, ?, ?, ?, ?)')
    .bind('Elections législatives 2022', now - 2 * DAY, now + 4 * DAY, now - 30 * DAY)
    .run();

  const benchPassword = 'Vote-2022-Bench';
  const benchHash = hashPassword(benchPassword); // one PBKDF2 for the whole bench roll
  const rows = [
    ...DEMO_VOTERS.map((v) => ({ ...v, hash: hashPassword(v.password) })),
    ...Array.from({ length: benchVoters }, (_, n) => ({ ...benchVoter(n, benchPassword), hash: benchHash })),
  ];
  const insert = db.prepare(
    `INSERT INTO voters (election_id, numic, email, phone, identifier_hmac, password_hash, language, constituency, convoked_at, created_at, updated_at)
     VALUES (1, ?, ?, ?, ?, ?, 'fr', ?, ?, ?, ?)`,
  );
  for (let i = 0; i < rows.length; i += 500) {
    await db.batch(
      rows
        .slice(i, i + 500)
        .map((v) =>
          insert.bind(
            v.numic,
            v.email,
            v.phone,
            hmacHex(SECRETS.IDENTIFIER_HMAC_KEY, canonical(v.identifier)),
            v.hash,
            v.constituency ?? String((Number(v.numic) % 11) + 1),
            now - 30 * DAY,
            now - 30 * DAY,
            now - 30 * DAY,
          ),
        ),
    );
  }
  return rows.map((v) => {
    const { hash, ...voter } = v; // eslint-disable-line @typescript-eslint/no-unused-vars
    return voter;
  });
}
