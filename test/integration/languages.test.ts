// Every screen that exists, in French and in English: `?lang=`, then the cookie set by the
// FR/EN switch, then Accept-Language (hono/language); `<html lang>` right; and the static
// accessibility checks of test/a11y-lint.ts on each.
import { beforeEach, describe, expect, it } from 'vitest';
import { lintPage } from '../a11y-lint';
import { DAY, DEMO, harness, seedElection, seedVoter, T0, text, type Harness } from '../helpers';

type Lang = 'fr' | 'en';
type Ask = Record<string, string>;

interface Screen {
  name: string;
  /** Renders the screen with extra request headers (cookie, Accept-Language) and a query suffix. */
  open(h: Harness, headers: Ask, query: string): Promise<Response>;
  expect: Record<Lang, string>;
  status?: number;
}

async function loggedIn(h: Harness): Promise<string> {
  const html = await (await h.get('/')).text();
  const res = await h.post('/login', { identifier: DEMO.identifier, password: DEMO.password, ...(await h.code(html)) });
  return /__Host-isoloir-session=([^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
}

const withCookie = (headers: Ask, cookie: string) => ({
  ...headers,
  cookie: [headers.cookie, cookie].filter(Boolean).join('; '),
});

export const SCREENS: Screen[] = [
  {
    name: 'login',
    open: (h, headers, q) => h.get(`/${q}`, headers),
    expect: { fr: 'Fermeture du vote dans 4 Jour(s)', en: 'Voting closes in 4 day(s)' },
  },
  {
    name: 'login before opening',
    open: (h, headers, q) => {
      h.now = T0 - 3 * DAY;
      return h.get(`/${q}`, headers);
    },
    expect: {
      fr: "Le vote n'est pas encore ouvert. Il ouvrira le mardi 19 avril 2022 11:14 (heure de Paris).",
      en: 'Voting is not open yet. It opens on Tuesday 19 April 2022 11:14 (Paris time).',
    },
  },
  {
    name: 'login after closing',
    open: (h, headers, q) => {
      h.now = T0 + 5 * DAY;
      return h.get(`/${q}`, headers);
    },
    expect: {
      fr: 'Le vote est clos depuis le lundi 25 avril 2022 11:14 (heure de Paris).',
      en: 'Voting closed on Monday 25 April 2022 11:14 (Paris time).',
    },
  },
  {
    name: 'login with errors',
    open: async (h, headers, q) => {
      const html = await (await h.get(`/${q}`, headers)).text();
      const { captchaId } = await h.code(html);
      return h.post(`/login${q}`, { identifier: 'nope', password: '', captchaId, captcha: '12' }, headers);
    },
    expect: { fr: 'Le formulaire contient 3 erreur(s) :', en: 'The form has 3 error(s):' },
    status: 400,
  },
  {
    name: 'login refused',
    open: async (h, headers, q) => {
      const html = await (await h.get(`/${q}`, headers)).text();
      // An unknown identifier each time (same answer as a wrong password), so that the
      // per-account slow-down of repeated failures does not kick in across the test cases.
      const identifier = `ZZZZ-ZZZZ-${Math.floor(Math.random() * 10_000)
        .toString()
        .padStart(4, '2')
        .replace(/[01]/g, '9')}`;
      return h.post(`/login${q}`, { identifier, password: 'wrong', ...(await h.code(html)) }, headers);
    },
    expect: { fr: 'Identifiant ou mot de passe incorrect.', en: 'Wrong identifier or password.' },
    status: 401,
  },
  {
    name: 'voter space',
    open: async (h, headers, q) =>
      h.get(`/espace${q}`, withCookie(headers, `__Host-isoloir-session=${await loggedIn(h)}`)),
    expect: { fr: 'Votre espace électeur', en: 'Your voter space' },
  },
  {
    name: 'logged out',
    open: async (h, headers, q) =>
      h.post(`/deconnexion${q}`, {}, withCookie(headers, `__Host-isoloir-session=${await loggedIn(h)}`)),
    expect: { fr: 'Vous êtes déconnecté(e).', en: 'You are logged out.' },
  },
  {
    name: 'session ended',
    open: (h, headers, q) => h.get(`/espace${q}`, headers),
    expect: { fr: 'Votre session a pris fin.', en: 'Your session has ended.' },
    status: 401,
  },
  {
    name: 'not found',
    open: (h, headers, q) => h.get(`/nulle-part${q}`, headers),
    expect: { fr: "Cette page n'existe pas.", en: 'This page does not exist.' },
    status: 404,
  },
  {
    name: 'cross-site post refused',
    open: (h, headers, q) => h.post(`/login${q}`, { identifier: 'x' }, { ...headers, origin: 'https://evil.example' }),
    expect: { fr: 'Cette demande a été refusée', en: 'This request was refused' },
    status: 403,
  },
  {
    name: 'help',
    open: (h, headers, q) => h.get(`/aide${q}`, headers),
    expect: { fr: "Contacter la cellule d'assistance", en: 'Contact the assistance team' },
  },
  {
    name: 'help form with errors',
    open: async (h, headers, q) => {
      const html = await (await h.get(`/aide${q}`, headers)).text();
      const { captchaId } = await h.code(html);
      return h.post(`/aide${q}`, { name: '', email: 'x', topic: '', message: '', captchaId, captcha: '' }, headers);
    },
    expect: { fr: 'Choisissez un sujet.', en: 'Choose a topic.' },
    status: 400,
  },
  {
    name: 'help request sent',
    open: async (h, headers, q) => {
      const html = await (await h.get(`/aide${q}`, headers)).text();
      const form = { name: 'A B', email: 'a@example.org', topic: 'other', message: 'Bonjour', ...(await h.code(html)) };
      return h.post(`/aide${q}`, form, headers);
    },
    expect: { fr: 'Votre numéro de référence :', en: 'Your reference number:' },
  },
  {
    name: 'identifier renewal request',
    open: (h, headers, q) => h.get(`/identifiant-perdu${q}`, headers),
    expect: { fr: 'Demander un nouvel identifiant', en: 'Renewing your identifier' },
  },
  {
    name: 'identifier renewal request with errors',
    open: async (h, headers, q) => {
      const html = await (await h.get(`/identifiant-perdu${q}`, headers)).text();
      const { captchaId } = await h.code(html);
      return h.post(`/identifiant-perdu${q}`, { numic: '12a', email: '', captchaId, captcha: '' }, headers);
    },
    expect: { fr: 'Le NUMIC comporte 8 chiffres', en: 'The NUMIC has 8 digits' },
    status: 400,
  },
  {
    name: 'password renewal request',
    open: (h, headers, q) => h.get(`/mot-de-passe-perdu${q}`, headers),
    expect: { fr: 'Demander un nouveau mot de passe', en: 'Ask for a new password' },
  },
  {
    name: 'password renewal request with errors',
    open: async (h, headers, q) => {
      const html = await (await h.get(`/mot-de-passe-perdu${q}`, headers)).text();
      const { captchaId } = await h.code(html);
      return h.post(`/mot-de-passe-perdu${q}`, { identifier: '', numic: '', captchaId, captcha: '' }, headers);
    },
    expect: { fr: 'Ce champ est obligatoire.', en: 'This field is required.' },
    status: 400,
  },
  {
    name: 'accessibility statement',
    open: (h, headers, q) => h.get(`/accessibilite${q}`, headers),
    expect: { fr: "Déclaration d'accessibilité", en: 'Accessibility statement' },
  },
  {
    name: 'legal notice',
    open: (h, headers, q) => h.get(`/mentions-legales${q}`, headers),
    expect: { fr: 'Mentions légales et données personnelles', en: 'Legal notice and personal data' },
  },
];

const WAYS: { how: string; lang: Lang; headers: Ask; query: string }[] = [
  { how: 'by default', lang: 'fr', headers: {}, query: '' },
  { how: 'with ?lang=en', lang: 'en', headers: {}, query: '?lang=en' },
  { how: 'with the lang cookie', lang: 'en', headers: { cookie: 'lang=en' }, query: '' },
  { how: 'with Accept-Language', lang: 'en', headers: { 'accept-language': 'en-GB,en;q=0.9,fr;q=0.5' }, query: '' },
  { how: 'with ?lang=fr over an English browser', lang: 'fr', headers: { 'accept-language': 'en' }, query: '?lang=fr' },
  {
    how: 'with the cookie over an English browser',
    lang: 'fr',
    headers: { 'accept-language': 'en', cookie: 'lang=fr' },
    query: '',
  },
];

describe('every screen in both languages', () => {
  beforeEach(async () => {
    await seedElection();
    await seedVoter();
  });

  for (const screen of SCREENS) {
    for (const way of WAYS) {
      it(`${screen.name} — ${way.how}`, async () => {
        const h = harness();
        const res = await screen.open(h, way.headers, way.query);
        expect(res.status).toBe(screen.status ?? 200);
        const html = await res.text();
        expect(text(html)).toContain(screen.expect[way.lang]);
        expect(text(html)).not.toContain(screen.expect[way.lang === 'fr' ? 'en' : 'fr']);
        expect(lintPage(html, { lang: way.lang })).toEqual([]);
      });
    }
  }
});

describe('language choice', () => {
  beforeEach(async () => {
    await seedElection();
    await seedVoter();
  });

  it('the switch keeps the page and remembers the choice in a cookie', async () => {
    const h = harness();
    const html = await (await h.get('/aide')).text();
    expect(html).toMatch(/<a href="\/aide\?lang=en" lang="en" hreflang="en"[^>]*>English<\/a>/);
    const res = await h.get('/aide?lang=en');
    expect(res.headers.get('set-cookie')).toMatch(/^lang=en;.*Path=\//i);
    expect(await res.text()).toMatch(/<a href="\/aide\?lang=fr" lang="fr" hreflang="fr"[^>]*>Français<\/a>/);
  });

  it('an unknown language falls back to French', async () => {
    const h = harness();
    const res = await h.get('/?lang=de');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<html lang="fr">');
  });

  it('hands the browser script its translated texts and the server clock', async () => {
    const h = harness();
    const en = await (await h.get('/?lang=en')).text();
    expect(en).toContain(`data-now="${T0}"`);
    expect(en).toContain(`data-closes-at="${T0 + 4 * DAY}"`);
    expect(en).toContain('data-local="in your time zone ({zone}):"');
    expect(en).toContain('data-days="{n} day(s)"');
    expect(en).toContain('data-hours="{n} hour(s)"');
    expect(en).toContain('data-minutes="{n} minute(s)"');
    expect(en).toContain('data-closed="Voting closed on Monday 25 April 2022 11:14 (Paris time)."');
    expect(en).toContain('<time datetime="2022-04-25T09:14:00.000Z"');
    const fr = await (await h.get('/')).text();
    expect(fr).toContain('data-local="dans votre fuseau horaire ({zone}) :"');
    expect(fr).toContain('<script type="module" src="/js/app.js"');
  });

  it('speaks of Paris time on every date, with the zone named', async () => {
    const h = harness();
    expect(text(await (await h.get('/?lang=en')).text())).toContain('Closing Monday 25 April 2022 11:14 (Paris time)');
    expect(text(await (await h.get('/')).text())).toContain('Fermeture lundi 25 avril 2022 11:14 (heure de Paris)');
  });
});
