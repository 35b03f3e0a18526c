/**
 * Which provider carries a message, decided by configuration alone:
 * - DEV_TOOLS = "1" (local development, tests): the outbox, for both channels;
 * - else BREVO_API_KEY set: Brevo, for both channels (SMS only ever goes through Brevo);
 * - else an e-mail goes through the `send_email` binding when it is declared.
 * No provider is an answer (null), never a crash: the consumer records a failed outcome.
 */
import type { Channel, Provider } from '../types';
import { brevoProvider } from './brevo';
import { outboxProvider } from './outbox';
import { sendEmailProvider } from './send-email';

export { brevoProvider, BREVO_DEFAULT_URL, BREVO_EMAIL_PATH, BREVO_SMS_PATH } from './brevo';
export { outboxProvider } from './outbox';
export { sendEmailProvider } from './send-email';
export { redact, scrub } from './answer';

export function providerFor(env: Cloudflare.Env, channel: Channel, now: () => number): Provider | null {
  if (env.DEV_TOOLS === '1') return outboxProvider(env.DB, now);
  if (env.BREVO_API_KEY) {
    return brevoProvider({
      apiKey: env.BREVO_API_KEY,
      baseUrl: env.BREVO_API_URL,
      fromEmail: env.DELIVERY_FROM_EMAIL,
      fromName: env.DELIVERY_FROM_NAME,
      smsSender: env.DELIVERY_SMS_SENDER,
    });
  }
  if (channel === 'email' && env.EMAIL) {
    return sendEmailProvider({
      binding: env.EMAIL,
      fromEmail: env.DELIVERY_FROM_EMAIL,
      fromName: env.DELIVERY_FROM_NAME,
    });
  }
  return null;
}
