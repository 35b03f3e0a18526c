/**
 * The D1 bookmark cookie (see platform/database.ts): read on every request, handed back
 * after a request other than GET that reached D1, so the voter's next requests read a copy
 * of the database at least as new as that request's writes, wherever their replica is.
 * A bookmark says how new a copy is; it holds no voter data.
 */
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import { BOOKMARK_COOKIE, BOOKMARK_MAX_AGE_S, isBookmark } from './database';

/** The voter's bookmark, if the cookie holds one. */
export function readBookmark(c: Context): string | undefined {
  const value = getCookie(c, BOOKMARK_COOKIE);
  return isBookmark(value) ? value : undefined;
}

/**
 * After a POST (or any method but GET and HEAD) whose D1 session moved past the voter's
 * bookmark, gives them the newer one. Bookmarks sort in time order as strings.
 */
export function handOverBookmark(c: Context, incoming: string | undefined, current: string | null): void {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return;
  if (!current || (incoming !== undefined && current <= incoming)) return;
  setCookie(c, BOOKMARK_COOKIE, current, {
    path: '/',
    secure: true,
    httpOnly: true,
    sameSite: 'Lax',
    maxAge: BOOKMARK_MAX_AGE_S,
  });
}
