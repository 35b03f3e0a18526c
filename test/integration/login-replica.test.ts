// A read replica may lag behind the primary for a moment after a renewal. The login must not
// let an old password (or identifier) in meanwhile: the voter's Durable Object knows of the
// renewal, and the login then reads the voter from the primary.
import { env } from 'cloudflare:test';
import { beforeEach, describe, expect, it } from 'vitest';
import { attemptLogin } from '../../src/features/login/service';
import { hmacHex } from '../../src/platform/crypto';
import { recordRenewal } from '../access-state';
import { hashPassword } from '../../src/platform/passwords';
import { buildServices } from '../../src/platform/services';
import type { Voter } from '../../src/db/schema';
import { DEMO, T0, countingHasher, seedElection, seedVoter } from '../helpers';

async function attempt(stale: Voter, password: string) {
  const { hasher } = countingHasher();
  const s = buildServices(env, { clock: () => T0, hasher });
  // The replica answers with the row as it was before the renewal.
  s.voters = { ...s.voters, byIdentifierHmac: async () => stale };
  const captchaId = await s.captcha.issue(T0, 'fr');
  const captcha = (await s.captcha.pendingDigits(captchaId, T0))!;
  return attemptLogin(s, { identifier: DEMO.identifier, password, captcha, captchaId, clientAddress: '192.0.2.1' });
}

describe('login against a lagging read replica', () => {
  let stale: Voter;
  beforeEach(async () => {
    await seedElection();
    await seedVoter({ password: 'the-new-password' });
    const row = (await env.DB.prepare('SELECT * FROM voters WHERE numic = ?').bind(DEMO.numic).first())!;
    stale = {
      id: row.id as number,
      electionId: 1,
      numic: DEMO.numic,
      email: DEMO.email,
      phone: DEMO.phone,
      identifierHmac: row.identifier_hmac as string,
      passwordHash: await hashPassword(DEMO.password),
      language: 'fr',
      constituency: '1',
      consulate: null,
      convokedAt: T0 - 86_400_000,
      deactivatedAt: null,
      seenRun: null,
      convokedRound: 0,
      sessionGeneration: 0,
      identifierRenewedAt: null,
      passwordRenewedAt: null,
      createdAt: T0 - 86_400_000,
      updatedAt: T0 - 86_400_000,
    };
  });

  it('would accept the old password from the stale row if nothing knew of the renewal', async () => {
    expect((await attempt(stale, DEMO.password)).kind).toBe('ok');
  });

  it("refuses the old password and accepts the new one once the voter's object knows of the renewal", async () => {
    const numicHmac = await hmacHex(env.NUMIC_HMAC_KEY, DEMO.numic);
    await recordRenewal(numicHmac, 'password', T0 - 60_000);
    expect((await attempt(stale, DEMO.password)).kind).toBe('failed');
    expect((await attempt(stale, 'the-new-password')).kind).toBe('ok');
  });
});
