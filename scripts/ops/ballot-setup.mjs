/**
 * The setup flow of `ballot setup` (SPEC.md "The ballot"), shared by the command and by
 * `npm start`'s demo: the trustees' public keys to the portal (which makes one election per
 * contest not yet set up), then constituency by constituency every active voter's signing
 * credential, page by page, and the freeze into the constituency's ballot box. A run stopped
 * midway is resumed by running it again. Returns `{constituencies:[{constituency, uuid,
 * fingerprint, credentials}]}`.
 */
import { say as sayBoth } from './client.mjs';

/** @param {{post: Function}} client @param {string[]} trustees the `.pubkey` texts, in trustee order */
export async function setupBallots(client, trustees, { say = sayBoth } = {}) {
  const { constituencies } = await client.post('/operateur/api/ballot/setup', { trustees });
  const out = [];
  for (const p of constituencies) {
    say(
      `circonscription ${p.constituency} : élection ${p.uuid}, ${p.pending} justificatif(s) à générer`,
      `constituency ${p.constituency}: election ${p.uuid}, ${p.pending} credential(s) to generate`,
    );
    let after = 0;
    let created = 0;
    for (;;) {
      const page = await client.post('/operateur/api/ballot/credentials', { constituency: p.constituency, after });
      created += page.created;
      if (page.next === null) break;
      after = page.next;
      say(`  ${created} générés`, `  ${created} generated`);
    }
    const frozen = await client.post('/operateur/api/ballot/freeze', { constituency: p.constituency });
    say(
      `  urne constituée : ${frozen.credentials} justificatifs, empreinte ${frozen.fingerprint}`,
      `  ballot box set up: ${frozen.credentials} credentials, fingerprint ${frozen.fingerprint}`,
    );
    out.push(frozen);
  }
  return { constituencies: out };
}
