import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { issueChallenge } from '../../src/platform/captcha/challenge';
import { hmacHex } from '../../src/platform/crypto';
import type { Services } from '../../src/platform/services';
import { renewedAt } from '../access-state';
import { countingServices, expectSameWork } from '../counting';
import { DAY, DEMO, T0, harness, seedElection, seedVoter, text, type Harness } from '../helpers';
import { capturedQueues, linkIn, outbox, pathOf, type OutboxMessage } from '../renewal-helpers';

const HOUR = 3_600_000;
const SECOND = {
  numic: '00654321',
  email: 'second@example.org',
  phone: '+33600000002',
  identifier: 'PQRS-TVWX-YZ23',
  password: 'Vote-2022-Bis',
};

/**
 * Tests start at the real time rather than the fixed T0 of 2022, and move the injected clock
 * forward for expiry. (AccessState's alarm bridges the two clocks by durations, so either
 * would do: test/durable/access-state.test.ts.)
 */
let START = 0;

beforeEach(async () => {
  START = Math.floor(Date.now() / 60_000) * 60_000;
  await seedElection(START - 2 * DAY, START + 4 * DAY);
  await seedVoter();
  await seedVoter({ ...SECOND, language: 'en' });
});

async function code(h: Harness) {
  const { id, challenge } = await issueChallenge(env.CAPTCHA_KEY, h.now, 'fr');
  return { captchaId: id, captcha: challenge.digits };
}

/** The password form filled in and sent. */
async function ask(h: Harness, identifier = DEMO.identifier, numic = DEMO.numic, headers: Record<string, string> = {}) {
  return h.post('/mot-de-passe-perdu', { identifier, numic, ...(await code(h)) }, headers);
}

async function login(h: Harness, identifier: string, password: string) {
  return h.post('/login', { identifier, password, ...(await code(h)) });
}

function setup() {
  const q = capturedQueues();
  const h = harness(START, q.bindings);
  return {
    h,
    q,
    async deliver(): Promise<OutboxMessage[]> {
      await q.flush();
      return outbox(h);
    },
  };
}

/** The password in an SMS: alone on its line. */
function passwordIn(sms: OutboxMessage): string {
  const line = sms.text.split('\n').find((l) => /^[a-z2-9]{12}$/.test(l));
  if (!line) throw new Error(`no password line in: ${sms.text}`);
  return line;
}

