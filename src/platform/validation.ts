/**
 * Shared zod/mini pieces and the bridge from zod errors to translated field errors.
 * Error messages are catalogue keys (see src/i18n/fr.ts).
 */
import * as z from 'zod/mini';
import type { Context, MiddlewareHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { zValidator } from '@hono/zod-validator';
import type { AppEnv } from '../env';
import { isMessageKey, type Translate } from '../i18n';

/** A form's translated error messages, by field name (`form` for the form as a whole). */
export type FieldErrors = Partial<Record<string, string>>;

/** A required text field of at most `max` characters, trimmed unless it is a secret. */
export function requiredText(max: number, trim = true) {
  const base = z.string({ error: 'field.required' });
  return (trim ? base.check(z.trim()) : base).check(
    z.minLength(1, { error: 'field.required' }),
    z.maxLength(max, { error: 'field.tooLong' }),
  );
}

/** The security code's two inputs (SPEC.md: `captcha` and a URL-safe hidden `captchaId`). */
export const captchaFields = {
  captcha: z
    .string({ error: 'field.required' })
    .check(z.trim(), z.minLength(1, { error: 'field.required' }), z.regex(/^\d{4}$/, { error: 'captcha.format' })),
  captchaId: z.string({ error: 'field.required' }).check(z.maxLength(200), z.regex(/^[A-Za-z0-9_-]*$/)),
};

/** First error per field, translated. Unknown keys fall back to the generic message. */
export function fieldErrors(error: z.core.$ZodError, t: Translate): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? 'form');
    if (out[field]) continue;
    out[field] = isMessageKey(issue.message) ? t(issue.message) : t('error.badRequest');
  }
  return out;
}

/**
 * The raw string values of a submitted form (for re-rendering what the voter typed). Bounded
 * (the body limit bounds them anyway), but long enough for the assistance message
 * (2 000 characters): "nothing lost" holds for every field.
 */
export const MAX_ECHOED_CHARS = 4000;

export function formValues(data: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) if (typeof v === 'string') out[k] = v.slice(0, MAX_ECHOED_CHARS);
  }
  return out;
}

/**
 * The posted form's string fields (a file or a repeated field is left out: which of two values
 * was meant cannot be told, and `parseBody` alone would keep the last), or null when the body
 * cannot be read as a form — a multipart body cut short or without its boundary, which
 * `parseBody` throws for: uncaught, onError takes it for a binding that failed (a 503).
 */
export async function readForm(c: Context): Promise<Record<string, string> | null> {
  let body: Record<string, unknown>;
  try {
    body = await c.req.parseBody({ all: true });
  } catch {
    return null;
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === 'string') out[k] = v;
  return out;
}

export type Rerender = (
  c: Context<AppEnv>,
  values: Record<string, string>,
  errors?: FieldErrors,
) => Response | Promise<Response>;

/**
 * Validates a form post with `schema`. A bad form re-renders the same screen with translated
 * field errors and what the voter typed; `intent=refresh` (the "new code" button) re-renders
 * it with a new security code and nothing lost. A body that cannot be read as a form (a
 * multipart body cut short or without its boundary) is answered the same way, with a
 * form-level error: hono's validator throws a 400 for it, which onError would have turned into
 * the bare error page, the voter's form gone.
 */
export function validForm<T extends z.ZodMiniType>(schema: T, rerender: Rerender) {
  const validate = zValidator('form', schema, (result, c) => {
    const ctx = c as unknown as Context<AppEnv>;
    const values = formValues(result.data);
    if (values.intent === 'refresh') return rerender(ctx, values);
    if (!result.success) return rerender(ctx, values, fieldErrors(result.error, ctx.var.t));
  });
  const guarded: MiddlewareHandler = async (c, next) => {
    let validated = false;
    try {
      return await validate(c, async () => {
        validated = true;
        await next();
      });
    } catch (err) {
      // Only the validator's own refusal of the body; anything the handler throws goes on.
      if (validated || !(err instanceof HTTPException) || err.status !== 400) throw err;
      const ctx = c as unknown as Context<AppEnv>;
      return rerender(ctx, {}, { form: ctx.var.t('error.badRequest') });
    }
  };
  return guarded as typeof validate;
}
