/**
 * The D1 bookmark cookie (see platform/database.ts): read on every request, handed back
 * after a request whose service asked for it (`Services.readYourWrites()`), so the voter's
 * next requests read a copy of the database at least as new as that request's writes,
 * wherever their replica is. A bookmark says how new a copy is; it holds no voter data.
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
 * Gives the voter `kept` (the bookmark a service asked to hand over) when it is newer than
 * the one they came with. Bookmarks sort in time order as strings.
 */
export function handOverBookmark(c: Context, incoming: string | undefined, kept: string | null): void {
  if (!kept || (incoming !== undefined && kept <= incoming)) return;
  setCookie(c, BOOKMARK_COOKIE, kept, {
    path: '/',
    secure: true,
    httpOnly: true,
    sameSite: 'Lax',
    maxAge: BOOKMARK_MAX_AGE_S,
  });
}
