/**
 * Moves focus to the error summary when a form comes back with errors (a screen reader then
 * reads it), and makes its links focus the field itself rather than merely scroll to it.
 */
export function focusErrorSummary(root: Document = document): void {
  const summary = root.getElementById('error-summary');
  if (!summary) return;
  summary.focus();
  // Arriving at a fragment (a form posted to /aide#contact), Chromium may move the focus
  // back to the document when it scrolls to the fragment at load (seen in the e2e tests):
  // take it back then, unless the voter has already moved it somewhere.
  if (location.hash) {
    window.addEventListener(
      'load',
      () => {
        const active = root.activeElement;
        if (!active || active === root.body) summary.focus();
      },
      { once: true },
    );
  }
  summary.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest?.('a[href^="#"]');
    if (!link) return;
    const target = root.getElementById(link.getAttribute('href')!.slice(1));
    if (
      !target ||
      !(
        target instanceof HTMLInputElement ||
        target instanceof HTMLTextAreaElement ||
        target instanceof HTMLSelectElement
      )
    )
      return;
    event.preventDefault();
    // The label above the field should be visible too.
    (target.closest('.field') ?? target).scrollIntoView({ block: 'start' });
    target.focus({ preventScroll: true });
  });
}
