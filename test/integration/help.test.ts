// "AIDE ?" (/aide): the FAQ and the contact form to the assistance cell; the accessibility
// statement and the legal notice.
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { ASSISTANCE_LIMIT } from '../../src/features/help/service';
import { hmacHex } from '../../src/platform/crypto';
import { harness, seedElection, text, type Harness } from '../helpers';

const REFERENCE = /AS-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/;

const LETTER = {
  name: 'Camille Martin',
  email: 'camille@example.org',
  numic: '123456',
  topic: 'sms',
  message: "Je n'ai pas reçu le SMS avec mon mot de passe. J'habite à Montréal.",
};

async function rows() {
  return (await env.DB.prepare('SELECT * FROM assistance_requests ORDER BY id').all<Record<string, unknown>>()).results;
}

async function send(h: Harness, form: Record<string, string>, headers: Record<string, string> = {}) {
  const html = await (await h.get('/aide', headers)).text();
  return h.post('/aide', { ...form, ...(await h.code(html)) }, headers);
}

describe('help page', () => {
  beforeEach(async () => {
    await seedElection();
    await env.DB.prepare('DELETE FROM assistance_requests').run();
  });

  it('answers the problems voters really meet', async () => {
    const h = harness();
    const res = await h.get('/aide');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const page = text(await res.text());
    for (const s of [
      'Aide et assistance',
      "Je n'ai pas reçu le courriel",
      'merci de consulter le dossier des « courriels indésirables (spam) »',
      "Je n'ai pas reçu le SMS avec mon mot de passe",
      'Je ne connais pas mon NUMIC',
      "Il vous a été rappelé dans le courriel de convocation à l'élection",
      'Je confonds mon identifiant et mon mot de passe',
      'Comment renouveler mon identifiant ou mon mot de passe ?',
      'pendant 60 minutes',
      "Pour des raisons de sécurité, il n'est pas possible de renouveler à la fois son identifiant et son mot de passe.",
      'ne peut pas être achevé avant 24 heures',
      'Je ne parviens pas à lire le code de sécurité',
      "Contacter la cellule d'assistance",
    ]) {
      expect(page).toContain(s);
    }
  });

  it('has a labelled, accessible contact form with the right autocomplete hints', async () => {
    const h = harness();
    const html = await (await h.get('/aide')).text();
    expect(html).toContain('action="/aide#contact"');
    expect(html).toMatch(/<label for="name">Nom et prénom\*<\/label>/);
    expect(html).toMatch(/<input id="name"[^>]*autocomplete="name"/);
    expect(html).toMatch(/<input id="email"[^>]*type="email"[^>]*required[^>]*autocomplete="email"/);
    expect(html).toMatch(/<input id="numic"[^>]*aria-describedby="numic-hint"/);
    expect(html).not.toMatch(/<input id="numic"[^>]*required/);
    expect(html).toMatch(/<select id="topic" name="topic" required/);
    expect(html).toMatch(/<textarea id="message" name="message"[^>]*required/);
    expect(html).toMatch(/<input id="captcha"[^>]*autocomplete="off"/);
    expect(html).not.toMatch(/onpaste|oncopy/i);
  });

  it('preselects the topic a link asks for', async () => {
    const h = harness();
    const html = await (await h.get('/aide?topic=accessibility')).text();
    expect(html).toMatch(/<option value="accessibility" selected/);
    expect(await (await h.get('/aide?topic=<script>')).text()).not.toContain('<script>');
  });

  it('stores the request and gives the voter a reference number', async () => {
    const h = harness();
    const res = await send(h, LETTER);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const page = text(await res.text());
    expect(page).toContain("Votre demande a bien été transmise à la cellule d'assistance.");
    const reference = REFERENCE.exec(page)?.[0];
    expect(reference).toBeDefined();
    expect(page).toContain('La réponse vous sera envoyée à camille@example.org.');

    const stored = await rows();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({
      reference,
      name: LETTER.name,
      email: LETTER.email,
      topic: 'sms',
      message: LETTER.message,
      language: 'fr',
      created_at: h.now,
    });
    // SPEC.md: outside the voters table, a NUMIC is only ever stored as its HMAC.
    expect(stored[0]!.numic).toBe(await hmacHex(env.NUMIC_HMAC_KEY, '00123456'));
    expect(JSON.stringify(stored[0])).not.toContain('123456"');
  });

  it('accepts a request without NUMIC, in English', async () => {
    const h = harness();
    const res = await send(h, { ...LETTER, numic: '' }, { 'accept-language': 'en' });
    const page = text(await res.text());
    expect(page).toContain('Your request has been passed on to the assistance team.');
    expect(page).toMatch(REFERENCE);
    expect(await rows()).toMatchObject([{ numic: null, language: 'en' }]);
  });

  it('gives every request its own reference', async () => {
    const h = harness();
    const refs = new Set<string>();
    for (let i = 0; i < 3; i++) refs.add(REFERENCE.exec(text(await (await send(h, LETTER)).text()))![0]);
    expect(refs.size).toBe(3);
  });

  it('re-renders an incomplete form with every error tied to its field, nothing lost', async () => {
    const h = harness();
    const html = await (await h.get('/aide')).text();
    const long = 'Bonjour, '.repeat(200).trim(); // 1 800 characters
    const res = await h.post('/aide', {
      name: '',
      email: 'camille@',
      numic: '12a',
      topic: '',
      message: long,
      ...(await h.code(html)),
    });
    expect(res.status).toBe(400);
    const body = await res.text();
    const page = text(body);
    expect(page).toContain('Le formulaire contient 4 erreur(s) :');
    expect(page).toContain('Ce champ est obligatoire.');
    expect(page).toContain('Saisissez une adresse électronique valide, par exemple nom@example.org.');
    expect(page).toContain('Le NUMIC comporte au plus 8 chiffres.');
    expect(page).toContain('Choisissez un sujet.');
    expect(body).toMatch(/<div class="error-summary" role="alert" tabindex="-1" id="error-summary">/);
    expect(body).toContain('href="#email"');
    expect(body).toMatch(
      /<input id="email"[^>]*value="camille@"[^>]*aria-invalid="true"[^>]*aria-describedby="email-hint email-error"/,
    );
    expect(body).toMatch(/<input id="name"[^>]*aria-invalid="true"[^>]*aria-describedby="name-error"/);
    expect(body).toMatch(/<select id="topic"[^>]*aria-invalid="true"[^>]*aria-describedby="topic-error"/);
    expect(body).toContain(`>${long}</textarea>`);
    expect(body).toMatch(/<input id="numic"[^>]*value="12a"/);
    expect(await rows()).toHaveLength(0);
  });

  it('refuses a wrong code with its own message, keeping the letter', async () => {
    const h = harness();
    const html = await (await h.get('/aide')).text();
    const { captchaId, captcha } = await h.code(html);
    const wrong = captcha === '0000' ? '1111' : '0000';
    const res = await h.post('/aide', { ...LETTER, captchaId, captcha: wrong });
    expect(res.status).toBe(400);
    const body = await res.text();
    expect(text(body)).toContain('Le code de sécurité est incorrect. Un nouveau code est affiché.');
    expect(body).toContain(`value="${LETTER.name}"`);
    expect(body).toContain('Je n&#39;ai pas reçu le SMS');
    expect(body).toMatch(/<option value="sms" selected/);
    expect(body).not.toContain(`value="${captchaId}"`);
    expect(await rows()).toHaveLength(0);
  });

  it('refuses a replayed code', async () => {
    const h = harness();
    const html = await (await h.get('/aide')).text();
    const code = await h.code(html);
    expect((await h.post('/aide', { ...LETTER, ...code })).status).toBe(200);
    const again = await h.post('/aide', { ...LETTER, ...code });
    expect(again.status).toBe(400);
    expect(text(await again.text())).toContain('Ce code de sécurité a déjà été utilisé.');
    expect(await rows()).toHaveLength(1);
  });

  it('"New code" gives a fresh code and keeps what was typed', async () => {
    const h = harness();
    const html = await (await h.get('/aide')).text();
    const { captchaId } = await h.code(html);
    const res = await h.post('/aide', { ...LETTER, captchaId, captcha: '', intent: 'refresh' });
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(body).not.toContain('error-summary');
    expect(body).toContain(`value="${LETTER.email}"`);
    expect((await h.code(body)).captchaId).not.toBe(captchaId);
  });

  it('limits requests per network without a permanent lock', async () => {
    const h = harness();
    const headers = { 'cf-connecting-ip': '203.0.113.9' };
    for (let i = 0; i < ASSISTANCE_LIMIT; i++) expect((await send(h, LETTER, headers)).status).toBe(200);
    const refused = await send(h, LETTER, headers);
    expect(refused.status).toBe(429);
    expect(text(await refused.text())).toMatch(
      /Trop de demandes ont été envoyées depuis votre réseau\. Vous pourrez en envoyer une nouvelle dans \d+ minute\(s\)\./,
    );
    expect((await send(h, LETTER, { 'cf-connecting-ip': '203.0.113.10' })).status).toBe(200);
    h.now += 11 * 60_000;
    expect((await send(h, LETTER, headers)).status).toBe(200);
  });

  it('works even when no election is loaded: help must always be reachable', async () => {
    await env.DB.prepare('DELETE FROM elections').run();
    const { forgetElection } = await import('../../src/platform/election');
    forgetElection();
    const h = harness();
    for (const path of ['/aide', '/accessibilite', '/mentions-legales'])
      expect((await h.get(path)).status, path).toBe(200);
  });

  it('refuses a cross-site post', async () => {
    const h = harness();
    const res = await h.post('/aide', LETTER, { origin: 'https://evil.example' });
    expect(res.status).toBe(403);
  });
});

