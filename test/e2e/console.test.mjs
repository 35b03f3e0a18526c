// The operators' console in Chromium, against `wrangler dev` (scripts/e2e.mjs): a voter files a
// request on /aide, the local operator logs in with the password of .dev.vars and answers it,
// and the answer reaches the voter's address with its reference; axe finds no WCAG 2.1 A/AA
// violation on any console screen, in French or English.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASE_URL, launch, readCode, screenshot, waitForMessage } from './browser.mjs';
import { checkA11y, describeViolations, submit } from './axe.mjs';
import { parseVars, ROOT } from '../../scripts/local.mjs';

const { OPERATOR_PASSWORD } = parseVars(readFileSync(join(ROOT, '.dev.vars'), 'utf8'));

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

async function click(page, selector) {
  await page.evaluate(() => {
    window.__leaving = true;
  });
  await page.locator(selector).first().click();
  await page.waitForFunction(() => !window.__leaving && document.readyState === 'complete');
}

/** A logged-in console page (its own browser profile, in `lang`). */
async function operatorPage(lang = 'fr') {
  const context = await browser.newContext({ locale: lang === 'fr' ? 'fr-FR' : 'en-GB' });
  const page = await context.newPage();
  await page.goto(`${BASE_URL}/operateur`);
  await page.fill('#password', OPERATOR_PASSWORD);
  await click(page, 'button[type="submit"]');
  return { context, page };
}

test('a voter files a request on /aide; the cell answers it in the console; the answer reaches the voter', async () => {
  const voter = await browser.newContext({ locale: 'fr-FR' });
  const vpage = await voter.newPage();
  await vpage.goto(`${BASE_URL}/aide#contact`);
  await vpage.fill('#name', 'Jeanne Électrice');
  await vpage.fill('#email', 'jeanne.e2e@example.org');
  await vpage.selectOption('#topic', 'sms');
  await vpage.fill('#message', 'Mon SMS n’est jamais arrivé.');
  await vpage.fill('#captcha', await readCode(vpage));
  await submit(vpage);
  const reference = /AS-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(await vpage.textContent('main'))?.[0];
  assert.ok(reference, 'the voter got a reference');
  await voter.close();

  const { context, page } = await operatorPage();
  try {
    await page.goto(`${BASE_URL}/operateur/tickets?statut=open`);
    await click(page, `a[href="/operateur/tickets/${reference}"]`);
    assert.match(await page.textContent('main'), /Mon SMS n’est jamais arrivé\./);
    await page.fill('#answer', 'Nous vous avons renvoyé votre mot de passe par SMS.');
    await click(page, 'button.primary');
    assert.match(await page.textContent('main'), /Réponse envoyée à jeanne\.e2e@example\.org\./);
    await screenshot(page, 'console-ticket-fr');
    const mail = await waitForMessage((m) => m.to === 'jeanne.e2e@example.org' && m.subject?.includes(reference));
    assert.equal(mail.subject, `Réponse de la cellule d’assistance — ${reference}`);
    assert.match(mail.text, /Nous vous avons renvoyé votre mot de passe par SMS\./);
  } finally {
    await context.close();
  }
});

/** Each console screen as an operator reaches it. */
const SCREENS = [
  { name: 'home', path: '/operateur' },
  { name: 'tickets', path: '/operateur/tickets' },
  {
    name: 'ticket',
    path: '/operateur/tickets',
    act: async (page) => {
      const first = page.locator('a[href^="/operateur/tickets/AS-"]');
      if ((await first.count()) > 0) await click(page, 'a[href^="/operateur/tickets/AS-"]');
    },
  },
  { name: 'voter-search', path: '/operateur/electeurs' },
  {
    name: 'voter-file',
    path: '/operateur/electeurs',
    act: async (page) => {
      await page.fill('#numic', '00123456');
      await click(page, 'button.primary');
    },
  },
  { name: 'approvals', path: '/operateur/approbations' },
  { name: 'delivery', path: '/operateur/envois' },
  {
    name: 'audit',
    path: '/operateur/journal',
    act: async (page) => {
      await page.fill('#event', 'operator.');
      await click(page, 'button.primary');
    },
  },
  { name: 'election', path: '/operateur/election' },
];

test('the console login: no axe violation', async () => {
  const context = await browser.newContext({ locale: 'fr-FR' });
  const page = await context.newPage();
  await page.goto(`${BASE_URL}/operateur`);
  const violations = await checkA11y(page);
  assert.deepEqual(violations, [], describeViolations(violations));
  await context.close();
});

for (const lang of ['fr', 'en']) {
  test(`every console screen (${lang}): no axe violation`, async () => {
    const { context, page } = await operatorPage(lang);
    try {
      for (const screen of SCREENS) {
        await page.goto(`${BASE_URL}${screen.path}`);
        if (screen.act) await screen.act(page);
        assert.equal(await page.getAttribute('html', 'lang'), lang, screen.name);
        const violations = await checkA11y(page);
        assert.deepEqual(violations, [], `axe on ${screen.name} (${lang}):\n${describeViolations(violations)}`);
        await screenshot(page, `console-${screen.name}-${lang}`);
      }
    } finally {
      await context.close();
    }
  });
}
