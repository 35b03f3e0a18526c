/**
 * The Cloudflare Email Service `send_email` binding (beta), for e-mail only.
 *
 * `env.EMAIL.send({ from, to, subject, text, html })` resolves to `{ messageId }` and throws an
 * Error with a `code` when Cloudflare refuses or fails. Refusals about the message itself
 * (validation, unverified sender, suppressed recipient…) will not change on a retry; rate
 * limits, delivery and internal errors, and any code the beta adds later, are tried again —
 * the retry count is capped and the last attempt records a failed outcome anyway.
 */
import type { OutboundMessage, Provider, ProviderAnswer } from '../types';
import { providerCode, providerId, scrub } from './answer';

/** Codes (Cloudflare's Workers API reference) that another attempt cannot fix. */
const PERMANENT = new Set([
  'E_VALIDATION_ERROR',
  'E_FIELD_MISSING',
  'E_TOO_MANY_RECIPIENTS',
  'E_SENDER_NOT_VERIFIED',
  'E_RECIPIENT_NOT_ALLOWED',
  'E_RECIPIENT_SUPPRESSED',
  'E_SENDER_DOMAIN_NOT_AVAILABLE',
  'E_CONTENT_TOO_LARGE',
  'E_HEADER_NOT_ALLOWED',
  'E_HEADER_USE_API_FIELD',
  'E_HEADER_VALUE_INVALID',
  'E_HEADER_VALUE_TOO_LONG',
  'E_HEADER_NAME_INVALID',
  'E_HEADERS_TOO_LARGE',
  'E_HEADERS_TOO_MANY',
]);

export interface SendEmailConfig {
  binding: SendEmail;
  fromEmail?: string;
  fromName?: string;
}

export function sendEmailProvider(config: SendEmailConfig): Provider {
  return {
    name: 'send_email',
    async deliver(m: Omit<OutboundMessage, 'secret'>): Promise<ProviderAnswer> {
      if (m.channel !== 'email')
        return { ok: false, retryable: false, answer: 'send_email carries e-mail only', code: 'channel_not_supported' };
      if (!config.fromEmail)
        return {
          ok: false,
          retryable: false,
          answer: 'not configured: DELIVERY_FROM_EMAIL is empty',
          code: 'not_configured',
        };
      try {
        const result = await config.binding.send({
          from: config.fromName ? { name: config.fromName, email: config.fromEmail } : config.fromEmail,
          to: m.to,
          subject: m.subject ?? '',
          text: m.text,
          ...(m.html ? { html: m.html } : {}),
        });
        return {
          ok: true,
          retryable: false,
          answer: `accepted messageId=${providerId(result?.messageId)}`,
          code: 'accepted',
        };
      } catch (err) {
        const e = err as { code?: unknown; message?: unknown } | null;
        const code = typeof e?.code === 'string' ? e.code : '';
        const label = [code, e?.message].filter((v) => typeof v === 'string' && v !== '').join(': ');
        return {
          ok: false,
          retryable: !PERMANENT.has(code),
          answer: scrub(`send_email refused: ${label || 'error'}`, [m.to]),
          code: providerCode(code) ?? 'refused',
        };
      }
    },
  };
}
