/**
 * Delivery, watched (`/operateur/envois`): per channel — SMS per country calling code, e-mail
 * per recipient domain — over the last hour and day, what was sent, delivered, bounced or
 * failed, and still without news after 15 minutes, counted from our own send records
 * (platform/delivery/stats.ts); and small server-rendered SVG charts, no script needed.
 */
import { Hono } from 'hono';
import type { Translate } from '../../../i18n';
import { DAY_MS, deliveredPermille, HOUR_MS, type Bucket, type SegmentStats } from '../../../platform/delivery/stats';
import { denied, type ConsoleEnv } from './context';
import { ConsoleLayout } from './layout';
import { forbiddenPage } from './tickets';

export const deliveryRoutes = new Hono<ConsoleEnv>();

const CHANNELS = ['sms', 'email'] as const;
const percent = (s: Pick<SegmentStats, 'attempted' | 'delivered'>) => `${(deliveredPermille(s) / 10).toFixed(1)} %`;

function StatsTable({ t, stats, caption }: { t: Translate; stats: SegmentStats[]; caption: string }) {
  if (stats.length === 0) return <p>{t('console.delivery.none')}</p>;
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{t('console.delivery.segment')}</th>
          <th scope="col">{t('console.delivery.attempted')}</th>
          <th scope="col">{t('console.delivery.delivered')}</th>
          <th scope="col">{t('console.delivery.failed')}</th>
          <th scope="col">{t('console.delivery.noNews')}</th>
          <th scope="col">{t('console.delivery.share')}</th>
        </tr>
      </thead>
      <tbody>
        {stats.map((s) => (
          <tr>
            <th scope="row">{s.segment}</th>
            <td>{s.attempted}</td>
            <td>{s.delivered}</td>
            <td>{s.failed}</td>
            <td>{s.noNews}</td>
            <td>{percent(s)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Bars per slice: height by volume, green the delivered part, red the failed one. */
export function Chart({ id, title, desc, buckets }: { id: string; title: string; desc: string; buckets: Bucket[] }) {
  const width = 480;
  const height = 120;
  const gap = 2;
  const bar = width / buckets.length - gap;
  const max = Math.max(1, ...buckets.map((b) => b.attempted));
  return (
    <svg
      class="chart"
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-labelledby={`${id}-title ${id}-desc`}
    >
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{desc}</desc>
      <line x1="0" y1={height - 0.5} x2={width} y2={height - 0.5} stroke="#3a3a3a" />
      {buckets.map((b, i) => {
        const x = i * (bar + gap);
        const total = (b.attempted / max) * (height - 4);
        const ok = (b.delivered / max) * (height - 4);
        const bad = (b.failed / max) * (height - 4);
        return (
          <g>
            <rect x={x} y={height - total} width={bar} height={total} fill="#d0d0d0" />
            <rect x={x} y={height - ok} width={bar} height={ok} fill="#18753c" />
            <rect x={x} y={height - ok - bad} width={bar} height={bad} fill="#ce0500" />
          </g>
        );
      })}
    </svg>
  );
}

deliveryRoutes.get('/', async (c) => {
  const refused = denied(c, 'delivery.read');
  if (refused) return forbiddenPage(c, refused);
  const { t, locale, services: s } = c.var;
  const now = s.clock();
  const [hour, day, ...series] = await Promise.all([
    s.deliveryWatch.segments(now - HOUR_MS, now),
    s.deliveryWatch.segments(now - DAY_MS, now),
    ...CHANNELS.flatMap((ch) => [
      s.deliveryWatch.series(ch, now, 5 * 60_000, 12),
      s.deliveryWatch.series(ch, now, HOUR_MS, 24),
    ]),
  ]);
  return c.html(
    <ConsoleLayout
      t={t}
      locale={locale}
      title={t('console.delivery.title')}
      path="/operateur/envois"
      operator={c.var.operator}
    >
      <h1>{t('console.delivery.title')}</h1>
      <p>{t('console.delivery.intro')}</p>
      {CHANNELS.map((ch, i) => {
        const name = t(`console.delivery.channel.${ch}`);
        return (
          <section aria-labelledby={`${ch}-title`}>
            <h2 id={`${ch}-title`}>{name}</h2>
            <Chart
              id={`${ch}-hour`}
              title={t('console.delivery.chart', { channel: name, minutes: 5 })}
              desc={t('console.delivery.chartDesc')}
              buckets={series[2 * i]!}
            />
            <StatsTable
              t={t}
              caption={`${name} — ${t('console.delivery.hour')}`}
              stats={hour.filter((x) => x.channel === ch)}
            />
            <Chart
              id={`${ch}-day`}
              title={t('console.delivery.chart', { channel: name, minutes: 60 })}
              desc={t('console.delivery.chartDesc')}
              buckets={series[2 * i + 1]!}
            />
            <StatsTable
              t={t}
              caption={`${name} — ${t('console.delivery.day')}`}
              stats={day.filter((x) => x.channel === ch)}
            />
          </section>
        );
      })}
    </ConsoleLayout>,
  );
});
