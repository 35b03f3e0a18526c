/**
 * One error type for the whole app: services throw `AppError(code)`, one `onError` maps the
 * code to a status and a translated page (see src/app.ts).
 */
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export type ErrorCode =
  'not_found' | 'bad_request' | 'payload_too_large' | 'misconfigured' | 'storage_unavailable' | 'internal';

export const STATUS_OF: Record<ErrorCode, ContentfulStatusCode> = {
  not_found: 404,
  bad_request: 400,
  payload_too_large: 413,
  misconfigured: 500,
  storage_unavailable: 503,
  internal: 500,
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    options?: ErrorOptions,
  ) {
    super(message ?? code, options);
    this.name = 'AppError';
  }
}
