import { beforeEach, describe, expect, it } from 'vitest';
import { DEMO, harness, seedElection, seedVoter, text } from '../helpers';

describe('Écran 1 — login screen', () => {
  beforeEach(async () => {
    await seedElection();
    await seedVoter();
  });

  it('shows every text of the source document', async () => {
    const h = harness();
    const res = await h.get('/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    const page = text(html);
    for (const s of [
      'Elections législatives 2022',
      'Bienvenue',
      '* Champs obligatoires',
      'Identifiant*',
      'Identifiant perdu ou non reçu ?',
      'Mot de passe*',
      'Mot de passe perdu ou non reçu ?',
      'Saisissez les 4 chiffres:',
      'Code de sécurité',
      'Connexion',
      'Ouverture mardi 19 avril 2022 11:14 (heure de Paris)',
      'Fermeture lundi 25 avril 2022 11:14 (heure de Paris)',
      'Fermeture du vote dans 4 Jour(s)',
      'AIDE ?',
    ]) {
      expect(page).toContain(s);
    }
  });

  it('logs the demo voter in', async () => {
    const h = harness();
    const html = await (await h.get('/')).text();
    const res = await h.post('/login', { identifier: DEMO.identifier, password: DEMO.password, ...(await h.code(html)) });
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(/^__Host-isoloir-session=.*HttpOnly.*Secure.*SameSite=Strict/i);
  });
});
