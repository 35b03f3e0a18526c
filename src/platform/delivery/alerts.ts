/**
 * Delivery alerts (the every-minute cron): when a channel's delivered share for one country
 * calling code or e-mail domain falls below the threshold over a quarter of an hour — with at
 * least a minimum volume, so three messages to a small country do not page anyone — the
 * operators are told, by e-mail and through a webhook into their chat room (the e-mail may be
 * the failing channel), and told again when it recovers. Which segments are alerting is kept in
 * D1 (`delivery_alerts`) so each change is told once.
 *
 * The window is the 15 minutes that ended RECEIPT_GRACE_MS ago: a message handed over a minute
 * ago has rarely had its receipt yet, and counting it would raise an alarm at every burst.
 */
import { eq } from 'drizzle-orm';
import { deliveryAlerts } from '../../db/schema';
import type { Database } from '../database';
import { log } from '../log';
import { deliveredPermille, segmentStats, type SegmentStats } from './stats';
import type { OutboundMessage } from './types';

export const ALERT_WINDOW_MS = 15 * 60_000;
export const RECEIPT_GRACE_MS = 5 * 60_000;

export interface AlertConfig {
  /** The delivered share below which a segment alerts, in percent. */
  thresholdPercent: number;
  /** Messages in the window below which a segment is not judged. */
  minVolume: number;
  recipients: string[];
  webhookUrl?: string;
}

export interface AlertChange {
  key: string;
  kind: 'down' | 'up';
  stats: SegmentStats;
  permille: number;
}

/** The settings as wrangler.toml's [vars] give them (bad values fall back to the defaults). */
export function alertConfig(env: {
  ALERT_THRESHOLD_PERCENT?: string;
  ALERT_MIN_VOLUME?: string;
  ALERT_RECIPIENTS?: string;
  ALERT_WEBHOOK_URL?: string;
}): AlertConfig {
  const number = (v: string | undefined, fallback: number, max: number) => {
    const n = Number(v);
    return v !== undefined && v !== '' && Number.isFinite(n) && n >= 0 && n <= max ? n : fallback;
  };
  return {
    thresholdPercent: number(env.ALERT_THRESHOLD_PERCENT, 80, 100),
    minVolume: number(env.ALERT_MIN_VOLUME, 20, 1e9),
    recipients: (env.ALERT_RECIPIENTS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    ...(env.ALERT_WEBHOOK_URL?.startsWith('https://') ? { webhookUrl: env.ALERT_WEBHOOK_URL } : {}),
  };
}

const keyOf = (s: Pick<SegmentStats, 'channel' | 'segment'>) => `${s.channel}|${s.segment}`;

/**
 * The changes to tell, a pure rule: a segment with enough volume goes down below the
 * threshold, or comes back to it. Below the minimum volume, a segment keeps its state.
 */
export function alertChanges(
  stats: readonly SegmentStats[],
  alerting: ReadonlySet<string>,
  cfg: AlertConfig,
): AlertChange[] {
  const changes: AlertChange[] = [];
  for (const s of stats) {
    if (s.attempted < cfg.minVolume) continue;
    const permille = deliveredPermille(s);
    const low = permille < cfg.thresholdPercent * 10;
    const key = keyOf(s);
    if (low && !alerting.has(key)) changes.push({ key, kind: 'down', stats: s, permille });
    if (!low && alerting.has(key)) changes.push({ key, kind: 'up', stats: s, permille });
  }
  return changes;
}

/** The bilingual text of a change, for the e-mail and the chat room alike. */
export function alertText(change: AlertChange, cfg: AlertConfig): { subject: string; text: string } {
  const { stats: s, permille } = change;
  const channelFr = s.channel === 'sms' ? 'SMS' : 'Courriel';
  const channelEn = s.channel === 'sms' ? 'SMS' : 'E-mail';
  const share = (permille / 10).toFixed(1);
  const facts = `${s.attempted} / ${s.delivered} / ${s.failed}`;
  if (change.kind === 'down') {
    return {
      subject: `[Isoloir] Alerte distribution / Delivery alert: ${channelEn} ${s.segment} ${share} %`,
      text: [
        `${channelFr} vers ${s.segment} : ${share} % distribués en 15 minutes (seuil ${cfg.thresholdPercent} %).`,
        `Envoyés / distribués / échecs : ${facts}. Voir /operateur/envois.`,
        '',
        `${channelEn} to ${s.segment}: ${share} % delivered over 15 minutes (threshold ${cfg.thresholdPercent} %).`,
        `Sent / delivered / failed: ${facts}. See /operateur/envois.`,
      ].join('\n'),
    };
  }
  return {
    subject: `[Isoloir] Distribution rétablie / Delivery recovered: ${channelEn} ${s.segment} ${share} %`,
    text: [
      `${channelFr} vers ${s.segment} : de nouveau ${share} % distribués en 15 minutes (seuil ${cfg.thresholdPercent} %).`,
      '',
      `${channelEn} to ${s.segment}: back to ${share} % delivered over 15 minutes (threshold ${cfg.thresholdPercent} %).`,
    ].join('\n'),
  };
}

export interface AlertDeps {
  db: Database;
  /** Hands an alert e-mail to the delivery queue. */
  send(message: OutboundMessage): Promise<void>;
  fetch: typeof fetch;
}

/**
 * One run of the cron: judge the window, tell each change, then record it. A change is
 * recorded only once every configured way of telling took it, so a failed webhook is tried
 * again at the next minute rather than lost.
 */
export async function checkDeliveryAlerts(deps: AlertDeps, cfg: AlertConfig, now: number): Promise<AlertChange[]> {
  const to = now - RECEIPT_GRACE_MS;
  const stats = await segmentStats(deps.db, to - ALERT_WINDOW_MS, to);
  const rows = await deps.db.select().from(deliveryAlerts).where(eq(deliveryAlerts.alerting, true)).all();
  const changes = alertChanges(stats, new Set(rows.map((r) => r.key)), cfg);
  const told: AlertChange[] = [];
  for (const change of changes) {
    if (!(await tell(deps, cfg, change))) continue;
    await deps.db
      .insert(deliveryAlerts)
      .values({ key: change.key, alerting: change.kind === 'down', share: change.permille, changedAt: now })
      .onConflictDoUpdate({
        target: deliveryAlerts.key,
        set: { alerting: change.kind === 'down', share: change.permille, changedAt: now },
      });
    told.push(change);
  }
  return told;
}

async function tell(deps: AlertDeps, cfg: AlertConfig, change: AlertChange): Promise<boolean> {
  const { subject, text } = alertText(change, cfg);
  let ok = true;
  for (const to of cfg.recipients) {
    try {
      await deps.send({ channel: 'email', to, subject, text, purpose: 'delivery-alert' });
    } catch (err) {
      log.error('alert_mail_not_queued', err);
      ok = false;
    }
  }
  if (cfg.webhookUrl) {
    try {
      const res = await deps.fetch(cfg.webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ text: `${subject}\n${text}` }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!res.ok) throw new Error(`webhook answered ${res.status}`);
    } catch (err) {
      log.error('alert_webhook_failed', err);
      ok = false;
    }
  }
  log.warn(change.kind === 'down' ? 'delivery_alert' : 'delivery_recovered', undefined, {
    segment: change.key,
    permille: change.permille,
  });
  return ok;
}
