/**
 * Shows each `<time datetime data-local="…{zone}…">` instant again in the browser's own time
 * zone, after the Paris time the server wrote. The label comes translated from the page
 * (`data-local` holds the `meta.yourZone` text): no text lives in this script.
 */
const LOCALE_OF: Record<string, string> = { fr: 'fr-FR', en: 'en-GB' };

export function showLocalTimes(root: ParentNode = document): void {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // In Paris the server's line already says it all.
  if (!zone || zone === 'Europe/Paris') return;
  const locale = LOCALE_OF[document.documentElement.lang] ?? 'fr-FR';
  const format = new Intl.DateTimeFormat(locale, {
    timeZone: zone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  const zoneFormat = new Intl.DateTimeFormat(locale, { timeZone: zone, timeZoneName: 'long' });

  for (const time of root.querySelectorAll<HTMLTimeElement>('time[datetime][data-local]')) {
    if (time.dataset.localDone) continue;
    const instant = new Date(time.dateTime);
    if (Number.isNaN(instant.getTime())) continue;
    const parts = Object.fromEntries(format.formatToParts(instant).map((p) => [p.type, p.value]));
    const zoneName = zoneFormat.formatToParts(instant).find((p) => p.type === 'timeZoneName')?.value ?? zone;
    const label = (time.dataset.local ?? '').replace('{zone}', zoneName);
    time.after(
      <span class="local-time">{`${label} ${parts.weekday} ${parts.day} ${parts.month} ${parts.year} ${parts.hour}:${parts.minute}`}</span>,
    );
    time.dataset.localDone = '1';
  }
}