describe('password renewal', () => {
  it('shows its texts, reached from the login screen', async () => {
    const h = harness(START);
    expect(await (await h.get('/')).text()).toContain('href="/mot-de-passe-perdu"');
    const res = await h.get('/mot-de-passe-perdu');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const page = text(await res.text());
    for (const s of [
      'Renouvellement de votre mot de passe',
      'Identifiant',
      'NUMIC',
      'Saisissez les 4 chiffres ci-dessus',
      'Demander un nouveau mot de passe',
      'Revenir sur le portail de vote',
      "Pour des raisons de sécurité, il n'est pas possible de renouveler à la fois son identifiant et son mot de passe.",
      'Un nouveau mot de passe vous sera envoyé par SMS',
    ]) {
      expect(page).toContain(s);
    }
  });

  it('sends a new password by SMS, alone on its line; it logs in and the old one no longer does', async () => {
    const { h, deliver } = setup();
    const res = await ask(h);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const page = text(await res.text());
    for (const s of [
      'Confirmation du renouvellement de votre mot de passe',
      'Votre demande a bien été prise en compte.',
      'Un SMS vient de vous être envoyé.',
      'patientez encore un peu',
      'vérifiez que le numéro de téléphone enregistré par votre consulat',
      'contactez la cellule d’assistance.',
    ]) {
      expect(page).toContain(s);
    }
    const messages = await deliver();
    expect(messages.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    const sms = messages.find((m) => m.channel === 'sms')!;
    expect(sms.to).toBe(DEMO.phone);
    const password = passwordIn(sms);
    expect(sms.text).toContain('votre nouveau mot de passe est\n' + password + '\n');
    const notice = messages.find((m) => m.channel === 'email')!;
    expect(notice.to).toBe(DEMO.email);
    expect(notice.subject).toContain('Votre mot de passe a été renouvelé');
    expect(notice.text).toContain('contactez sans attendre la cellule d’assistance');
    // Never a password by e-mail.
    expect(notice.text + notice.html).not.toContain(password);
    expect((await login(h, DEMO.identifier, DEMO.password)).status).toBe(401);
    expect((await login(h, DEMO.identifier, password)).status).toBe(303);
  });

  it('accepts the identifier in any case and without separators, the NUMIC without its zeros', async () => {
    const { h, deliver } = setup();
    expect((await ask(h, 'abcd efgh jkmn', '123456')).status).toBe(200);
    expect((await deliver()).filter((m) => m.channel === 'sms')).toHaveLength(1);
  });

  it('writes to a voter in the voter’s language', async () => {
    const { h, deliver } = setup();
    await ask(h, SECOND.identifier, SECOND.numic);
    const sms = (await deliver()).find((m) => m.channel === 'sms')!;
    expect(sms.to).toBe(SECOND.phone);
    expect(sms.text).toContain('your new password is');
  });

  it('answers an unknown identifier and a wrong NUMIC with the same bytes and the same work, and sends nothing', async () => {
    const q = capturedQueues();
    const counting = countingServices();
    const h = harness(START, q.bindings, counting.decorate);
    const run = async (identifier: string, numic: string) => {
      const filled = { identifier, numic, ...(await code(h)) };
      counting.log.reset();
      const res = await h.post('/mot-de-passe-perdu', filled);
      return { status: res.status, headers: [...res.headers], body: await res.text(), work: [...counting.log.calls] };
    };
    await run('WXYZ-2345-6789', '00111111'); // warms the isolate's caches
    const matched = await run(DEMO.identifier, DEMO.numic);
    const unknown = await run('ZZZZ-ZZZZ-ZZZZ', DEMO.numic);
    const wrongNumic = await run(SECOND.identifier, DEMO.numic);
    expect(matched.status).toBe(200);
    // The work that makes the promise worth testing is there on the matching path.
    for (const call of [
      'voters.byIdentifierHmac',
      'guard.hit',
      'guard.completeDirectRenewal',
      'hasher.hash',
      'delivery.relay',
    ])
      expect(matched.work).toContain(call);
    expect(matched.work.filter((c) => c === 'voters.renewPassword')).toHaveLength(1);
    for (const other of [unknown, wrongNumic]) {
      expect({ ...other, work: [] }).toEqual({ ...matched, work: [] });
      // The SMS and the notice are outbox rows in the same batch: decoys for nobody.
      expectSameWork(matched.work, other.work);
    }
    await q.flush();
    const sms = (await outbox(h)).filter((m) => m.channel === 'sms');
    expect(sms.map((m) => m.to)).toEqual([DEMO.phone]);
    // Neither the unknown identifier nor the wrong NUMIC changed anybody's password.
    expect((await login(h, SECOND.identifier, SECOND.password)).status).toBe(303);
  });

  it('would see one extra call on one path: the comparison of work can fail', async () => {
    const counting = countingServices();
    // A careless change: a matching request reads its voter a second time.
    const leaky = (s: Services): Services => {
      const counted = counting.decorate(s);
      const byIdentifierHmac = counted.voters.byIdentifierHmac;
      counted.voters = {
        ...counted.voters,
        byIdentifierHmac: async (hmac) => {
          const voter = await byIdentifierHmac(hmac);
          if (voter) await counted.voters.byId(voter.id);
          return voter;
        },
      };
      return counted;
    };
    const h = harness(START, capturedQueues().bindings, leaky);
    const run = async (identifier: string, numic: string) => {
      const filled = { identifier, numic, ...(await code(h)) };
      counting.log.reset();
      await h.post('/mot-de-passe-perdu', filled);
      return [...counting.log.calls];
    };
    const matched = await run(DEMO.identifier, DEMO.numic);
    const unknown = await run('ZZZZ-ZZZZ-ZZZZ', DEMO.numic);
    expect(() => expectSameWork(matched, unknown)).toThrow(/same calls/);
  });

  it('refuses a malformed identifier or NUMIC with field errors, and a wrong code without any hash', async () => {
    const h = harness(START);
    const res = await h.post('/mot-de-passe-perdu', { identifier: 'nope', numic: 'x1', ...(await code(h)) });
    expect(res.status).toBe(400);
    const page = text(await res.text());
    expect(page).toContain("L'identifiant comporte 12 caractères");
    expect(page).toContain('Le NUMIC comporte 8 chiffres');
    const { captchaId, captcha } = await code(h);
    const wrong = await h.post('/mot-de-passe-perdu', {
      identifier: DEMO.identifier,
      numic: DEMO.numic,
      captchaId,
      captcha: captcha === '0000' ? '0001' : '0000',
    });
    expect(wrong.status).toBe(400);
    expect(text(await wrong.text())).toContain('Le code de sécurité est incorrect');
    expect(h.counts.hash + h.counts.verify).toBe(0);
  });

  it('throttles a voter to 3 a day, the same for an unknown pair, without touching another voter', async () => {
    const { h, deliver } = setup();
    const known = [];
    const unknown = [];
    for (let i = 0; i < 4; i++) {
      known.push(await ask(h));
      unknown.push(await ask(h, 'ZZZZ-ZZZZ-ZZZZ', '00999999'));
      h.now += 60_000;
    }
    expect(known.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    expect(unknown.map((r) => r.status)).toEqual([200, 200, 200, 429]);
    const notice = async (r: Response) =>
      text(/<div class="notice[^"]*" role="status">([\s\S]*?)<\/div>/.exec(await r.text())?.[1] ?? '');
    const knownNotice = await notice(known[3]!);
    expect(knownNotice).toContain('Aucun SMS n’a été envoyé pour cette demande.');
    expect(knownNotice).toMatch(/dans 24 heure\(s\)/);
    expect(await notice(unknown[3]!)).toBe(knownNotice);
    expect((await ask(h, SECOND.identifier, SECOND.numic)).status).toBe(200);
    // Whoever knows only the NUMIC cannot use up the voter's allowance.
    for (let i = 0; i < 4; i++) await ask(h, `ZZZZ-ZZZZ-ZZZ${i}`, SECOND.numic);
    expect((await ask(h, SECOND.identifier, SECOND.numic)).status).toBe(200);
    expect((await deliver()).filter((m) => m.channel === 'sms')).toHaveLength(5);
    h.now = START + DAY + 1;
    expect((await ask(h)).status).toBe(200);
  });

  it('ends every session of the voter', async () => {
    const { h } = setup();
    const logged = await login(h, DEMO.identifier, DEMO.password);
    const cookie = logged.headers.get('set-cookie')!.split(';')[0]!;
    expect((await h.get('/espace', { cookie })).status).toBe(200);
    await ask(h);
    const space = await h.get('/espace', { cookie });
    expect(space.status).toBe(401);
    expect(text(await space.text())).toContain('Votre session a pris fin.');
  });

  it('records the renewal in the audit trail, without any secret', async () => {
    const { h, q, deliver } = setup();
    await ask(h);
    await ask(h, 'ZZZZ-ZZZZ-ZZZZ', DEMO.numic);
    const password = passwordIn((await deliver()).find((m) => m.channel === 'sms')!);
    const numicHmac = await hmacHex(env.NUMIC_HMAC_KEY, DEMO.numic);
    const rows = (await env.DB.prepare('SELECT event, numic_hmac, outcome FROM audit_events ORDER BY id').all())
      .results;
    expect(rows).toEqual([
      { event: 'password-renewal', numic_hmac: numicHmac, outcome: 'success' },
      { event: 'password-renewal', numic_hmac: numicHmac, outcome: 'no-match' },
    ]);
    const voter = await env.DB.prepare('SELECT session_generation, password_renewed_at FROM voters WHERE numic = ?')
      .bind(DEMO.numic)
      .first();
    expect(voter).toEqual({ session_generation: 1, password_renewed_at: h.now });
    // No queued message holds the password in clear (its secret part is sealed).
    const queued = q.deliveries().map((m) => JSON.stringify(m.body));
    expect(queued.join('\n')).not.toContain(password);
    expect(JSON.stringify(rows)).not.toContain(password);
  });

  it('never writes the new password in a log line, ours or the delivery consumer’s', async () => {
    const lines: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((m) =>
      vi.spyOn(console, m).mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' '))),
    );
    try {
      const { h, deliver } = setup();
      await ask(h);
      const password = passwordIn((await deliver()).find((m) => m.channel === 'sms')!);
      expect(lines.join('\n')).toContain('sms');
      expect(lines.join('\n')).not.toContain(password);
    } finally {
      for (const s of spies) s.mockRestore();
    }
  });

  it('says the vote is closed after closing', async () => {
    await seedElection();
    const h = harness(T0 + 5 * DAY);
    const page = text(await (await h.get('/mot-de-passe-perdu')).text());
    expect(page).toContain('Le vote est clos depuis le lundi 25 avril 2022 11:14 (heure de Paris)');
    expect(page).not.toContain('Demander un nouveau mot de passe');
  });

  it('keeps the current password when D1 cannot take the new one, and forgets the renewal in the object', async () => {
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
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const res = await ask(h);
    errors.mockRestore();
    expect(res.status).toBe(503);
    expect(text(await res.text())).toContain('votre mot de passe actuel reste valable');
    await q.flush();
    expect((await outbox(h)).length).toBe(0);
    expect(await renewedAt(await hmacHex(env.NUMIC_HMAC_KEY, DEMO.numic), 'password', h.now)).toBeNull();
    expect((await login(harness(START), DEMO.identifier, DEMO.password)).status).toBe(303);
  });
});

