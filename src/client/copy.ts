/**
 * Copy buttons (Écran 6): `<button data-copy="value" data-copied="announcement" hidden>`.
 * Progressive: the button stays hidden unless this script runs, and the value is plain text
 * on the page either way. A copy is announced in the `role="status"` element beside the
 * button; when the browser refuses to copy (some mail apps' browsers), the value is selected
 * so the voter can copy it by hand.
 */
export function initCopyButtons(root: ParentNode = document): void {
  for (const button of root.querySelectorAll<HTMLButtonElement>('button[data-copy]')) {
    if (button.dataset.copyReady) continue;
    button.dataset.copyReady = '1';
    button.hidden = false;
    button.addEventListener('click', async () => {
      const value = button.dataset.copy ?? '';
      const status = button.parentElement?.querySelector('[role="status"]');
      if (await copy(value)) {
        if (status) status.textContent = button.dataset.copied ?? '';
      } else {
        selectValue(value);
      }
    });
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
  let done = false;
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
  const shown = [...document.querySelectorAll<HTMLElement>('[id]')].find((el) => el.textContent?.trim() === value);
  const selection = window.getSelection();
  if (!shown || !selection) return;
  const range = document.createRange();
  range.selectNodeContents(shown);
  selection.removeAllRanges();
  selection.addRange(range);
}

if (typeof document !== 'undefined') {
  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => initCopyButtons());
  else initCopyButtons();
}
