import { beforeEach, describe, expect, it } from 'vitest';
import { BOOKMARK_COOKIE, requestDatabase } from '../../src/platform/database';
import { DAY, DEMO, harness, seedElection, seedVoter, text } from '../helpers';
import { capturedQueues, linkIn, outbox, pathOf } from '../renewal-helpers';

const bookmarkOf = (res: Response) =>
  new RegExp(`${BOOKMARK_COOKIE}=([^;]+);[^,]*`).exec(res.headers.get('set-cookie') ?? '');

/** A D1 binding that records how it is reached (production code paths, no real database). */
function recordingD1() {
  const calls: string[] = [];
  const session = {
    prepare: () => calls.push('session.prepare'),
    batch: () => calls.push('session.batch'),
    getBookmark: () => 'b',
  };
  const d1 = {
    prepare: () => calls.push('primary.prepare'),
    batch: () => calls.push('primary.batch'),
    exec: () => calls.push('primary.exec'),
    withSession: (c: string) => (calls.push(`withSession:${c}`), session),
  } as unknown as D1Database;
  return { d1, calls };
}

describe('D1 through the Sessions API', () => {
  beforeEach(async () => {
    await seedElection();
    await seedVoter();
  });

  it('opens no session until a query needs one, then an unconstrained one (any replica)', () => {
    const { d1, calls } = recordingD1();
    const r = requestDatabase(d1, undefined);
    expect(calls).toEqual([]);
    expect(r.bookmark()).toBeNull();
    void r.db;
    expect(calls).toEqual(['withSession:first-unconstrained']);
  });

  it("starts from the voter's bookmark, and ignores a cookie that is not one", () => {
    const bookmark = '00000000-00000005-00000000-00000000000000000000000000000000';
    const good = recordingD1();
    void requestDatabase(good.d1, bookmark).db;
    expect(good.calls).toEqual([`withSession:${bookmark}`]);
    const bad = recordingD1();
    void requestDatabase(bad.d1, "'; DROP TABLE voters; --").db;
    expect(bad.calls).toEqual(['withSession:first-unconstrained']);
  });

  it('hands the bookmark over after a renewed identifier, and never on screens that must look the same', async () => {
    // Real time, as the renewal tests do.
    const start = Math.floor(Date.now() / 60_000) * 60_000;
    await seedElection(start - 2 * DAY, start + 4 * DAY);
    const q = capturedQueues();
    const h = harness(start, q.bindings);

    const page = await h.get('/');
    expect(bookmarkOf(page)).toBeNull();
    const login = await h.post('/login', {
      identifier: DEMO.identifier,
      password: DEMO.password,
      ...(await h.code(await page.text())),
    });
    expect(login.status).toBe(303);
    expect(bookmarkOf(login)).toBeNull();

    // Écran 3 answers the same bytes whoever asks: no bookmark, which would tell a write apart.
    const form = await (await h.get('/identifiant-perdu')).text();
    const asked = await h.post('/identifiant-perdu', { numic: DEMO.numic, email: DEMO.email, ...(await h.code(form)) });
    expect(asked.status).toBe(200);
    expect(bookmarkOf(asked)).toBeNull();

    await q.flush();
    const link = await (await h.get(pathOf(linkIn((await outbox(h))[0]!)))).text();
    const ref = /name="ref" value="([^"]+)"/.exec(link)![1]!;
    const token = /name="token" value="([^"]+)"/.exec(link)![1]!;
    const renewed = await h.post('/r', { ref, token, password: DEMO.password, ...(await h.code(link)) });
    expect(renewed.status).toBe(200);
    const cookie = bookmarkOf(renewed);
    expect(cookie?.[1]).toMatch(/^[0-9a-f]{8}-/);
    expect(cookie?.[0]).toMatch(/HttpOnly/i);
    expect(cookie?.[0]).toMatch(/Secure/i);
    expect(cookie?.[0]).toMatch(/SameSite=Lax/i);

    // The login right after, carrying it, reads the new identifier; a garbage cookie changes nothing.
    const identifier = /\b([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})\b/.exec(text(await renewed.text()))![1]!;
    const next = await h.get('/', { cookie: `${BOOKMARK_COOKIE}=${cookie![1]}` });
    const again = await h.post(
      '/login',
      { identifier, password: DEMO.password, ...(await h.code(await next.text())) },
      { cookie: `${BOOKMARK_COOKIE}=${cookie![1]}` },
    );
    expect(again.status).toBe(303);
    expect((await h.get('/', { cookie: `${BOOKMARK_COOKIE}=not-a-bookmark` })).status).toBe(200);
  });
});
