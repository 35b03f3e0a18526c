/**
 * One error type for the whole app and the one place that maps an error to what the voter
 * gets: services throw `AppError(code)`, `onError` (src/app.tsx) asks `describeError` for the
 * status and the translated message.
 */
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { MessageKey } from '../i18n';

export type ErrorCode =
  | 'not_found'
  | 'bad_request'
  | 'forbidden'
  | 'payload_too_large'
  | 'misconfigured'
  | 'storage_unavailable'
  | 'internal';

export const ERRORS: Record<ErrorCode, { status: ContentfulStatusCode; message: MessageKey }> = {
  not_found: { status: 404, message: 'error.notFound' },
  bad_request: { status: 400, message: 'error.badRequest' },
  forbidden: { status: 403, message: 'error.forbidden' },
  payload_too_large: { status: 413, message: 'error.tooLarge' },
  misconfigured: { status: 500, message: 'error.misconfigured' },
  storage_unavailable: { status: 503, message: 'error.unavailable' },
  internal: { status: 500, message: 'error.internal' },
};

/**
 * What a 503 tells the client to wait before trying again (HTTP Retry-After, in seconds): a
 * binding's outage is usually over within a minute, and a client that waits this long does not
 * add to the load of one that is coming back. Every 503 carries it (app.tsx sets it in one place).
 */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 30;

/**
 * Why, when the code alone does not say it. One of ours, never text from elsewhere: the log
 * line of a failed request carries it (platform/log.ts).
 */
export type ErrorReason = 'election_not_loaded';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly reason?: ErrorReason,
    options?: ErrorOptions,
  ) {
    super(reason ?? code, options);
    this.name = 'AppError';
  }
}

export interface ErrorAnswer {
  code: ErrorCode;
  status: ContentfulStatusCode;
  message: MessageKey;
}

/**
 * What any thrown error becomes. An `AppError` says its code; Hono's own `HTTPException`s
 * keep their status (the CSRF check's 403 stays a 403); anything else is, in practice, a
 * binding that failed (D1, KV, a Durable Object, a queue): the voter is told the request was
 * not taken into account and to try again.
 */
export function describeError(err: unknown): ErrorAnswer {
  if (err instanceof AppError) return { code: err.code, ...ERRORS[err.code] };
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const code: ErrorCode =
      status === 403 ? 'forbidden' : status === 413 ? 'payload_too_large' : status < 500 ? 'bad_request' : 'internal';
    return { code, status, message: ERRORS[code].message };
  }
  return { code: 'storage_unavailable', ...ERRORS.storage_unavailable };
}
