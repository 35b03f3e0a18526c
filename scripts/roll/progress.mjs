/**
 * The import's progress on stderr: a bar with the rate and the time left when stderr is a
 * terminal (cli-progress), else one line every few seconds (a log file or CI keeps them all).
 */
import cliProgress from 'cli-progress';
import { say } from '../ops/client.mjs';

/** `75` → `1 min 15 s`; `Infinity` → `?`. */
export function formatDuration(seconds) {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/**
 * `onProgress` for importRoll. `tty` defaults to whether `stream` is a terminal; `now` is
 * injected so tests need not wait.
 */
export function progressReporter({
  stream = process.stderr,
  tty = Boolean(stream.isTTY),
  everyMs = 5000,
  now = Date.now,
} = {}) {
  let bar = null;
  let started = 0;
  let lastLine = 0;
  let scanned = false;
  const measure = (done, total) => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    const rate = done / seconds;
    return { rate: Math.round(rate), left: formatDuration(rate > 0 ? (total - done) / rate : Infinity) };
  };
  return {
    update({ phase, done, total }) {
      if (phase === 'scan') {
        if (total !== null && !scanned) {
          scanned = true;
          say(`roll : ${total} ligne(s) à importer`, `roll: ${total} row(s) to import`);
        }
        return;
      }
      if (phase === 'replace') {
        this.stop();
        say(
          'roll : désactivation des électeurs absents du fichier…',
          'roll: deactivating the voters absent from the file…',
        );
        return;
      }
      if (!started) started = now();
      const { rate, left } = measure(done, total);
      if (tty) {
        if (!bar) {
          bar = new cliProgress.SingleBar(
            {
              stream,
              format: 'roll {bar} {percentage}% | {value}/{total} lignes · rows | {rate} /s | reste · left {left}',
              hideCursor: true,
              clearOnComplete: false,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, done, { rate, left });
        } else bar.update(done, { rate, left });
        return;
      }
      const t = now();
      if (lastLine === 0) lastLine = t; // the first line once there is a rate to show
      if (t - lastLine >= everyMs || done === total) {
        if (done === total && lastLine === -1) return;
        lastLine = done === total ? -1 : t;
        stream.write(
          `roll : ${done}/${total} lignes, ${rate} lignes/s, reste ${left}\n  roll: ${done}/${total} rows, ${rate} rows/s, ${left} left\n`,
        );
      }
    },
    stop() {
      bar?.stop();
      bar = null;
    },
  };
}
