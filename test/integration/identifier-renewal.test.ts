import { env, listDurableObjectIds } from 'cloudflare:test';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { issueChallenge } from '../../src/platform/captcha/challenge';
import { hmacHex, sha256Hex } from '../../src/platform/crypto';
import { recordRenewal, renewedAt, voterObject } from '../access-state';
import { countingServices, expectSameWork } from '../counting';
import { DAY, DEMO, T0, harness, seedElection, seedVoter, text, type Harness } from '../helpers';
import { capturedQueues, linkIn, outbox, pathOf, withoutCode } from '../renewal-helpers';

const HOUR = 3_600_000;

/**
 * Tests start at the real time rather than the fixed T0 of 2022, and move the injected clock
 * forward for expiry. (AccessState's alarm bridges the two clocks by durations, so either
 * would do: test/durable/access-state.test.ts.)
 */
let START = 0;

async function seedAll() {
  START = Math.floor(Date.now() / 60_000) * 60_000;
  await seedElection(START - 2 * DAY, START + 4 * DAY);
  await seedVoter();
  await seedVoter({ ...SECOND, language: 'en' });
}
const SECOND = {
  numic: '00654321',
  email: 'second@example.org',
  phone: '+33600000002',
  identifier: 'PQRS-TVWX-YZ23',
  password: 'Vote-2022-Bis',
};

/** Écran 2 filled in and sent (a fresh code each time). */
async function ask(h: Harness, numic = DEMO.numic, email = DEMO.email, headers: Record<string, string> = {}) {
  const form = await (await h.get('/identifiant-perdu')).text();
  return h.post('/identifiant-perdu', { numic, email, ...(await h.code(form)) }, headers);
}

/** Écran 5 filled in and sent from the link's page. */
async function validate(h: Harness, path: string, password = DEMO.password) {
  const page = await (await h.get(path)).text();
  const ref = /name="ref" value="([^"]+)"/.exec(page)?.[1];
  const token = /name="token" value="([^"]+)"/.exec(page)?.[1];
  if (!ref || !token) throw new Error(`no link form in: ${text(page)}`);
  return h.post('/r', { ref, token, password, ...(await h.code(page)) });
}

/** A security code issued at the harness's current time (as a page would carry it). */
async function freshCode(h: Harness) {
  const { id, challenge } = await issueChallenge(env.CAPTCHA_KEY, h.now, 'fr');
  return { captchaId: id, captcha: challenge.digits };
}

async function login(h: Harness, identifier: string, password = DEMO.password) {
  const html = await (await h.get('/')).text();
  return h.post('/login', { identifier, password, ...(await h.code(html)) });
}

async function numicHmac(numic = DEMO.numic) {
  return hmacHex(env.NUMIC_HMAC_KEY, numic);
}

/** A harness whose queues are captured; `deliver()` runs the Worker's consumer on them. */
function setup(start = START) {
  const q = capturedQueues();
  const h = harness(start, q.bindings);
  return {
    h,
    q,
    async deliver() {
      await q.flush();
      return outbox(h);
    },
    /** Asks for a link and returns the path of the one e-mailed. */
    async linkPath(numic = DEMO.numic, email = DEMO.email) {
      const before = (await outbox(h)).length;
      expect((await ask(h, numic, email)).status).toBe(200);
      await q.flush();
      const mails = await outbox(h);
      expect(mails).toHaveLength(before + 1);
      return pathOf(linkIn(mails.at(-1)!));
    },
  };
}

function renewedIdentifier(html: string): string {
  const id = /id="new-identifier"[^>]*>([A-Z0-9-]+)</.exec(html)?.[1];
  if (!id) throw new Error(`no identifier in: ${text(html)}`);
  return id;
}

