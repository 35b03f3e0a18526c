/**
 * Accessibility checks in Chromium with axe-core, and the list of screens to check. Shared by
 * test/e2e/a11y.test.mjs; later flows add their screens to SCREENS (each screen is reached by
 * a path and, when needed, a few actions from it).
 *
 * axe is injected through the DevTools protocol (page.evaluate), not a <script> tag: the
 * portal's CSP forbids inline scripts, and it must stay on while we test.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** WCAG 2.0 and 2.1, levels A and AA: what RGAA 4 maps to. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/**
 * Runs axe-core on the page as it is now and returns its violations, in a short readable
 * form: `{ id, impact, help, nodes: [css selector, …] }`. An empty array means none.
 */
export async function checkA11y(page, { tags = AXE_TAGS } = {}) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(
    (values) => window.axe.run(document, { runOnly: { type: 'tag', values }, resultTypes: ['violations'] }),
    tags,
  );
  return result.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    nodes: v.nodes.map((n) => n.target.join(' ')),
  }));
}

/** One line per violation, for an assertion message. */
export function describeViolations(violations) {
  return violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.join(', ')}`).join('\n');
}

/**
 * Clicks the form's main button and waits for the next document to be fully loaded. The
 * answer to a post often has the same URL, and waitForLoadState() would be satisfied by the
 * page being left: the old document is marked, and the wait is for a document without it.
 */
export async function submit(page, button = page.locator('button[value="submit"]')) {
  await page.evaluate(() => {
    window.__leaving = true;
  });
  await button.click();
  await page.waitForFunction(() => !window.__leaving && document.readyState === 'complete');
}

/**
 * Every screen, as a voter reaches it. `path` is opened first; `act(page, tools)` then does
 * what the voter does to get there (tools: { readCode }). The language comes from the
 * browser context (Accept-Language), as for a real English browser.
 */
export const SCREENS = [
  { name: 'login', path: '/' },
  { name: 'verifier', path: '/verifier' },
  {
    name: 'login-errors',
    path: '/',
    act: async (page) => {
      await submit(page);
      await page.locator('#error-summary').waitFor();
    },
  },
  {
    name: 'login-refused',
    path: '/',
    act: async (page, { readCode }) => {
      // An unknown identifier: the same answer as a wrong password, without slowing the demo voter down.
      await page.locator('#identifier').fill('ZZZZ-ZZZZ-ZZZZ');
      await page.locator('#password').fill('not-the-password');
      await page.locator('#captcha').fill(await readCode(page));
      await submit(page);
      await page.locator('#error-summary').waitFor();
    },
  },
  {
    name: 'voter-space',
    path: '/',
    act: async (page, { readCode }) => {
      await page.locator('#identifier').fill('ABCD-EFGH-JKMN');
      await page.locator('#password').fill('Vote-2022-Demo');
      await page.locator('#captcha').fill(await readCode(page));
      await Promise.all([page.waitForURL('**/espace'), page.locator('button[value="submit"]').click()]);
    },
  },
  {
    name: 'logged-out',
    path: '/',
    act: async (page, tools) => {
      await SCREENS.find((s) => s.name === 'voter-space').act(page, tools);
      await submit(page, page.locator('form[action="/deconnexion"] button'));
      await page.locator('.notice').waitFor();
    },
  },
  { name: 'not-found', path: '/nulle-part' },
  { name: 'help', path: '/aide' },
  {
    name: 'help-errors',
    path: '/aide',
    act: async (page) => {
      await submit(page);
      await page.locator('#error-summary').waitFor();
    },
  },
  {
    name: 'help-sent',
    path: '/aide',
    act: async (page, { readCode }) => {
      await page.locator('#name').fill('Camille Martin');
      await page.locator('#email').fill('camille@example.org');
      await page.locator('#topic').selectOption('sms');
      await page.locator('#message').fill('Je ne reçois pas le SMS.');
      await page.locator('#captcha').fill(await readCode(page));
      await submit(page);
      await page.locator('.reference').waitFor();
    },
  },
  // The renewal request forms (Écran 2 and the password's), blank and with errors; the
  // screens after them change a voter's credentials and are walked in a11y.test.mjs.
  { name: 'identifier-request', path: '/identifiant-perdu' },
  {
    name: 'identifier-request-errors',
    path: '/identifiant-perdu',
    act: async (page) => {
      await page.locator('#numic').fill('12a');
      await submit(page);
      await page.locator('#error-summary').waitFor();
    },
  },
  { name: 'password-request', path: '/mot-de-passe-perdu' },
  {
    name: 'password-request-errors',
    path: '/mot-de-passe-perdu',
    act: async (page) => {
      await submit(page);
      await page.locator('#error-summary').waitFor();
    },
  },
  { name: 'accessibility', path: '/accessibilite' },
  { name: 'legal', path: '/mentions-legales' },
];
