/**
 * Moves focus to the error summary when a form comes back with errors (a screen reader then
 * reads it), and makes its links focus the field itself rather than merely scroll to it.
 */
export function focusErrorSummary(root: Document = document): void {
  const summary = root.getElementById('error-summary');
  if (!summary) return;
  summary.focus();
  summary.addEventListener('click', (event) => {
    const link = (event.target as Element | null)?.closest?.('a[href^="#"]');
    if (!link) return;
    const target = root.getElementById(link.getAttribute('href')!.slice(1));
    if (!target || !(target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement)) return;
    event.preventDefault();
    // The label above the field should be visible too.
    (target.closest('.field') ?? target).scrollIntoView({ block: 'start' });
    target.focus({ preventScroll: true });
  });
}