describe('the one-at-a-time rule', () => {
  /** Asks for an identifier link and returns its path. */
  async function identifierLink(h: Harness, deliver: () => Promise<OutboxMessage[]>) {
    const before = (await deliver()).length;
    expect(
      (await h.post('/identifiant-perdu', { numic: DEMO.numic, email: DEMO.email, ...(await code(h)) })).status,
    ).toBe(200);
    const mails = await deliver();
    expect(mails.length).toBe(before + 1);
    return pathOf(linkIn(mails.at(-1)!));
  }

  async function validate(h: Harness, path: string, password: string) {
    const page = await (await h.get(path)).text();
    const ref = /name="ref" value="([^"]+)"/.exec(page)?.[1] ?? '';
    const token = /name="token" value="([^"]+)"/.exec(page)?.[1] ?? '';
    return h.post('/r', { ref, token, password, ...(await code(h)) });
  }

  it('refuses a password renewal within 24 hours of an identifier renewal, plainly, pointing to the assistance', async () => {
    const { h, deliver } = setup();
    const path = await identifierLink(h, deliver);
    const renewed = await validate(h, path, DEMO.password);
    expect(renewed.status).toBe(200);
    const identifier = /id="new-identifier"[^>]*>([A-Z0-9-]+)</.exec(await renewed.text())![1]!;
    h.now += 23 * HOUR;
    const res = await ask(h, identifier, DEMO.numic);
    expect(res.status).toBe(409);
    const html = await res.text();
    expect(text(html)).toContain('Votre identifiant a été renouvelé il y a moins de 24 heures');
    expect(text(html)).toContain(
      "Pour des raisons de sécurité, il n'est pas possible de renouveler à la fois son identifiant et son mot de passe.",
    );
    expect(html).toContain('href="/aide"');
    expect((await deliver()).filter((m) => m.channel === 'sms')).toHaveLength(1); // the identifier notice only
    expect((await login(h, identifier, DEMO.password)).status).toBe(303);
    // An unknown identifier or a wrong NUMIC still gets the ordinary confirmation.
    expect((await ask(h, DEMO.identifier, DEMO.numic)).status).toBe(200);
    expect((await ask(h, identifier, '00999999')).status).toBe(200);
    h.now += HOUR;
    expect((await ask(h, identifier, DEMO.numic)).status).toBe(200);
  });

  it('refuses an identifier renewal within 24 hours of a password renewal, and a pending link never blocks a password renewal', async () => {
    const { h, deliver } = setup();
    const path = await identifierLink(h, deliver);
    // The pending link does not stop the password renewal.
    expect((await ask(h)).status).toBe(200);
    const password = passwordIn((await deliver()).find((m) => m.channel === 'sms')!);
    const res = await validate(h, path, password);
    expect(res.status).toBe(409);
    expect(text(await res.text())).toContain('Votre mot de passe a été renouvelé il y a moins de 24 heures');
    expect((await login(h, DEMO.identifier, password)).status).toBe(303);
  });

  it('never lets an identifier completion and a password renewal racing for one NUMIC both win', async () => {
    const { h, deliver } = setup();
    let currentIdentifier = DEMO.identifier;
    let currentPassword = DEMO.password;
    for (let round = 0; round < 3; round++) {
      const path = await identifierLink(h, deliver);
      const page = await (await h.get(path)).text();
      const ref = /name="ref" value="([^"]+)"/.exec(page)![1]!;
      const token = /name="token" value="([^"]+)"/.exec(page)![1]!;
      const identifierBefore = (await env.DB.prepare(
        'SELECT identifier_hmac, password_hash FROM voters WHERE numic = ?',
      )
        .bind(DEMO.numic)
        .first())!;
      const [completion, renewal] = await Promise.all([
        h.post('/r', { ref, token, password: currentPassword, ...(await code(h)) }),
        ask(h, currentIdentifier, DEMO.numic),
      ]);
      const after = (await env.DB.prepare('SELECT identifier_hmac, password_hash FROM voters WHERE numic = ?')
        .bind(DEMO.numic)
        .first())!;
      const identifierChanged = after.identifier_hmac !== identifierBefore.identifier_hmac;
      const passwordChanged = after.password_hash !== identifierBefore.password_hash;
      expect(identifierChanged && passwordChanged).toBe(false);
      expect(identifierChanged || passwordChanged).toBe(true);
      expect(
        [completion.status, renewal.status].filter((s) => s === 409).length + (completion.status === 401 ? 1 : 0),
      ).toBe(1);
      const completed = completion.status === 200 ? await completion.text() : '';
      if (identifierChanged) currentIdentifier = /id="new-identifier"[^>]*>([A-Z0-9-]+)</.exec(completed)![1]!;
      if (passwordChanged) {
        const sms = (await deliver()).filter((m) => m.channel === 'sms' && m.text.includes('mot de passe est'));
        currentPassword = passwordIn(sms.at(-1)!);
      }
      h.now += 25 * HOUR;
    }
    expect((await login(h, currentIdentifier, currentPassword)).status).toBe(303);
  }, 60_000);
});
