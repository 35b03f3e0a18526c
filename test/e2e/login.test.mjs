// A newcomer opens the portal, reads the security code, logs in with a real same-origin form
// post (which must pass the CSRF check), sees the voter space, logs out.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, readCode, screenshot } from './browser.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('login screen, log in as the demo voter, log out', async () => {
  const page = await browser.newPage({ locale: 'fr-FR' });
  await page.goto(BASE_URL);
  await assert.doesNotReject(page.getByRole('heading', { name: 'Bienvenue' }).waitFor());
  const body = await page.locator('body').innerText();
  for (const s of [
    'Elections législatives 2022',
    'Identifiant perdu ou non reçu',
    'Mot de passe perdu ou non reçu',
    'Fermeture du vote dans',
    '4 Jour(s)',
    'AIDE',
  ]) {
    assert.ok(body.includes(s), `page shows ${s}`);
  }
  await screenshot(page, 'login-1280');

  await page.getByLabel('Identifiant*').fill('abcd efgh jkmn');
  await page.getByLabel('Mot de passe*').fill('Vote-2022-Demo');
  await page.getByLabel('Saisissez les 4 chiffres:').fill(await readCode(page));
  await page.getByRole('button', { name: 'Connexion' }).click();
  await page.waitForURL(`${BASE_URL}/espace`);
  assert.ok((await page.locator('h1').innerText()).includes('Votre espace électeur'));
  const cookies = await page.context().cookies();
  assert.ok(cookies.some((c) => c.name === '__Host-isoloir-session' && c.httpOnly && c.secure));

  await page.getByRole('button', { name: 'Se déconnecter' }).click();
  await page.getByText('Vous êtes déconnecté(e).').waitFor();
  await page.goto(`${BASE_URL}/espace`);
  await page.getByText('Votre session a pris fin').waitFor();
});

test('a wrong password is refused with the generic message', async () => {
  const page = await browser.newPage({ locale: 'fr-FR' });
  await page.goto(BASE_URL);
  await page.getByLabel('Identifiant*').fill('ABCD-EFGH-JKMN');
  await page.getByLabel('Mot de passe*').fill('wrong-password');
  await page.getByLabel('Saisissez les 4 chiffres:').fill(await readCode(page));
  await page.getByRole('button', { name: 'Connexion' }).click();
  await page.getByText('Identifiant ou mot de passe incorrect.').first().waitFor();
  assert.equal(await page.getByLabel('Identifiant*').inputValue(), 'ABCD-EFGH-JKMN');
  assert.equal(await page.getByLabel('Mot de passe*').inputValue(), '');
});
