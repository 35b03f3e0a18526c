// The two renewals as a voter walks them in Chromium, with the outbox standing in for the
// voter's mailbox and phone: Écrans 1 → 6 then logging in with the new identifier (copy
// button included), and a new password by SMS then logging in with it.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, readCode, screenshot, waitForMessage } from './browser.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

async function logIn(page, identifier, password) {
  await page.goto(BASE_URL);
  await page.getByLabel('Identifiant*').fill(identifier);
  await page.getByLabel('Mot de passe*').fill(password);
  await page.getByLabel('Saisissez les 4 chiffres:').fill(await readCode(page));
  await page.getByRole('button', { name: 'Connexion' }).click();
  await page.waitForLoadState();
}

test('identifier renewal: Écrans 1 → 6, copy, then log in with the new identifier', async () => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: BASE_URL });
  const page = await context.newPage();

  // Other browser tests (test/e2e/a11y.test.mjs) mail the same demo voters: only what this test caused counts.
  const since = new Date().toISOString();
  await page.goto(BASE_URL);
  await page.getByRole('link', { name: 'Identifiant perdu ou non reçu ?' }).click();
  await page.getByRole('heading', { name: 'Renouvellement de votre identifiant' }).waitFor();
  await screenshot(page, 'ecran-2-1280');
  await page.getByLabel('NUMIC', { exact: true }).fill('654 321');
  await page.getByLabel('Adresse électronique', { exact: true }).fill(' Second@Example.org ');
  await page.getByLabel('Saisissez les 4 chiffres ci-dessus').fill(await readCode(page));
  await page.getByRole('button', { name: 'Demander un nouvel identifiant' }).click();
  await page.getByRole('heading', { name: 'Confirmation du renouvellement de votre identifiant' }).waitFor();
  assert.ok((await page.locator('body').innerText()).includes('Un courriel vient de vous être envoyé.'));

  const mail = await waitForMessage(
    (m) => m.channel === 'email' && m.to === 'second@example.org' && m.createdAt >= since && /\/r\//.test(m.text),
  );
  const link = /^(https?:\/\/\S+\/r\/\S+)$/m.exec(mail.text)?.[1];
  assert.ok(link, 'the e-mail carries the link alone on its line');

  await page.goto(link.replace(/^https?:\/\/[^/]+/, BASE_URL));
  await page.getByRole('heading', { name: 'Comment renouveler mon identifiant ?' }).waitFor();
  await page.getByLabel('Mot de passe', { exact: true }).fill('Vote-2022-Bis');
  await page.getByLabel('Saisissez les 4 chiffres ci-dessus').fill(await readCode(page));
  await page.getByRole('button', { name: 'Valider' }).click();
  await page.getByText('Je le copie et je le conserve.').waitFor();
  await screenshot(page, 'ecran-6-1280');

  const shown = (await page.locator('body').innerText()).match(
    /\b[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}\b/,
  )?.[0];
  assert.ok(shown, 'the new identifier is shown grouped');
  assert.notEqual(shown, 'PQRS-TVWX-YZ23');
  await page.getByRole('button', { name: 'Copier l’identifiant' }).click();
  await page.getByText('Identifiant copié.').waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), shown);

  await logIn(page, shown, 'Vote-2022-Bis');
  assert.equal(page.url(), `${BASE_URL}/espace`);
  await page.getByRole('button', { name: 'Se déconnecter' }).click();

  await logIn(page, 'PQRS-TVWX-YZ23', 'Vote-2022-Bis');
  assert.ok((await page.locator('body').innerText()).includes('Identifiant ou mot de passe incorrect.'));
  await context.close();
});

test('password renewal: a new password by SMS, then log in with it', async () => {
  const page = await browser.newPage({ locale: 'fr-FR' });
  const since = new Date().toISOString();
  await page.goto(BASE_URL);
  await page.getByRole('link', { name: 'Mot de passe perdu ou non reçu ?' }).click();
  await page.getByRole('heading', { name: 'Renouvellement de votre mot de passe' }).waitFor();
  await page.getByLabel('Identifiant', { exact: true }).fill('wxyz 2345 6789');
  await page.getByLabel('NUMIC', { exact: true }).fill('111111');
  await page.getByLabel('Saisissez les 4 chiffres ci-dessus').fill(await readCode(page));
  await page.getByRole('button', { name: 'Demander un nouveau mot de passe' }).click();
  await page.getByText('Un SMS vient de vous être envoyé.').waitFor();

  const sms = await waitForMessage((m) => m.channel === 'sms' && m.to === '+33600000003' && m.createdAt >= since);
  const password = /^([a-z2-9]{12})$/m.exec(sms.text)?.[1];
  assert.ok(password, 'the SMS carries the password alone on its line');

  await logIn(page, 'WXYZ-2345-6789', 'Vote-2022-Ter');
  assert.ok((await page.locator('body').innerText()).includes('Identifiant ou mot de passe incorrect.'));
  await logIn(page, 'WXYZ-2345-6789', password);
  assert.equal(page.url(), `${BASE_URL}/espace`);
});
