import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { decodePng } from '../attacks/png';
import { LOGIN_RESERVATION_MS } from '../../src/platform/guard/throttle';
import { countingServices } from '../counting';
import { DAY, DEMO, ORIGIN, T0, harness, seedElection, seedVoter, text, type Harness } from '../helpers';

async function loginForm(h: Harness, fields: { identifier?: string; password?: string }, lang = '') {
  const html = await (await h.get(`/${lang}`)).text();
  return h.post('/login', {
    identifier: fields.identifier ?? DEMO.identifier,
    password: fields.password ?? DEMO.password,
    ...(await h.code(html)),
  });
}

/** The error a voter reads on the page (summary and field errors). */
async function errorsOf(res: Response) {
  const html = await res.text();
  return [...html.matchAll(/<p class="error"[^>]*>([^<]*)<|<a href="#[^"]*">([^<]*)<\/a><\/li>/g)].map((m) =>
    text(m[1] ?? m[2]!),
  );
}

describe('Écran 1 — login screen', () => {
  beforeEach(async () => {
    await seedElection();
    await seedVoter();
  });

  it('shows every text of the source document, in Paris time with the zone named', async () => {
    const h = harness();
    const res = await h.get('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<html lang="fr">');
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
    expect(html).toContain('name="captcha"');
    expect(html).toMatch(/<input type="hidden" name="captchaId" value="[A-Za-z0-9_-]+"/);
  });

  it('counts down in hours then minutes on the last day', async () => {
    const h = harness(T0 + 4 * DAY - 5 * 3_600_000 + 1);
    expect(text(await (await h.get('/')).text())).toContain('Fermeture du vote dans 5 heure(s)');
    h.now = T0 + 4 * DAY - 20 * 60_000;
    expect(text(await (await h.get('/')).text())).toContain('Fermeture du vote dans 20 minute(s)');
  });

  it('keeps the digits of the code out of the markup and the picture', async () => {
    const h = harness();
    const html = await (await h.get('/')).text();
    const { captchaId, captcha } = await h.code(html);
    expect(text(html)).not.toContain(captcha);
    const res = await h.get(`/captcha/${captchaId}.png`);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = new Uint8Array(await res.arrayBuffer());
    // Pixels and their size only: no text, time or other chunk that could carry anything.
    const picture = await decodePng(png);
    expect(picture.chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
    expect([picture.width, picture.height]).toEqual([240, 90]);
    expect(new TextDecoder('latin1').decode(png)).not.toContain(captcha);
    // Drawn from the challenge itself: the same picture on every load.
    expect(new Uint8Array(await (await h.get(`/captcha/${captchaId}.png`)).arrayBuffer())).toEqual(png);
  });

  it('logs the demo voter in with any case and separators, and shows the voter space', async () => {
    const h = harness();
    const res = await loginForm(h, { identifier: ' abcd efgh-jkmn ' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/espace');
    const cookie = res.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^__Host-isoloir-session=[A-Za-z0-9_-]{43}; Path=\//);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const space = await h.get('/espace', { cookie: cookie.split(';')[0]! });
    expect(space.status).toBe(200);
    const page = text(await space.text());
    expect(page).toContain('Votre espace électeur');
    expect(page).toContain('Élection : Elections législatives 2022');
    expect(page).toContain('Se déconnecter');
  });

  it('refuses a wrong password and an unknown identifier with one identical message', async () => {
    const h = harness();
    const wrong = await loginForm(h, { password: 'not-the-password' });
    const unknown = await loginForm(h, { identifier: 'ZZZZ-ZZZZ-ZZZZ' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const a = await errorsOf(wrong);
    expect(a).toContain('Identifiant ou mot de passe incorrect.');
    expect(await errorsOf(unknown)).toEqual(a);
    // One PBKDF2 each: the unknown identifier pays the same dummy hash.
    expect(h.counts.verify).toBe(2);
  });

  it('computes no password hash without a valid code', async () => {
    const h = harness();
    const html = await (await h.get('/')).text();
    const { captchaId, captcha } = await h.code(html);
    const wrongDigits = String((Number(captcha) + 1) % 10000).padStart(4, '0');
    const res = await h.post('/login', {
      identifier: DEMO.identifier,
      password: DEMO.password,
      captchaId,
      captcha: wrongDigits,
    });
    expect(res.status).toBe(400);
    expect(await errorsOf(res)).toContain('Le code de sécurité est incorrect. Un nouveau code est affiché.');
    const forged = await h.post('/login', {
      identifier: DEMO.identifier,
      password: DEMO.password,
      captchaId: 'AAAA',
      captcha: '1234',
    });
    expect(forged.status).toBe(400);
    expect(h.counts.verify).toBe(0);
  });

  it('refuses a replayed code, also under concurrent replays', async () => {
    const h = harness();
    const html = await (await h.get('/')).text();
    const code = await h.code(html);
    const form = { identifier: DEMO.identifier, password: 'wrong', ...code };
    const results = await Promise.all(Array.from({ length: 20 }, () => h.post('/login', form)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(19);
    const again = await h.post('/login', { ...form, password: DEMO.password });
    expect(await errorsOf(again)).toContain('Ce code de sécurité a déjà été utilisé. Un nouveau code est affiché.');
    expect(h.counts.verify).toBe(1);
  });

  it('refuses an expired code', async () => {
    const h = harness();
    const html = await (await h.get('/')).text();
    const code = await h.code(html);
    h.now += 11 * 60_000;
    const res = await h.post('/login', { identifier: DEMO.identifier, password: DEMO.password, ...code });
    expect(await errorsOf(res)).toContain('Le code de sécurité a expiré. Un nouveau code est affiché.');
  });

  it('slows down after five failures and recovers after the wait', async () => {
    const h = harness();
    for (let i = 0; i < 5; i++) expect((await loginForm(h, { password: `wrong-${i}` })).status).toBe(401);
    const slowed = await loginForm(h, {});
    expect(slowed.status).toBe(429);
    expect(text(await slowed.text())).toContain('Vous pourrez réessayer dans 2 seconde(s)');
    expect(h.counts.verify).toBe(5);
    h.now += 2_000;
    expect((await loginForm(h, {})).status).toBe(303);
    // The success cleared the failures: five more are free again.
    for (let i = 0; i < 5; i++) expect((await loginForm(h, { password: `again-${i}` })).status).toBe(401);
  });

  it('records nothing after a success with no failure to clear: its reservation lapses within 10 s', async () => {
    const work = countingServices();
    const h = harness(T0, env, work.decorate);
    const html = await (await h.get('/')).text();
    const code = await h.code(html);
    work.log.reset();
    const ok = await h.post('/login', { identifier: DEMO.identifier, password: DEMO.password, ...code });
    expect(ok.status).toBe(303);
    // The address's allowance and the account's check (the code's nonce is the captcha's own
    // call): no record after it.
    expect(work.log.calls.filter((c) => c.startsWith('guard.'))).toEqual(['guard.hit', 'guard.loginCheck']);
    // Meanwhile the success counts as one of the network's five free failures…
    for (let i = 0; i < 4; i++) expect((await loginForm(h, { password: `wrong-${i}` })).status).toBe(401);
    expect((await loginForm(h, { password: 'wrong-4' })).status).toBe(429);
    // …and once LOGIN_RESERVATION_MS has passed it counts no more.
    h.now += LOGIN_RESERVATION_MS;
    expect((await loginForm(h, { password: 'wrong-4' })).status).toBe(401);
    expect(h.counts.verify).toBe(6);
  });

  it('throttles unknown identifiers the same way', async () => {
    const h = harness();
    for (let i = 0; i < 5; i++) expect((await loginForm(h, { identifier: 'ZZZZ-ZZZZ-ZZZ1' })).status).toBe(401);
    expect((await loginForm(h, { identifier: 'ZZZZ-ZZZZ-ZZZ1' })).status).toBe(429);
  });

  it('keeps what the voter typed on a bad form, never the password', async () => {
    const h = harness();
    const html = await (await h.get('/')).text();
    const code = await h.code(html);
    const res = await h.post('/login', { identifier: 'ABC', password: 'secret-typed', ...code, captcha: '12' });
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(body).toContain('value="ABC"');
    expect(body).not.toContain('secret-typed');
    const errors = await errorsOf(new Response(body));
    expect(errors).toContain("L'identifiant comporte 12 caractères (lettres et chiffres), par exemple ABCD-EFGH-JKMN.");
    expect(errors).toContain('Saisissez exactement 4 chiffres.');
    expect(body).toContain('aria-describedby="identifier-error"');
  });

  it('gives a new code without losing what was typed', async () => {
    const h = harness();
    const html = await (await h.get('/')).text();
    const code = await h.code(html);
    const res = await h.post('/login', {
      identifier: 'ABCD-EFGH',
      password: 'x',
      captcha: '',
      captchaId: code.captchaId,
      intent: 'refresh',
    });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).toContain('value="ABCD-EFGH"');
    expect((await h.code(body)).captchaId).not.toBe(code.captchaId);
  });
});

describe('the election window', () => {
  beforeEach(() => seedVoter());

  it('says the vote is not open yet, and refuses login', async () => {
    await seedElection(T0 + DAY, T0 + 5 * DAY);
    const h = harness();
    const page = text(await (await h.get('/')).text());
    expect(page).toContain(
      "Le vote n'est pas encore ouvert. Il ouvrira le vendredi 22 avril 2022 11:14 (heure de Paris).",
    );
    expect(page).not.toContain('Saisissez les 4 chiffres');
    const res = await h.post('/login', {
      identifier: DEMO.identifier,
      password: DEMO.password,
      captcha: '0000',
      captchaId: 'AAAA',
    });
    expect(res.status).toBe(400);
    expect(h.counts.verify).toBe(0);
  });

  it('says the vote is closed, and ends open sessions at closing', async () => {
    await seedElection();
    const h = harness();
    const res = await loginForm(h, {});
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    h.now = T0 + 4 * DAY;
    const space = await h.get('/espace', { cookie });
    expect(space.status).toBe(401);
    const page = text(await space.text());
    expect(page).toContain('Le vote est clos depuis le lundi 25 avril 2022 11:14 (heure de Paris).');
    expect(page).toContain('Votre session a pris fin.');
  });
});

describe('sessions', () => {
  beforeEach(async () => {
    await seedElection();
    await seedVoter();
  });

  it('logout ends the session', async () => {
    const h = harness();
    const cookie = (await loginForm(h, {})).headers.get('set-cookie')!.split(';')[0]!;
    const out = await h.post('/deconnexion', {}, { cookie });
    expect(text(await out.text())).toContain('Vous êtes déconnecté(e).');
    expect((await h.get('/espace', { cookie })).status).toBe(401);
  });

  it('a bumped session generation ends every session of the voter', async () => {
    const h = harness();
    const cookie = (await loginForm(h, {})).headers.get('set-cookie')!.split(';')[0]!;
    expect((await h.get('/espace', { cookie })).status).toBe(200);
    await env.DB.prepare('UPDATE voters SET session_generation = session_generation + 1 WHERE numic = ?')
      .bind(DEMO.numic)
      .run();
    expect((await h.get('/espace', { cookie })).status).toBe(401);
  });
});

describe('platform hygiene', () => {
  beforeEach(() => seedElection());

  it('refuses cross-site form posts with 403, with or without a content type', async () => {
    const h = harness();
    const foreign = await h.post('/login', { identifier: 'x' }, { origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(text(await foreign.text())).toContain('elle ne vient pas du portail de vote');
    const bare = await h.fetch('/login', {
      method: 'POST',
      headers: { origin: 'https://evil.example' },
      body: 'identifier=x',
    });
    expect(bare.status).toBe(403);
  });

  it('remembers a language the voter chose, and only that', async () => {
    const h = harness();
    const detected = await h.get('/', { 'accept-language': 'en-US,en;q=0.9' });
    expect(await detected.text()).toContain('<html lang="en">');
    expect(detected.headers.get('set-cookie') ?? '').not.toContain('lang=');
    const chosen = await h.get('/?lang=en');
    expect(chosen.headers.get('set-cookie')).toMatch(/^lang=en;.*HttpOnly.*Secure/);
    const kept = await h.get('/', { cookie: 'lang=en', 'accept-language': 'fr-FR' });
    expect(await kept.text()).toContain('<html lang="en">');
    expect(kept.headers.get('set-cookie') ?? '').not.toContain('lang=');
  });

  it('sends the security headers', async () => {
    const res = await harness().get('/');
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('referrer-policy')).toBe('same-origin');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('never answers a bad request with a 5xx', async () => {
    const h = harness();
    const big = await h.post('/login', { identifier: 'x'.repeat(40_000) });
    expect(big.status).toBe(413);
    expect(text(await big.text())).toContain('La demande est trop volumineuse.');
    const json = await h.fetch('/login', {
      method: 'POST',
      headers: { origin: ORIGIN, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBeLessThan(500);
    const empty = await h.post('/login', {});
    expect(empty.status).toBe(400);
    expect(text(await empty.text())).toContain('Ce champ est obligatoire.');
    const missing = await h.get('/nulle-part');
    expect(missing.status).toBe(404);
    expect(text(await missing.text())).toContain("Cette page n'existe pas.");
  });

  it('hides the development tools without DEV_TOOLS or for a non-loopback host', async () => {
    const h = harness();
    expect((await h.get('/_dev/outbox')).status).toBe(200);
    const app = createApp({ clock: () => T0 });
    expect((await app.request('https://vote.example.org/_dev/outbox', {}, env)).status).toBe(404);
    expect((await app.request('http://127.0.0.1.evil.example/_dev/outbox', {}, env)).status).toBe(404);
    expect((await app.request(`${ORIGIN}/_dev/outbox`, {}, { ...env, DEV_TOOLS: undefined })).status).toBe(404);
    expect((await app.request(`${ORIGIN}/_dev/captcha/abc`, {}, { ...env, DEV_TOOLS: '0' })).status).toBe(404);
  });

  it('answers a clear 503 page when a binding fails, and says the request was not taken', async () => {
    await seedVoter();
    const h = harness();
    const html = await (await h.get('/')).text();
    const code = await h.code(html);
    const brokenKv = {
      ...env.TOKENS,
      put: () => Promise.reject(new Error('KV unavailable')),
    } as unknown as KVNamespace;
    const app = createApp({ clock: () => h.now });
    const res = await app.request(
      `${ORIGIN}/login`,
      {
        method: 'POST',
        headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ identifier: DEMO.identifier, password: DEMO.password, ...code }).toString(),
      },
      { ...env, TOKENS: brokenKv },
    );
    expect(res.status).toBe(503);
    expect(text(await res.text())).toContain('Votre demande n’a pas été prise en compte');
    const brokenDb = {
      prepare: () => {
        throw new Error('D1 unavailable');
      },
      withSession: () => {
        throw new Error('D1 unavailable');
      },
    };
    const page = await createApp({ clock: () => h.now + 3_600_000 }).request(
      `${ORIGIN}/`,
      {},
      { ...env, DB: brokenDb as unknown as D1Database },
    );
    expect(page.status).toBe(503);
    expect(text(await page.text())).toContain('Le service est momentanément indisponible.');
  });

  it('refuses to serve without its secrets', async () => {
    const app = createApp({ clock: () => T0 });
    const res = await app.request(`${ORIGIN}/`, {}, { ...env, CAPTCHA_KEY: '' });
    expect(res.status).toBe(500);
    expect(text(await res.text())).toContain('Le portail n’est pas correctement configuré.');
  });
});
