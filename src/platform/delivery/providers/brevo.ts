/**
 * Brevo's transactional API over HTTP, for e-mail and SMS.
 *
 * E-mail: POST {base}/v3/smtp/email with { sender, to, subject, textContent, htmlContent }.
 * SMS: POST {base}/v3/transactionalSMS/send with { sender, recipient, content, type }. Brevo
 * deprecated the older POST /v3/transactionalSMS/sms for this one (same request body, answer
 * reduced to { messageId }). Both authenticate with the `api-key` header and answer 201.
 *
 * Errors answer { code, message }. 429 and 5xx are worth trying again (Brevo's rate limits and
 * outages pass); any other 4xx (bad address, unknown key, no SMS credit) will not get better.
 */
import type { OutboundMessage, Provider, ProviderAnswer } from '../types';
import { errorName } from '../../log';
import { providerCode, providerId, scrub } from './answer';

export const BREVO_DEFAULT_URL = 'https://api.brevo.com';
export const BREVO_EMAIL_PATH = '/v3/smtp/email';
export const BREVO_SMS_PATH = '/v3/transactionalSMS/send';
/** A provider that hangs must not hold the batch: the message is retried instead. */
const TIMEOUT_MS = 10_000;

export interface BrevoConfig {
  apiKey: string;
  baseUrl?: string;
  fromEmail?: string;
  fromName?: string;
  smsSender?: string;
  /** The outbound fetch; tests route it to a local fake of Brevo. */
  fetch?: typeof fetch;
}

/** The Brevo provider; a missing sender setting is a failed (not retryable) answer. */
export function brevoProvider(config: BrevoConfig): Provider {
  const base = (config.baseUrl || BREVO_DEFAULT_URL).replace(/\/+$/, '');
  const send = config.fetch ?? ((input, init) => fetch(input, init));

  async function post(path: string, body: unknown): Promise<ProviderAnswer> {
    let res: Response;
    try {
      res = await send(`${base}${path}`, {
        method: 'POST',
        headers: { 'api-key': config.apiKey, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
    } catch (err) {
      // Network failure or timeout: the request may not have reached Brevo; try again later.
      return {
        ok: false,
        retryable: true,
        answer: `network: ${errorName(err)}`,
        code: `network_${errorName(err)}`,
      };
    }
    const payload = (await res.json().catch(() => null)) as {
      messageId?: unknown;
      code?: unknown;
      message?: unknown;
    } | null;
    if (res.ok) {
      const id = providerId(payload?.messageId);
      return {
        ok: true,
        retryable: false,
        answer: `HTTP ${res.status} messageId=${id}`,
        code: `http_${res.status}`,
        ...(id ? { providerMessageId: id } : {}),
      };
    }
    const detail = [payload?.code, payload?.message].filter((v) => typeof v === 'string').join(': ');
    const code = providerCode(payload?.code);
    return {
      ok: false,
      retryable: res.status === 429 || res.status >= 500,
      answer: scrub(`HTTP ${res.status}${detail ? ` ${detail}` : ''}`),
      code: `http_${res.status}${code ? `_${code}` : ''}`,
      retryAfterSeconds: retryAfter(res.headers.get('retry-after')),
    };
  }

  return {
    name: 'brevo',
    async deliver(m: Omit<OutboundMessage, 'secret'>): Promise<ProviderAnswer> {
      if (m.channel === 'sms') {
        if (!config.smsSender) return notConfigured('DELIVERY_SMS_SENDER');
        return post(BREVO_SMS_PATH, {
          sender: config.smsSender,
          recipient: m.to.replace(/[\s.-]/g, ''),
          content: m.text,
          type: 'transactional',
          // French texts keep their accents (Brevo would otherwise transliterate them).
          unicodeEnabled: true,
          tag: m.purpose,
        });
      }
      if (!config.fromEmail) return notConfigured('DELIVERY_FROM_EMAIL');
      return post(BREVO_EMAIL_PATH, {
        sender: config.fromName ? { name: config.fromName, email: config.fromEmail } : { email: config.fromEmail },
        to: [{ email: m.to }],
        subject: m.subject ?? '',
        textContent: m.text,
        ...(m.html ? { htmlContent: m.html } : {}),
        tags: [m.purpose],
      });
    },
  };
}

function notConfigured(setting: string): ProviderAnswer {
  return { ok: false, retryable: false, answer: `not configured: ${setting} is empty`, code: 'not_configured' };
}

/** Retry-After in seconds (HTTP allows seconds or a date; Brevo sends seconds). */
function retryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : undefined;
}