describe('identifier renewal — Écrans 2 and 3', () => {
  beforeEach(seedAll);

  it('Écran 2 shows the texts of the source document, reached from the login screen', async () => {
    const h = harness(START);
    expect(await (await h.get('/')).text()).toContain('href="/identifiant-perdu"');
    const res = await h.get('/identifiant-perdu');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const html = await res.text();
    const page = text(html);
    for (const s of [
      'Elections législatives 2022',
      'Renouvellement de votre identifiant',
      "Vous pouvez demander le renouvellement de votre identifiant en saisissant votre NUMIC (Numéro d'identification consulaire) qui vous a été rappelé dans le courriel de convocation à l'élection et votre adresse électronique.",
      'Un lien vous sera envoyé par courriel.',
      'NUMIC',
      'Adresse électronique',
      'Saisissez les 4 chiffres ci-dessus',
      'Demander un nouvel identifiant',
      'Revenir sur le portail de vote',
      'AIDE ?',
    ]) {
      expect(page).toContain(s);
    }
    expect(html).toMatch(/<input type="hidden" name="captchaId" value="[A-Za-z0-9_-]+"/);
    expect(html).toContain('name="numic"');
    expect(html).toContain('name="email"');
  });

  it('Écran 3 shows its texts, and one e-mail with a working link goes through the real queue', async () => {
    const h = harness(START);
    const res = await ask(h);
    expect(res.status).toBe(200);
    const page = text(await res.text());
    for (const s of [
      'Confirmation du renouvellement de votre identifiant',
      'Votre demande a bien été prise en compte.',
      'Un courriel vient de vous être envoyé.',
      "Si celui-ci ne vous parvient pas d'ici quelques minutes, merci de consulter le dossier des « courriels indésirables (spam) ».",
      'Revenir sur le portail de vote',
    ]) {
      expect(page).toContain(s);
    }
    // The queue consumer runs in the test runtime: the message lands within its batch timeout.
    let mails = await outbox(h);
    for (let i = 0; i < 80 && mails.length === 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      mails = await outbox(h);
    }
    expect(mails).toHaveLength(1);
    const link = linkIn(mails[0]!);
    expect(link.startsWith(`${env.PUBLIC_ORIGIN}/r/`)).toBe(true);
    expect(text(await (await h.get(pathOf(link))).text())).toContain('Comment renouveler mon identifiant ?');
  });

  it('sends the e-mail in French, text and HTML, the link alone on its line', async () => {
    const { h, deliver } = setup();
    await ask(h);
    const [mail, ...rest] = await deliver();
    expect(rest).toHaveLength(0);
    expect(mail).toMatchObject({ channel: 'email', to: DEMO.email });
    expect(mail!.subject).toContain('Renouvellement de votre identifiant');
    const link = linkIn(mail!);
    expect(link).toMatch(/^http:\/\/127\.0\.0\.1:8787\/r\/[A-Za-z0-9_-]{43}\/[A-Za-z0-9_-]{32}$/);
    expect(mail!.text).toContain('\n\n' + link + '\n\n');
    expect(mail!.text).toContain('valable une heure, pour un seul renouvellement');
    expect(mail!.text).toContain('Si vous n’avez pas fait cette demande');
    expect(mail!.text).toContain(`${env.PUBLIC_ORIGIN}/aide`);
    expect(mail!.html).toContain(`<a href="${link}">${link}</a>`);
    expect(mail!.html).toContain('<html lang="fr">');
    // The link never names the NUMIC.
    expect(link).not.toContain(DEMO.numic);
    expect(link).not.toContain('123456');
  });

  it('writes to a voter in the voter’s language', async () => {
    const { h, deliver } = setup();
    await ask(h, SECOND.numic, SECOND.email);
    const [mail] = await deliver();
    expect(mail!.to).toBe(SECOND.email);
    expect(mail!.subject).toContain('Renewing your identifier');
    expect(mail!.text).toContain('valid for one hour, for one renewal only');
    expect(mail!.html).toContain('<html lang="en">');
  });

  it('answers an unknown NUMIC and a wrong address with the very same bytes, and sends nothing', async () => {
    const { h, deliver } = setup();
    const answers = [];
    for (const [numic, email] of [
      [DEMO.numic, DEMO.email],
      ['00999999', DEMO.email],
      [DEMO.numic, 'someone.else@example.org'],
      [SECOND.numic, DEMO.email],
    ] as const) {
      const res = await ask(h, numic, email);
      answers.push({ status: res.status, headers: [...res.headers], body: await res.text() });
    }
    expect(answers[0]!.status).toBe(200);
    for (const a of answers.slice(1)) expect(a).toEqual(answers[0]);
    const mails = await deliver();
    expect(mails).toHaveLength(1);
    expect(mails[0]!.to).toBe(DEMO.email);
  });

  it('does the same work whether or not a voter matched (counted at the capabilities, call by call)', async () => {
    const q = capturedQueues();
    const counting = countingServices();
    const h = harness(START, q.bindings, counting.decorate);
    const subtle = crypto.subtle as unknown as Record<string, (...a: unknown[]) => unknown>;
    const hashes: string[] = [];
    // Below the interfaces too: SHA-256, HMAC, PBKDF2 — not the sealing of a queued secret,
    // which is delivery's.
    const spies = ['digest', 'sign', 'deriveBits'].map((m) => {
      const original = subtle[m]!.bind(crypto.subtle);
      return vi
        .spyOn(crypto.subtle, m as 'digest')
        .mockImplementation(((...a: unknown[]) => (hashes.push(m), original(...a))) as never);
    });
    const work = async (numic: string, email: string) => {
      const form = await (await h.get('/identifiant-perdu')).text();
      const code = await h.code(form);
      counting.log.reset();
      hashes.length = 0;
      const res = await h.post('/identifiant-perdu', { numic, email, ...code });
      expect(res.status).toBe(200);
      return { calls: [...counting.log.calls], hashes: [...hashes].sort() };
    };
    try {
      await work('00111111', 'warm@example.org'); // warms the isolate's caches (election, keys)
      const matched = await work(DEMO.numic, DEMO.email);
      const unknown = await work('00999999', DEMO.email);
      const wrongAddress = await work(DEMO.numic, 'someone.else@example.org');
      for (const call of ['voters.byNumic', 'guard.hit', 'guard.startRenewal', 'links.put', 'delivery.commit'])
        expect(matched.calls).toContain(call);
      expect(matched.hashes.length).toBeGreaterThan(3);
      for (const other of [unknown, wrongAddress]) {
        // The same outbox write on both paths (a decoy row for nobody), relayed after the answer.
        expectSameWork(matched.calls, other.calls);
        expect(other.hashes).toEqual(matched.hashes);
      }
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it('accepts a NUMIC without its leading zeros or with spaces, and the address in any case', async () => {
    const { h, deliver } = setup();
    for (const [numic, email] of [
      ['123456', DEMO.email],
      ['00 123 456', ` ${DEMO.email.toUpperCase()} `],
      [' 0012 3456 ', 'Electeur@Example.org'],
    ]) {
      expect((await ask(h, numic!, email!)).status).toBe(200);
    }
    const mails = await deliver();
    expect(mails).toHaveLength(3);
    expect(mails.every((m) => m.to === DEMO.email)).toBe(true);
  });

  it('refuses a malformed NUMIC or address with field errors, and a wrong code', async () => {
    const h = harness(START);
    const html = await (await h.get('/identifiant-perdu')).text();
    const res = await h.post('/identifiant-perdu', { numic: '12a', email: 'nobody', ...(await h.code(html)) });
    expect(res.status).toBe(400);
    const page = text(await res.text());
    expect(page).toContain('Le NUMIC comporte 8 chiffres');
    expect(page).toContain('Saisissez une adresse électronique');
    const form = await (await h.get('/identifiant-perdu')).text();
    const { captchaId, captcha } = await h.code(form);
    const wrong = String((Number(captcha) + 1) % 10000).padStart(4, '0');
    const res2 = await h.post('/identifiant-perdu', {
      numic: DEMO.numic,
      email: DEMO.email,
      captchaId,
      captcha: wrong,
    });
    expect(res2.status).toBe(400);
    expect(text(await res2.text())).toContain('Le code de sécurité est incorrect');
  });

  it('throttles a NUMIC after 3 e-mails an hour, tells when to try again, and leaves other NUMICs alone', async () => {
    const { h, deliver } = setup();
    for (let i = 0; i < 3; i++) expect((await ask(h)).status).toBe(200);
    h.now += 10 * 60_000;
    const res = await ask(h);
    expect(res.status).toBe(429);
    const page = text(await res.text());
    expect(page).toContain('Aucun courriel n’a été envoyé pour cette demande.');
    expect(page).toContain('dans 50 minute(s)');
    expect(page).not.toContain('Un courriel vient de vous être envoyé');
    expect((await ask(h, SECOND.numic, SECOND.email)).status).toBe(200);
    expect(await deliver()).toHaveLength(4);
    // Waiting is enough.
    h.now = START + HOUR + 1;
    expect((await ask(h)).status).toBe(200);
    expect(await deliver()).toHaveLength(5);
  });

  it('throttles an unknown NUMIC exactly like a known one', async () => {
    const { h, deliver } = setup();
    const known = [];
    const unknown = [];
    for (let i = 0; i < 4; i++) {
      known.push(await ask(h, DEMO.numic, DEMO.email));
      unknown.push(await ask(h, '00999999', 'x@example.org'));
    }
    expect(known.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(unknown.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    const notice = async (r: Response) =>
      /<div class="notice[^"]*" role="status">([\s\S]*?)<\/div>/.exec(await r.text())?.[1];
    expect(await notice(unknown[3]!)).toBe(await notice(known[3]!));
    expect(await deliver()).toHaveLength(3);
  });

  it('does not let someone who knows only the NUMIC use up the voter’s allowance', async () => {
    const { h, deliver } = setup();
    for (let i = 0; i < 5; i++) await ask(h, DEMO.numic, `guess${i}@example.org`);
    expect((await ask(h)).status).toBe(200);
    expect(await deliver()).toHaveLength(1);
  });

  it('says the vote is closed after closing, and that renewal has not opened before the roll is loaded', async () => {
    await seedElection(); // the demo election of T0, so that its dates read as in the source
    const h = harness(T0 + 5 * DAY);
    const res = await h.get('/identifiant-perdu');
    const page = text(await res.text());
    expect(page).toContain('Le vote est clos depuis le lundi 25 avril 2022 11:14 (heure de Paris)');
    expect(page).not.toContain('Demander un nouvel identifiant');
    const early = harness(T0 - 40 * DAY);
    expect(text(await (await early.get('/identifiant-perdu')).text())).toContain('n’est pas encore ouvert');
    // Before the vote opens (roll loaded), renewal already works.
    const before = harness(T0 - 3 * DAY);
    expect(text(await (await before.get('/identifiant-perdu')).text())).toContain('Demander un nouvel identifiant');
  });

  it('speaks English on request', async () => {
    const h = harness(START);
    const page = text(await (await h.get('/identifiant-perdu?lang=en')).text());
    expect(page).toContain('Renewing your identifier');
    expect(page).toContain('Ask for a new identifier');
  });
});

describe('identifier renewal — the link (Écrans 5 and 6)', () => {
  beforeEach(seedAll);

  it('Écran 5 shows its texts; opening it needs no cookie and changes nothing', async () => {
    const { h, linkPath } = setup();
    const path = await linkPath();
    const hmac = await numicHmac();
    const stub = voterObject(hmac);
    for (let i = 0; i < 3; i++) {
      const res = await h.get(path);
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('set-cookie') ?? '').not.toContain('session');
      const html = await res.text();
      const page = text(html);
      for (const s of [
        'Comment renouveler mon identifiant ?',
        "Votre nouvel identifiant s'affichera sur l'écran du portail de renouvellement.",
        "Pour obtenir votre nouvel identifiant, vous devrez renseigner votre numéro d'identification consulaire (NUMIC) et l'adresse électronique que vous avez indiquée à votre consulat ou sur le registre en ligne.",
        "Pour des raisons de sécurité, il n'est pas possible de renouveler à la fois son identifiant et son mot de passe.",
        'Mot de passe',
        'Saisissez les 4 chiffres ci-dessus',
        'Valider',
      ]) {
        expect(page).toContain(s);
      }
      // The form posts to a URL without the token.
      expect(html).toContain('<form method="post" action="/r"');
    }
    const tokenHash = await sha256Hex(path.split('/')[3]!);
    expect((await stub.link('identifier', tokenHash, h.now)).state).toBe('pending');
    expect(await renewedAt(hmac, 'identifier', h.now)).toBeNull();
    // Still usable after all those visits.
    expect((await validate(h, path)).status).toBe(200);
  });

  it('Écran 6: a new identifier shown once, never in a URL, with a copy button; the old one is dead, the new one logs in', async () => {
    const { h, linkPath } = setup();
    const path = await linkPath();
    const res = await validate(h, path);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('location')).toBeNull();
    const html = await res.text();
    const identifier = renewedIdentifier(html);
    expect(identifier).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(identifier).not.toBe(DEMO.identifier);
    expect(html).toContain(`<button type="button" class="secondary copy" data-copy="${identifier}"`);
    const page = text(html);
    expect(page).toContain('Votre nouvel identifiant');
    expect(page).toContain('Je le copie et je le conserve.');
    expect(html).toContain('href="/"');
    // No language switch that would lose it; the essential in English beside it instead.
    expect(html).not.toContain('lang=en"');
    expect(page).toContain(`Your new identifier — ${identifier} — I copy it and I keep it.`);
    expect((await login(h, DEMO.identifier)).status).toBe(401);
    expect((await login(h, identifier)).status).toBe(303);
    expect((await login(h, identifier.toLowerCase().replaceAll('-', ' '))).status).toBe(303);
  });

  it('ends every session of the voter and notifies by e-mail and SMS', async () => {
    const { h, linkPath, deliver } = setup();
    const logged = await login(h, DEMO.identifier);
    const cookie = logged.headers.get('set-cookie')!.split(';')[0]!;
    expect((await h.get('/espace', { cookie })).status).toBe(200);
    const path = await linkPath();
    expect((await validate(h, path)).status).toBe(200);
    const space = await h.get('/espace', { cookie });
    expect(space.status).toBe(401);
    expect(text(await space.text())).toContain('Votre session a pris fin.');
    const mails = await deliver();
    const notices = mails.slice(1);
    expect(notices.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    const email = notices.find((m) => m.channel === 'email')!;
    const sms = notices.find((m) => m.channel === 'sms')!;
    expect(email.to).toBe(DEMO.email);
    expect(email.subject).toContain('Votre identifiant a été renouvelé');
    expect(email.text).toContain('contactez sans attendre la cellule d’assistance');
    expect(sms.to).toBe(DEMO.phone);
    expect(sms.text).toContain('votre identifiant a été renouvelé');
    expect(sms.text).toContain('/aide');
  });

  it('records the renewal in the audit trail in the same batch, without any secret', async () => {
    const { h, linkPath, q } = setup();
    const path = await linkPath();
    const identifier = renewedIdentifier(await (await validate(h, path)).text());
    await q.flush();
    const rows = (await env.DB.prepare('SELECT event, numic_hmac, outcome, detail FROM audit_events ORDER BY id').all())
      .results;
    expect(rows).toContainEqual({
      event: 'identifier-renewal',
      numic_hmac: await numicHmac(),
      outcome: 'success',
      detail: null,
    });
    expect(rows).toContainEqual({
      event: 'identifier-renewal-request',
      numic_hmac: await numicHmac(),
      outcome: 'link-sent',
      detail: null,
    });
    const voter = await env.DB.prepare('SELECT session_generation, identifier_renewed_at FROM voters WHERE numic = ?')
      .bind(DEMO.numic)
      .first();
    expect(voter).toEqual({ session_generation: 1, identifier_renewed_at: h.now });
    // No queued message holds the link in clear (its secret part is sealed).
    const queued = q.deliveries().map((m) => JSON.stringify(m.body));
    expect(queued.length).toBeGreaterThanOrEqual(3);
    expect(queued.join('\n')).not.toContain(path.split('/')[3]!);
    expect(queued[0]).toContain('{{secret}}');
    const dump = JSON.stringify(rows) + JSON.stringify(q.sent.filter((m) => m.queue === 'AUDIT'));
    for (const secret of [path.split('/')[3]!, identifier, identifier.replaceAll('-', ''), DEMO.numic, DEMO.password]) {
      expect(dump).not.toContain(secret);
    }
  });

  it('says when a link is unknown, expired, voided or used — one clear page with a way to ask again, never a 5xx', async () => {
    const { h, linkPath } = setup();
    const first = await linkPath();
    const second = await linkPath();
    const check = async (path: string, status: number, sentence: string) => {
      const res = await h.get(path);
      expect(res.status).toBe(status);
      const html = await res.text();
      expect(text(html)).toContain(sentence);
      expect(html).toContain('<a class="button primary" href="/identifiant-perdu">Demander un nouveau lien</a>');
    };
    // A newer link does not void the one already mailed.
    expect((await h.get(first)).status).toBe(200);
    const [, , ref, token] = second.split('/');
    await check(`/r/${ref}/${token!.slice(0, -1)}${token!.endsWith('A') ? 'B' : 'A'}`, 404, 'n’est pas reconnu');
    await check(`/r/${ref}`, 404, 'n’est pas reconnu');
    await check(`/r/${'A'.repeat(43)}/${'B'.repeat(32)}`, 404, 'n’est pas reconnu');
    await check('/r/%00%ff', 404, 'n’est pas reconnu');
    await check('/r/', 404, 'n’est pas reconnu');
    // Punctuation a mail app glued to the link is forgiven.
    expect((await h.get(`${second}.`)).status).toBe(200);
    expect((await h.get(`${second})`)).status).toBe(200);
    h.now += HOUR;
    await check(second, 410, 'Ce lien a expiré');
    h.now -= HOUR;
    expect((await validate(h, second)).status).toBe(200);
    await check(second, 410, 'Ce lien a déjà été utilisé');
    // Using one link voids the others.
    await check(first, 410, 'un autre lien envoyé a déjà servi');
  });

  it('refuses Valider on an expired link, on a voided one, and once used', async () => {
    const { h, linkPath, deliver } = setup();
    const first = await linkPath();
    const second = await linkPath();
    const firstPage = await (await h.get(first)).text();
    const secondPage = await (await h.get(second)).text();
    const form = (page: string) => ({
      ref: /name="ref" value="([^"]+)"/.exec(page)![1]!,
      token: /name="token" value="([^"]+)"/.exec(page)![1]!,
      password: DEMO.password,
    });
    expect((await h.post('/r', { ...form(secondPage), ...(await h.code(secondPage)) })).status).toBe(200);
    const used = await h.post('/r', { ...form(secondPage), ...(await freshCode(h)) });
    expect(used.status).toBe(410);
    const voided = await h.post('/r', { ...form(firstPage), ...(await freshCode(h)) });
    expect(voided.status).toBe(410);
    expect(text(await voided.text())).toContain('un autre lien envoyé a déjà servi');
    await deliver(); // the renewal's notices
    const third = await linkPath();
    const thirdPage = await (await h.get(third)).text();
    h.now += HOUR + 1;
    const expired = await h.post('/r', { ...form(thirdPage), ...(await freshCode(h)) });
    expect(expired.status).toBe(410);
    expect(text(await expired.text())).toContain('Ce lien a expiré');
  });

  it('never lets someone who knows the NUMIC and the address void the voter’s link or spend the voter’s allowance', async () => {
    const { h, q, deliver } = setup();
    const voter = { 'cf-connecting-ip': '203.0.113.20' };
    const attacker = { 'cf-connecting-ip': '198.51.100.66' };
    expect((await ask(h, DEMO.numic, DEMO.email, voter)).status).toBe(200);
    await q.flush();
    const mine = pathOf(linkIn((await outbox(h)).at(-1)!));
    // From another network, the address typed with other capitals, as often as allowed and more.
    for (let i = 0; i < 5; i++) await ask(h, DEMO.numic, DEMO.email.toUpperCase(), attacker);
    expect((await ask(h, DEMO.numic, DEMO.email, attacker)).status).toBe(429);
    // The voter's link still works, and the voter's own next request still sends one.
    expect((await h.get(mine)).status).toBe(200);
    expect((await ask(h, DEMO.numic, DEMO.email, voter)).status).toBe(200);
    const mails = await deliver();
    expect(mails.filter((m) => m.to === DEMO.email)).toHaveLength(1 + 3 + 1);
    expect((await validate(h, mine)).status).toBe(200);
  });

  it('points to the links already mailed when it refuses a request', async () => {
    const { h } = setup();
    for (let i = 0; i < 3; i++) await ask(h);
    const refused = await ask(h);
    expect(refused.status).toBe(429);
    expect(text(await refused.text())).toContain('Les liens déjà envoyés restent valables une heure');
  });

  it('voids a link after five wrong passwords', async () => {
    const { h, linkPath } = setup();
    const path = await linkPath();
    for (let i = 1; i <= 4; i++) {
      const res = await validate(h, path, `wrong-${i}`);
      expect(res.status).toBe(401);
      expect(text(await res.text())).toContain(
        'Le mot de passe est incorrect. Après 5 erreurs, ce lien ne sera plus valable.',
      );
    }
    const page = await (await h.get(path)).text();
    const fifth = await h.post('/r', {
      ref: /name="ref" value="([^"]+)"/.exec(page)![1]!,
      token: /name="token" value="([^"]+)"/.exec(page)![1]!,
      password: 'wrong-5',
      ...(await h.code(page)),
    });
    expect(fifth.status).toBe(410);
    expect(text(await fifth.text())).toContain('trop de fois');
    const after = await h.get(path);
    expect(after.status).toBe(410);
    // The right password no longer helps on this link; a new link works.
    expect((await validate(h, await linkPath())).status).toBe(200);
  });

  it('checks the code before any password hash', async () => {
    const { h, linkPath } = setup();
    const path = await linkPath();
    const page = await (await h.get(path)).text();
    const verifies = h.counts.verify;
    const res = await h.post('/r', {
      ref: /name="ref" value="([^"]+)"/.exec(page)![1]!,
      token: /name="token" value="([^"]+)"/.exec(page)![1]!,
      password: DEMO.password,
      captchaId: /name="captchaId" value="([^"]+)"/.exec(page)![1]!,
      captcha: '0000' === (await h.code(page)).captcha ? '0001' : '0000',
    });
    expect(res.status).toBe(400);
    expect(h.counts.verify).toBe(verifies);
    expect(text(await res.text())).toContain('Comment renouveler mon identifiant ?');
  });

  it('works when KV has not seen the link yet: the voter’s object decides', async () => {
    const { h, linkPath } = setup();
    const path = await linkPath();
    const keys = await env.TOKENS.list({ prefix: 'link:' });
    expect(keys.keys).toHaveLength(1);
    await env.TOKENS.delete(keys.keys[0]!.name);
    expect((await h.get(path)).status).toBe(200);
    expect((await validate(h, path)).status).toBe(200);
  });

  it('keeps a forged link away from storage: no Durable Object is created for it', async () => {
    const h = harness(START);
    const before = (await listDurableObjectIds(env.ACCESS_STATE)).length;
    for (let i = 0; i < 5; i++) {
      const res = await h.get(`/r/${crypto.randomUUID().replaceAll('-', '').padEnd(43, 'x')}/${'C'.repeat(32)}`);
      expect(res.status).toBe(404);
    }
    expect((await listDurableObjectIds(env.ACCESS_STATE)).length).toBe(before);
  });

  it('refuses to complete within the cooling-off period after a password renewal, pointing to the assistance', async () => {
    const { h, linkPath } = setup();
    const path = await linkPath();
    await recordRenewal(await numicHmac(), 'password', h.now - 23 * HOUR);
    const res = await validate(h, path);
    expect(res.status).toBe(409);
    const html = await res.text();
    const page = text(html);
    expect(page).toContain(
      "Pour des raisons de sécurité, il n'est pas possible de renouveler à la fois son identifiant et son mot de passe.",
    );
    expect(page).toContain('votre identifiant n’a pas été renouvelé');
    expect(html).toContain('href="/aide"');
    expect((await login(h, DEMO.identifier)).status).toBe(303);
  });

  it('accepts completion once the cooling-off period is over', async () => {
    const { h, linkPath } = setup();
    await recordRenewal(await numicHmac(), 'password', h.now - 24 * HOUR);
    expect((await validate(h, await linkPath())).status).toBe(200);
  });

  it('gives exactly one identifier to 200 concurrent Valider, and "already used" to the 199 others', async () => {
    const { h, linkPath } = setup();
    const path = await linkPath();
    const page = await (await h.get(path)).text();
    const ref = /name="ref" value="([^"]+)"/.exec(page)![1]!;
    const token = /name="token" value="([^"]+)"/.exec(page)![1]!;
    const codes = await Promise.all(Array.from({ length: 200 }, () => issueChallenge(env.CAPTCHA_KEY, h.now, 'fr')));
    const responses = await Promise.all(
      codes.map(({ id, challenge }, i) =>
        h.post(
          '/r',
          { ref, token, password: DEMO.password, captchaId: id, captcha: challenge.digits },
          { 'cf-connecting-ip': `192.0.2.${i}` },
        ),
      ),
    );
    const bodies = await Promise.all(responses.map((r) => r.text()));
    const won = responses.map((r, i) => ({ status: r.status, body: bodies[i]! })).filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    const lost = responses.filter((r) => r.status === 410);
    expect(lost).toHaveLength(199);
    expect(bodies.filter((b) => text(b).includes('Ce lien a déjà été utilisé')).length).toBe(199);
    const identifier = renewedIdentifier(won[0]!.body);
    expect((await login(h, identifier)).status).toBe(303);
    const generation = await env.DB.prepare('SELECT session_generation FROM voters WHERE numic = ?')
      .bind(DEMO.numic)
      .first('session_generation');
    expect(generation).toBe(1);
  }, 120_000);

  it('undoes the record in the object when D1 cannot take the renewal, and says so clearly', async () => {
    const q = capturedQueues();
    const broken = {
      ...q.bindings,
      DB: new Proxy(env.DB, {
        get(t, p) {
          if (p === 'batch') return () => Promise.reject(new Error('D1 down'));
          // Requests reach D1 through a session (platform/database.ts): it is down too.
          if (p === 'withSession') return (c?: string) => new Proxy(t.withSession(c) as unknown as D1Database, this);
          const v = Reflect.get(t, p) as unknown;
          return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
        },
      }),
    } as Cloudflare.Env;
    const h = harness(START, broken);
    // The request works (D1 is up then); Valider meets D1 down.
    expect((await ask(harness(START, q.bindings))).status).toBe(200);
    await q.flush();
    const path = pathOf(linkIn((await outbox(h))[0]!));
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await validate(h, path);
    errors.mockRestore();
    expect(res.status).toBe(503);
    expect(text(await res.text())).toContain('votre identifiant actuel reste valable');
    expect(await renewedAt(await numicHmac(), 'identifier', h.now)).toBeNull();
    expect((await login(harness(START), DEMO.identifier)).status).toBe(303);
  });

  it('never writes a token, link or identifier in a log line', async () => {
    const lines: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' '))),
    );
    try {
      const { h, q, linkPath } = setup();
      const path = await linkPath();
      await validate(h, path, 'wrong');
      const identifier = renewedIdentifier(await (await validate(h, path)).text());
      await h.get(path);
      await q.flush(); // the delivery consumer's own log lines too
      expect(lines.join('\n')).toContain('identifier-renewed');
      const dump = lines.join('\n');
      expect(dump).not.toContain(path.split('/')[3]!);
      expect(dump).not.toContain(identifier);
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });

  it('the same form without a code re-renders Écran 5 with the link kept; a tampered hidden field gets the link page', async () => {
    const { h, linkPath } = setup();
    const path = await linkPath();
    const page = await (await h.get(path)).text();
    const ref = /name="ref" value="([^"]+)"/.exec(page)![1]!;
    const token = /name="token" value="([^"]+)"/.exec(page)![1]!;
    const refresh = await h.post('/r', { ref, token, password: '', captchaId: 'x', captcha: '', intent: 'refresh' });
    expect(refresh.status).toBe(200);
    expect(withoutCode(await refresh.text())).toBe(withoutCode(page));
    const tampered = await h.post('/r', { ref: 'x', token, password: DEMO.password, ...(await h.code(page)) });
    expect(tampered.status).toBe(404);
  });
});
