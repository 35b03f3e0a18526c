/**
 * The operators' console in workerd: authentication and roles on every page and action, the
 * assistance cell's tickets, a voter's file (masked, audited) and its actions with their second
 * approval and notices, the audit trail and its CSV export, delivery watched.
 */
import { createExecutionContext, env, waitOnExecutionContext } from 'cloudflare:test';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair, type JWK } from 'jose';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { DEMO, ORIGIN, T0, harness, seedElection, seedVoter, text } from '../helpers';
import { OPERATOR_PASSWORD } from '../operator-helpers';
import { capturedQueues, type OutboxMessage } from '../renewal-helpers';

const TEAM = 'https://isoloir.cloudflareaccess.com';
const AUD = 'console-test-audience-tag';
const ROLES = JSON.stringify({
  'admin@isoloir.example': 'administrator',
  'second@isoloir.example': 'administrator',
  'cellule@isoloir.example': 'assistance',
});

let keys: Awaited<ReturnType<typeof generateKeyPair>>;
let jwks: ReturnType<typeof createLocalJWKSet>;
beforeAll(async () => {
  keys = await generateKeyPair('RS256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(keys.publicKey)), kid: 'k', alg: 'RS256' };
  jwks = createLocalJWKSet({ keys: [jwk] });
});

/** The DELIVERY and AUDIT queues of the test, handed to the Worker's consumer on `flush()`. */
let queues: ReturnType<typeof capturedQueues>;

/** The messages handed to the DELIVERY queue (their secret, if any, still sealed). */
async function outbox(_h?: unknown): Promise<OutboxMessage[]> {
  return queues.deliveries().map((d) => d.body.message as OutboxMessage);
}

interface Page {
  status: number;
  html: string;
  headers: Headers;
}

/**
 * A browser at the console: `password` logs in locally (the cookie kept), an e-mail comes
 * through Cloudflare Access (its JWT on every request, as Access adds it).
 */
function operator(who: 'password' | 'anonymous' | string, now = () => T0) {
  const access = who !== 'password' && who !== 'anonymous';
  const app = createApp({ clock: now, accessKeys: jwks });
  const bindings = {
    ...queues.bindings,
    DEV_TOOLS: '1',
    OPERATOR_PASSWORD: access ? undefined : OPERATOR_PASSWORD,
    ...(access ? { ACCESS_TEAM_DOMAIN: TEAM, ACCESS_AUD: AUD, OPERATOR_ROLES: ROLES } : {}),
  } as Cloudflare.Env;
  let cookie = '';
  const send = async (path: string, init: RequestInit = {}): Promise<Page> => {
    const headers = new Headers(init.headers);
    if (cookie) headers.set('cookie', cookie);
    if (access) {
      const jwt = await new SignJWT({ email: who })
        .setProtectedHeader({ alg: 'RS256', kid: 'k' })
        .setIssuer(TEAM)
        .setAudience(AUD)
        .setIssuedAt(Math.floor(now() / 1000) - 60)
        .setExpirationTime(Math.floor(now() / 1000) + 3600)
        .sign(keys.privateKey);
      headers.set('cf-access-jwt-assertion', jwt);
    }
    const ctx = createExecutionContext();
    const res = await app.request(`${ORIGIN}${path}`, { ...init, headers, redirect: 'manual' }, bindings, ctx);
    await waitOnExecutionContext(ctx);
    const set = res.headers.get('set-cookie');
    if (set?.startsWith('__Host-isoloir-operator=')) cookie = set.split(';')[0]!;
    return { status: res.status, html: await res.text(), headers: res.headers };
  };
  return {
    get: (path: string) => send(path),
    post: (path: string, form: Record<string, string> = {}) =>
      send(path, {
        method: 'POST',
        headers: { origin: ORIGIN, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
      }),
    async login() {
      const res = await this.post('/operateur/connexion', { password: OPERATOR_PASSWORD });
      expect(res.status).toBe(303);
      return res;
    },
  };
}

async function auditEvents(prefix: string) {
  await queues.flush();
  const { results } = await env.DB.prepare(
    "SELECT event, numic_hmac, detail FROM audit_events WHERE event LIKE ? || '%' ORDER BY id",
  )
    .bind(prefix)
    .all<{ event: string; numic_hmac: string | null; detail: string }>();
  return results;
}

/** A request through /aide, as a voter sends it; returns its reference. */
async function fileTicket(over: Record<string, string> = {}) {
  const h = harness(T0);
  const page = await (await h.get('/aide')).text();
  const res = await h.post('/aide', {
    name: 'Jeanne Électrice',
    email: 'jeanne@example.org',
    numic: DEMO.numic,
    topic: 'sms',
    message: 'Je n’ai pas reçu le SMS avec mon mot de passe.',
    ...(await h.code(page)),
    ...over,
  });
  const reference = /AS-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(await res.text())?.[0];
  expect(reference).toBeDefined();
  return reference!;
}

const PAGES = [
  '/operateur/tickets',
  '/operateur/electeurs',
  '/operateur/approbations',
  '/operateur/envois',
  '/operateur/journal',
  '/operateur/election',
];
const ACTIONS = [
  '/operateur/electeurs',
  '/operateur/electeurs/renvoi',
  '/operateur/electeurs/coordonnees',
  '/operateur/electeurs/delai',
  '/operateur/approbations/x',
  '/operateur/journal',
  '/operateur/journal.csv',
  '/operateur/tickets/AS-AAAA-AAAA/repondre',
  '/operateur/tickets/AS-AAAA-AAAA/clore',
];

beforeEach(async () => {
  queues = capturedQueues();
  await seedElection();
  await seedVoter();
});

describe('the console refuses whoever is not an operator', () => {
  it('sends every page to the login, refuses every action, and offers the login form', async () => {
    const anonymous = operator('anonymous');
    for (const path of PAGES) {
      const res = await anonymous.get(path);
      expect(res.status, path).toBe(303);
      expect(res.headers.get('location')).toBe('/operateur');
    }
    for (const path of ACTIONS) expect((await anonymous.post(path, { numic: DEMO.numic })).status, path).toBe(401);
    const login = await anonymous.get('/operateur');
    expect(login.status).toBe(200);
    expect(login.html).toContain('name="password"');
    expect(login.html).toContain('<meta name="robots" content="noindex, nofollow"');
    expect(login.headers.get('x-robots-tag')).toBe('noindex, nofollow');
    expect(login.headers.get('content-security-policy')).toContain("script-src 'self'");
  });

  it('refuses a wrong password, and takes the right one for a session cookie', async () => {
    const op = operator('password');
    const wrong = await op.post('/operateur/connexion', { password: 'not-it' });
    expect(wrong.status).toBe(401);
    expect(text(wrong.html)).toContain('Mot de passe d’opérateur incorrect.');
    const ok = await op.login();
    expect(ok.headers.get('set-cookie')).toMatch(
      /^__Host-isoloir-operator=\d{13}\.[0-9a-f]{64}; Max-Age=28800; Path=\/; HttpOnly; Secure; SameSite=Strict/,
    );
    expect((await op.get('/operateur/tickets')).status).toBe(200);
  });

  it('refuses a forged session cookie', async () => {
    const app = operator('anonymous');
    const res = await app.get('/operateur/tickets');
    expect(res.status).toBe(303);
    const forged = createApp({ clock: () => T0 });
    const ctx = createExecutionContext();
    const r = await forged.request(
      `${ORIGIN}/operateur/tickets`,
      { headers: { cookie: `__Host-isoloir-operator=${T0 + 1000}.${'0'.repeat(64)}` }, redirect: 'manual' },
      { ...env, DEV_TOOLS: '1', OPERATOR_PASSWORD } as Cloudflare.Env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(r.status).toBe(303);
  });

  it('holds each page and action to the role table (the assistance cell is not an administrator)', async () => {
    const cell = operator('cellule@isoloir.example');
    for (const path of ['/operateur/tickets', '/operateur/electeurs', '/operateur/envois']) {
      expect((await cell.get(path)).status, path).toBe(200);
    }
    for (const path of ['/operateur/journal', '/operateur/election', '/operateur/approbations']) {
      const res = await cell.get(path);
      expect(res.status, path).toBe(403);
      expect(text(res.html)).toContain('Votre rôle (cellule d’assistance) ne permet pas cette action.');
    }
    for (const path of [
      '/operateur/electeurs/coordonnees',
      '/operateur/electeurs/delai',
      '/operateur/journal',
      '/operateur/journal.csv',
      '/operateur/approbations/00000000-0000-0000-0000-000000000000',
    ]) {
      expect(
        (await cell.post(path, { numic: DEMO.numic, correctReason: 'x', newEmail: 'a@b.example' })).status,
        path,
      ).toBe(403);
    }
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM approvals').first()).toEqual({ n: 0 });
  });
});

describe('tickets', () => {
  it('lists a request from /aide, answers it by e-mail with its reference, and closes it', async () => {
    const reference = await fileTicket();
    const cell = operator('cellule@isoloir.example');
    const list = await cell.get('/operateur/tickets?statut=open');
    expect(text(list.html)).toContain(reference);
    expect(text(list.html)).toContain('SMS non reçu');
    expect(text((await cell.get('/operateur/tickets?statut=closed')).html)).not.toContain(reference);
    expect(text((await cell.get('/operateur/tickets?sujet=password')).html)).not.toContain(reference);

    const empty = await cell.post(`/operateur/tickets/${reference}/repondre`, { answer: '  ' });
    expect(empty.status).toBe(400);
    expect(text(empty.html)).toContain('Écrivez la réponse.');

    const answered = await cell.post(`/operateur/tickets/${reference}/repondre`, {
      answer: 'Nous vous avons renvoyé un mot de passe par SMS.',
    });
    expect(answered.status).toBe(200);
    expect(text(answered.html)).toContain('Réponse envoyée à jeanne@example.org.');
    const mail = (await outbox()).find((m) => m.to === 'jeanne@example.org');
    expect(mail?.subject).toBe(`Réponse de la cellule d’assistance — ${reference}`);
    expect(mail?.text).toContain('Nous vous avons renvoyé un mot de passe par SMS.');
    expect(mail?.text).toContain('Bonjour Jeanne Électrice,');

    await cell.post(`/operateur/tickets/${reference}/clore`);
    expect(text((await cell.get('/operateur/tickets?statut=closed')).html)).toContain(reference);
    expect((await auditEvents('operator.ticket')).map((e) => [e.event, JSON.parse(e.detail).operator])).toEqual([
      ['operator.ticket.answer', 'cellule@isoloir.example'],
      ['operator.ticket.close', 'cellule@isoloir.example'],
    ]);
    // Closed: no more answers.
    expect((await cell.post(`/operateur/tickets/${reference}/repondre`, { answer: 'encore' })).status).toBe(409);
  });

  it('answers in English a request written in English', async () => {
    const h = harness(T0);
    const page = await (await h.get('/aide?lang=en')).text();
    const res = await h.post(
      '/aide?lang=en',
      { name: 'John', email: 'john@example.org', topic: 'other', message: 'Hello', ...(await h.code(page)) },
      { cookie: 'lang=en' },
    );
    const reference = /AS-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(await res.text())![0];
    await operator('cellule@isoloir.example').post(`/operateur/tickets/${reference}/repondre`, { answer: 'Done.' });
    const mail = (await outbox()).find((m) => m.to === 'john@example.org');
    expect(mail?.subject).toBe(`Answer from the assistance team — ${reference}`);
  });
});

describe("a voter's file", () => {
  it('is found by NUMIC by POST, masks the contacts, shows no secret, and audits the opening', async () => {
    const cell = operator('cellule@isoloir.example');
    const page = await cell.post('/operateur/electeurs', { numic: DEMO.numic });
    expect(page.status).toBe(200);
    const seen = text(page.html);
    expect(seen).toContain('e•••••••@example.org');
    expect(seen).toContain('+33 6•• •• •• 01');
    expect(seen).not.toContain(DEMO.email);
    expect(seen).not.toContain(DEMO.identifier);
    expect(seen).not.toContain(DEMO.password);
    const opened = await auditEvents('operator.voter.open');
    expect(opened).toHaveLength(1);
    expect(JSON.parse(opened[0]!.detail).operator).toBe('cellule@isoloir.example');
    expect(opened[0]!.numic_hmac).toMatch(/^[0-9a-f]{64}$/);
    expect((await cell.post('/operateur/electeurs', { numic: '99999999' })).status).toBe(404);
    expect((await cell.post('/operateur/electeurs', { numic: 'abc' })).status).toBe(400);
  });

  it('sends a credential again with a reason, as `roll resend` does', async () => {
    const cell = operator('cellule@isoloir.example');
    const missing = await cell.post('/operateur/electeurs/renvoi', { numic: DEMO.numic, credential: 'password' });
    expect(missing.status).toBe(400);
    const res = await cell.post('/operateur/electeurs/renvoi', {
      numic: DEMO.numic,
      credential: 'password',
      resendReason: 'SMS jamais reçu, identité vérifiée au téléphone',
    });
    expect(text(res.html)).toContain('Envoyé à +33 6•• •• •• 01.');
    expect((await outbox()).filter((m) => m.channel === 'sms' && m.to === DEMO.phone)).toHaveLength(1);
    const [event] = await auditEvents('operator.roll.resend');
    expect(JSON.parse(event!.detail)).toMatchObject({
      operator: 'cellule@isoloir.example',
      reason: 'SMS jamais reçu, identité vérifiée au téléphone',
    });
  });

  it('corrects the e-mail only once a second administrator approves, and tells the old contacts', async () => {
    const first = operator('admin@isoloir.example');
    const asked = await first.post('/operateur/electeurs/coordonnees', {
      numic: DEMO.numic,
      newEmail: 'nouvelle@example.org',
      correctReason: 'Ancienne adresse fermée, identité vérifiée',
    });
    expect(text(asked.html)).toContain('Demande enregistrée');
    const voter = () => env.DB.prepare('SELECT email FROM voters WHERE numic = ?').bind(DEMO.numic).first();
    expect(await voter()).toEqual({ email: DEMO.email });
    const [request] = await auditEvents('operator.voter.contact.request');
    expect(request!.detail).not.toContain('nouvelle@example.org');

    const id = /\/operateur\/approbations\/([0-9a-f-]{36})/.exec(
      (await first.get('/operateur/approbations')).html,
    )![1]!;
    const self = await first.post(`/operateur/approbations/${id}`, { decision: 'approve' });
    expect(self.status).toBe(409);
    expect(text(self.html)).toContain('Une demande doit être approuvée par un autre opérateur que son auteur.');
    expect(await voter()).toEqual({ email: DEMO.email });

    const second = operator('second@isoloir.example');
    const approved = await second.post(`/operateur/approbations/${id}`, { decision: 'approve' });
    expect(text(approved.html)).toContain('Approuvée et appliquée');
    expect(await voter()).toEqual({ email: 'nouvelle@example.org' });
    const sent = await outbox();
    expect(sent.find((m) => m.to === DEMO.email)?.text).toContain('la cellule d’assistance a corrigé');
    expect(sent.find((m) => m.to === DEMO.phone)?.text).toContain('la cellule d’assistance a modifié votre dossier');
    expect(sent.some((m) => m.to === 'nouvelle@example.org')).toBe(false);
    // Decided once: a second approval is refused and changes nothing.
    expect(
      (await operator('second@isoloir.example').post(`/operateur/approbations/${id}`, { decision: 'approve' })).status,
    ).toBe(409);
    expect((await auditEvents('operator.voter.contact.approved')).map((e) => JSON.parse(e.detail).operator)).toEqual([
      'second@isoloir.example',
    ]);
  });

  it('refuses the approved actions with the single local operator', async () => {
    const local = operator('password');
    await local.login();
    const res = await local.post('/operateur/electeurs/coordonnees', {
      numic: DEMO.numic,
      newPhone: '+33611111111',
      correctReason: 'test',
    });
    expect(res.status).toBe(409);
    expect(text(res.html)).toContain('impossible avec le seul mot de passe local');
    expect(await env.DB.prepare('SELECT COUNT(*) AS n FROM approvals').first()).toEqual({ n: 0 });
  });

  it('lifts a cooling-off once approved: the other credential can then be sent again', async () => {
    const cell = operator('cellule@isoloir.example');
    const form = (credential: string) => ({ numic: DEMO.numic, credential, resendReason: 'perdu' });
    await cell.post('/operateur/electeurs/renvoi', form('identifier'));
    const blocked = await cell.post('/operateur/electeurs/renvoi', form('password'));
    expect(blocked.status).toBe(409);
    expect(text(blocked.html)).toContain('moins de 24 heures');

    await operator('admin@isoloir.example').post('/operateur/electeurs/delai', {
      numic: DEMO.numic,
      liftReason: 'téléphone perdu',
    });
    const second = operator('second@isoloir.example');
    const id = /\/operateur\/approbations\/([0-9a-f-]{36})/.exec(
      (await second.get('/operateur/approbations')).html,
    )![1]!;
    expect(text((await second.post(`/operateur/approbations/${id}`, { decision: 'approve' })).html)).toContain(
      'Approuvée',
    );
    const after = await cell.post('/operateur/electeurs/renvoi', form('password'));
    expect(text(after.html)).toContain('Envoyé à +33 6•• •• •• 01.');
    expect((await outbox()).some((m) => m.subject?.startsWith('Délai de renouvellement levé'))).toBe(true);
  });
});

describe('the audit trail and the election', () => {
  it('filters by NUMIC (matched by its HMAC) and exports CSV', async () => {
    const admin = operator('admin@isoloir.example');
    await admin.post('/operateur/electeurs', { numic: DEMO.numic });
    await queues.flush();
    const found = await admin.post('/operateur/journal', { numic: DEMO.numic, event: 'operator.' });
    expect(text(found.html)).toContain('operator.voter.open');
    const none = await admin.post('/operateur/journal', { numic: '00654321' });
    expect(text(none.html)).toContain('Aucun événement ne correspond.');
    const csv = await admin.post('/operateur/journal.csv', { event: 'operator.voter' });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.html.split('\r\n')[0]).toBe('at,event,outcome,detail,chain,seq');
    expect(csv.html).toContain('"operator.voter.open"');
    const election = await admin.get('/operateur/election');
    expect(text(election.html)).toContain('Electeurs actifs'.replace('Electeurs', 'Électeurs'));
  });

  it('shows the delivery counts with their charts', async () => {
    const page = await operator('cellule@isoloir.example').get('/operateur/envois');
    expect(page.status).toBe(200);
    expect(page.html).toContain('<svg class="chart"');
    expect(text(page.html)).toContain('SMS, par indicatif de pays');
  });
});