describe('accessibility statement', () => {
  beforeEach(() => seedElection());

  it('gives the RGAA status, the known gaps, the way to help and the recourse', async () => {
    const h = harness();
    const page = text(await (await h.get('/accessibilite')).text());
    for (const s of [
      "Déclaration d'accessibilité",
      'article 47 de la loi n° 2005-102 du 11 février 2005',
      'État de conformité',
      "non conforme au référentiel général d'amélioration de l'accessibilité (RGAA), version 4.1",
      'Contenus non accessibles',
      'La version audio du code de sécurité',
      "contactez la cellule d'assistance",
      'Voies de recours',
      'Défenseur des droits',
      'Libre réponse 71120, 75342 Paris CEDEX 07',
    ]) {
      expect(page).toContain(s);
    }
    const html = await (await h.get('/accessibilite')).text();
    expect(html).toContain('href="/aide?topic=accessibility#contact"');
    expect(html).toContain('href="https://formulaire.defenseurdesdroits.fr/"');
  });

  it('exists in English', async () => {
    const h = harness();
    const page = text(await (await h.get('/accessibilite?lang=en')).text());
    expect(page).toContain('Accessibility statement');
    expect(page).toContain('Compliance status');
    expect(page).toContain('Means of redress');
  });
});

describe('legal notice and personal data', () => {
  beforeEach(() => seedElection());

  it('says who runs the portal, what data it keeps, why, for how long, and the rights', async () => {
    const h = harness();
    const page = text(await (await h.get('/mentions-legales')).text());
    for (const s of [
      'Mentions légales et données personnelles',
      'Éditeur',
      'Hébergement',
      'Le responsable du traitement est',
      'RGPD',
      'votre NUMIC, votre adresse électronique, votre numéro de téléphone portable',
      'jamais la valeur en clair',
      "jusqu'à l'expiration des délais de recours contre l'élection",
      'au plus 30 minutes',
      'au bout de 60 minutes',
      'au bout de 10 minutes',
      "droit d'accès, de rectification, de limitation et d'opposition",
      'CNIL',
    ]) {
      expect(page).toContain(s);
    }
  });

  it('exists in English', async () => {
    const h = harness();
    const page = text(await (await h.get('/mentions-legales', { cookie: 'lang=en' })).text());
    expect(page).toContain('Legal notice and personal data');
    expect(page).toContain('Your rights');
    expect(page).toContain('GDPR');
  });
});
