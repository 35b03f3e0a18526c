/**
 * The portal's only script (public/js/app.js, built by scripts/build-client.mjs). Every page
 * works without it; it adds the voter's own time zone, a live countdown, focus on errors and
 * the copy buttons. No text here: translated strings come from the page's data- attributes.
 * Loaded as a module (deferred), so the DOM is ready.
 */
import { enableCopyButtons } from './copy';
import { startCountdowns } from './countdown';
import { focusErrorSummary } from './error-summary';
import { showLocalTimes } from './local-time';

for (const enhance of [focusErrorSummary, showLocalTimes, startCountdowns, enableCopyButtons]) {
  try {
    enhance();
  } catch {
    // One enhancement failing (an old mail-app browser) must not take the others down.
  }
}
