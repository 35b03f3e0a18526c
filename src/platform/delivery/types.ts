/**
 * The one delivery interface for e-mail and SMS. Flows build the message (texts from the
 * catalogue, in the voter's language) and hand it to the `delivery` capability (index.ts); the queue consumer
 * hands it to a provider. The secret part of a message (a renewal link, a new password)
 * is given apart, as `secret`, and written in the texts as the placeholder `{{secret}}`:
 * only the consumer puts it in, just before handing the message to the provider, so the
 * queued message never holds it in clear.
 */
export type Channel = 'email' | 'sms';

export const SECRET_PLACEHOLDER = '{{secret}}';

export interface OutboundMessage {
  channel: Channel;
  to: string;
  subject?: string;
  text: string;
  html?: string;
  /** What the message is for, recorded with its outcome (e.g. "identifier-link"). */
  purpose: string;
  /** The voter, as the NUMIC's HMAC, recorded with the outcome. */
  numicHmac?: string | null;
  /** Replaces {{secret}} in text and html at delivery time. */
  secret?: string;
  /** After this instant (epoch ms) the content is stale: dropped, never sent late. */
  expiresAt?: number;
}

/** A provider hands one message to the outside world (or to the local outbox). */
export interface Provider {
  readonly name: string;
  deliver(message: Omit<OutboundMessage, 'secret'>): Promise<ProviderAnswer>;
}

export interface ProviderAnswer {
  ok: boolean;
  /** Whether trying again later may help (5xx, timeouts) — a 4xx will not. */
  retryable: boolean;
  /** Short, secret-free summary of the provider's answer, recorded in `delivery_outcomes`. */
  answer: string;
  /**
   * What a log line says of the answer: a code (`http_400_invalid_parameter`,
   * `network_TypeError`, `E_SENDER_NOT_VERIFIED`), never the provider's own text, which may
   * echo an address or a name (platform/log.ts).
   */
  code: string;
  /** When the provider said how long to wait (HTTP Retry-After), in seconds. */
  retryAfterSeconds?: number;
  /** The provider's id of an accepted message, which its delivery receipts will name. */
  providerMessageId?: string;
}

/** The final outcome of a message, one row in `delivery_outcomes`. */
export type OutcomeStatus = 'sent' | 'failed' | 'expired';
