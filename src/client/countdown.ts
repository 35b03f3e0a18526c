/**
 * Keeps "Fermeture du vote dans N Jour(s)" true without a reload. The server writes the right
 * text (the page is correct without JavaScript); this script recomputes it every few seconds
 * from the server's clock (`data-now` at render + time elapsed here), so a phone whose clock
 * is wrong still counts down right. The unit texts come translated in data- attributes.
 */
import { remaining } from './remaining';

const TICK_MS = 15_000;

export function startCountdowns(root: ParentNode = document): void {
  const loadedAt = Date.now();
  for (const box of root.querySelectorAll<HTMLElement>('.window[data-closes-at]')) {
    const countdown = box.querySelector<HTMLElement>('[data-countdown]');
    const closesAt = Number(box.dataset.closesAt);
    const serverNow = Number(box.dataset.now ?? loadedAt);
    if (!countdown || !Number.isFinite(closesAt)) continue;
    const value = countdown.querySelector('strong');
    const update = () => {
      const left = closesAt - (serverNow + (Date.now() - loadedAt));
      if (left <= 0) {
        if (countdown.dataset.closed) countdown.textContent = countdown.dataset.closed;
        return false;
      }
      const { unit, n } = remaining(left);
      const template = countdown.dataset[unit];
      if (value && template) {
        const text = template.replace('{n}', String(n));
        if (value.textContent !== text) value.textContent = text;
      }
      return true;
    };
    if (!update()) continue;
    const timer = setInterval(() => {
      if (!update()) clearInterval(timer);
    }, TICK_MS);
    // A phone waking up or a tab coming back: correct at once.
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') update();
    });
  }
}
