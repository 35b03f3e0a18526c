/**
 * Copy buttons: `<button type="button" data-copy="VALUE" data-copied="Copié"
 * data-copy-failed="…" hidden>`. The button is hidden in the HTML (it cannot work without
 * JavaScript) and revealed here. The result is announced through a polite live region that
 * exists before it is filled (a region created at the moment of speaking is often not read).
 */
export function enableCopyButtons(root: ParentNode = document): void {
  for (const button of root.querySelectorAll<HTMLButtonElement>('button[data-copy]')) {
    if (button.dataset.copyReady) continue;
    button.dataset.copyReady = '1';
    const status = document.createElement('span');
    status.className = 'copy-status';
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    button.after(status);
    button.hidden = false;
    button.addEventListener('click', async () => {
      const value = button.dataset.copy || button.value;
      const ok = await copyText(value);
      status.textContent = '';
      // A fresh text node on the next frame, so a second copy is announced again.
      requestAnimationFrame(() => {
        status.textContent = (ok ? button.dataset.copied : button.dataset.copyFailed) ?? '';
      });
    });
  }
}

async function copyText(value: string): Promise<boolean> {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(value);
      return true;
    }
  } catch {
    // Mail apps' built-in browsers may refuse the Clipboard API: try the old way.
  }
  const area = document.createElement('textarea');
  area.value = value;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  return ok;
}
