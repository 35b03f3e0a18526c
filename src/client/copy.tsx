/**
 * Copy buttons (Écran 6's new identifier, the assistance reference):
 * `<button type="button" data-copy="VALUE" data-copied="Copié" [data-copy-failed="…"] hidden>`.
 * Progressive: the button stays hidden unless this script runs, and the value is plain text
 * on the page either way. A copy is announced in the `role="status"` element beside the
 * button (same parent); when there is none, one is created at start-up — a live region
 * created at the moment of speaking is often not read. When the browser refuses to copy
 * (some mail apps' browsers), the value shown on the page is selected so the voter can copy
 * it by hand, and `data-copy-failed` is announced.
 */
export function enableCopyButtons(root: ParentNode = document): void {
  for (const button of root.querySelectorAll<HTMLButtonElement>('button[data-copy]')) {
    if (button.dataset.copyReady) continue;
    button.dataset.copyReady = '1';
    let status = button.parentElement?.querySelector<HTMLElement>('[role="status"]');
    if (!status) {
      status = (<span class="copy-status" role="status" aria-live="polite" />) as HTMLElement;
      button.after(status);
    }
    const region = status;
    button.hidden = false;
    button.addEventListener('click', () => void onCopy());
    const onCopy = async () => {
      const value = button.dataset.copy ?? '';
      const ok = await copy(value);
      if (!ok) selectValue(value);
      const message = (ok ? button.dataset.copied : button.dataset.copyFailed) ?? '';
      // Emptied first and refilled on the next frame, so a second copy is announced again.
      region.textContent = '';
      requestAnimationFrame(() => {
        region.textContent = message;
      });
    };
  }
}

async function copy(value: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(value);
    return true;
  } catch {
    // No async clipboard (older in-app browsers, or no secure context): the legacy command.
  }
  const area = document.createElement('textarea');
  area.value = value;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  let done: boolean;
  try {
    done = document.execCommand('copy');
  } catch {
    done = false;
  }
  area.remove();
  return done;
}

/** Selects the element showing `value`, so that a manual copy takes exactly it. */
function selectValue(value: string): void {
  const shown = [...document.querySelectorAll<HTMLElement>('[id], .reference')].find(
    (el) => el.textContent?.trim() === value,
  );
  const selection = window.getSelection();
  if (!shown || !selection) return;
  const range = document.createRange();
  range.selectNodeContents(shown);
  selection.removeAllRanges();
  selection.addRange(range);
}
