import { beforeEach, describe, expect, it } from 'vitest';
import { BOOKMARK_COOKIE, requestDatabase } from '../../src/platform/database';
import { DEMO, harness, seedElection, seedVoter } from '../helpers';

const bookmarkOf = (res: Response) =>
  new RegExp(`${BOOKMARK_COOKIE}=([^;]+);[^,]*`).exec(res.headers.get('set-cookie') ?? '');

/** A D1 binding that records how it is reached (production code paths, no real database). */
function recordingD1() {
  const calls: string[] = [];
  const session = { prepare: () => calls.push('session.prepare'), batch: () => calls.push('session.batch'), getBookmark: () => 'b' };
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

  it('starts from the voter\'s bookmark, and ignores a cookie that is not one', () => {
    const bookmark = '00000000-00000005-00000000-00000000000000000000000000000000';
    const good = recordingD1();
    void requestDatabase(good.d1, bookmark).db;
    expect(good.calls).toEqual([`withSession:${bookmark}`]);
    const bad = recordingD1();
    void requestDatabase(bad.d1, "'; DROP TABLE voters; --").db;
    expect(bad.calls).toEqual(['withSession:first-unconstrained']);
  });

  it('hands the bookmark over after a login, not after a screen', async () => {
    const h = harness();
    const page = await h.get('/');
    expect(bookmarkOf(page)).toBeNull();
    const res = await h.post('/login', { identifier: DEMO.identifier, password: DEMO.password, ...(await h.code(await page.text())) });
    expect(res.status).toBe(303);
    const cookie = bookmarkOf(res);
    expect(cookie?.[1]).toMatch(/^[0-9a-f]{8}-/);
    expect(cookie?.[0]).toMatch(/HttpOnly/i);
    expect(cookie?.[0]).toMatch(/Secure/i);
    expect(cookie?.[0]).toMatch(/SameSite=Lax/i);

    // The next request, carrying it, reads at least that new; a garbage cookie changes nothing.
    const again = await h.get('/', { cookie: `${BOOKMARK_COOKIE}=${cookie![1]}` });
    expect(again.status).toBe(200);
    expect((await h.get('/', { cookie: `${BOOKMARK_COOKIE}=not-a-bookmark` })).status).toBe(200);
  });
});
