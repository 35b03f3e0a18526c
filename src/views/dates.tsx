/**
 * Dates on screen: always in Paris time with the zone named (the election's legal time, right
 * without JavaScript); the page's script adds the same instant in the voter's own zone and
 * keeps the countdown true. The script's texts come from here, through data- attributes.
 */
import type { Child } from 'hono/jsx';
import type { Election } from '../db/schema';
import type { Locale, Translate } from '../i18n';
import { formatParisNamed, remainingText } from '../i18n/dates';
import { windowState } from '../platform/election';

/** An instant shown in Paris time; the script appends it in the browser's zone. */
export function LocalTime({ t, at, children }: { t: Translate; at: number; children?: Child }) {
  return (
    <time datetime={new Date(at).toISOString()} data-local={t('meta.yourZone')}>
      {children}
    </time>
  );
}

/**
 * Opening, closing and "Fermeture du vote dans N Jour(s)". `data-now` is the server's clock at
 * render time: the script counts from it, so a phone with a wrong clock still counts right.
 */
export function WindowDates({
  t,
  locale,
  election,
  now,
}: {
  t: Translate;
  locale: Locale;
  election: Election;
  now: number;
}) {
  const state = windowState(election, now);
  return (
    <div class="window" data-closes-at={String(election.closesAt)} data-now={String(now)}>
      <p>
        <LocalTime t={t} at={election.opensAt}>
          {t('login.opening', { date: formatParisNamed(election.opensAt, locale, t) })}
        </LocalTime>
      </p>
      <p>
        <LocalTime t={t} at={election.closesAt}>
          {t('login.closing', { date: formatParisNamed(election.closesAt, locale, t) })}
        </LocalTime>
      </p>
      {state !== 'closed' && (
        <p
          class="countdown"
          data-countdown
          data-days={t('login.days')}
          data-hours={t('login.hours')}
          data-minutes={t('login.minutes')}
          data-closed={t('login.closed', { date: formatParisNamed(election.closesAt, locale, t) })}
        >
          {t('login.countdown', { remaining: '' })}
          <strong>{remainingText(election.closesAt, now, t)}</strong>
        </p>
      )}
    </div>
  );
}
