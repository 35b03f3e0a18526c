/**
 * The demo ballot `npm start` sets up (SPEC.md "The ballot"): two trustees whose keys stay in
 * `.wrangler/demo-trustees/` (git-ignored; trustee ids 1 and 2 — their order in the election),
 * the contests of constituencies 1–3 with blank allowed, and each constituency's ballot box
 * frozen through the operators' API, as `ballot setup` does. The keys are made once and kept;
 * the elections are made afresh on every start, like the demo voters' credentials.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBallotLib } from './ballot-lib.mjs';
import { ROOT } from './local.mjs';
import { setupBallots } from './ops/ballot-setup.mjs';
import { operatorClient, operatorEndpoint } from './ops/client.mjs';

export const DEMO_TRUSTEES_DIR = join(ROOT, '.wrangler', 'demo-trustees');

const question = (n) =>
  `Élection du député de la ${n === 1 ? '1re' : `${n}e`} circonscription des Français établis hors de France`;

export const DEMO_CONTESTS = [
  { constituency: '1', question: question(1), answers: ['Candidat A', 'Candidat B', 'Candidat C'], blank: true },
  { constituency: '2', question: question(2), answers: ['Candidat D', 'Candidat E'], blank: true },
  { constituency: '3', question: question(3), answers: ['Candidat F', 'Candidat G'], blank: true },
];

/** `trustee-<n>.privkey` / `.pubkey` for n = 1, 2 (made once, in Belenios's formats); the public keys. */
export async function demoTrusteeKeys(dir = DEMO_TRUSTEES_DIR) {
  mkdirSync(dir, { recursive: true });
  const keys = [];
  for (const n of [1, 2]) {
    const privkey = join(dir, `trustee-${n}.privkey`);
    const pubkey = join(dir, `trustee-${n}.pubkey`);
    if (!existsSync(privkey) || !existsSync(pubkey)) {
      const L = await loadBallotLib();
      const { privateKey, publicKey } = await L.generateTrusteeKey();
      writeFileSync(privkey, `${L.trusteePrivateKeyJson(privateKey)}\n`, { mode: 0o600 });
      writeFileSync(pubkey, `${L.trusteePublicKeyJson(publicKey)}\n`, { mode: 0o644 });
    }
    keys.push(readFileSync(pubkey, 'utf8').trim());
  }
  return keys;
}

/** Sets the demo ballot up on the portal at `url` (served from this checkout's .dev.vars). */
export async function prepareDemoBallot(url, { quiet = true } = {}) {
  const trustees = await demoTrusteeKeys();
  const client = operatorClient(operatorEndpoint({ env: 'local', url }));
  await client.post('/operateur/api/election/contests', { contests: DEMO_CONTESTS });
  return setupBallots(client, trustees, quiet ? { say: () => {} } : {});
}
