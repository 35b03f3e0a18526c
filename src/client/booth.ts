/**
 * The booth (public/js/booth.js, loaded with Subresource Integrity): the voter picks an answer
 * or "Vote blanc", confirms, and their own browser encrypts and proves the choice in a Web
 * Worker with visible progress; the ballot is then sent to `/vote/bulletin`, and the page goes
 * to the receipt. No text here: the page's data- attributes carry the translated strings.
 */
interface BoothData {
  electionJson: string;
  fingerprint: string;
  credential: string;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T | null;

function announce(text: string) {
  const status = $('booth-status');
  if (status) status.textContent = text;
}

function start() {
  const form = $<HTMLFormElement>('booth');
  const confirm = $('booth-confirm');
  const dataNode = $('booth-data');
  if (!form || !confirm || !dataNode) return;
  const data = JSON.parse(dataNode.textContent ?? '{}') as BoothData;
  const texts = form.dataset;
  form.hidden = false;
  $('booth-nojs')?.setAttribute('hidden', '');
  let choice: number | 'blank' | null = null;

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const picked = form.querySelector<HTMLInputElement>('input[name="choice"]:checked');
    if (!picked) {
      announce(texts.required ?? '');
      $('booth-error')?.removeAttribute('hidden');
      form.querySelector<HTMLInputElement>('input[name="choice"]')?.focus();
      return;
    }
    choice = picked.value === 'blank' ? 'blank' : Number(picked.value);
    const label = form.querySelector(`label[for="${picked.id}"]`)?.textContent ?? '';
    const chosen = $('booth-chosen');
    if (chosen) chosen.textContent = label;
    form.hidden = true;
    confirm.hidden = false;
    $<HTMLButtonElement>('booth-cast')?.focus();
  });

  $('booth-change')?.addEventListener('click', () => {
    confirm.hidden = true;
    form.hidden = false;
    form.querySelector<HTMLInputElement>('input[name="choice"]:checked')?.focus();
  });

  $('booth-cast')?.addEventListener('click', () => {
    if (choice === null) return;
    const buttons = confirm.querySelectorAll('button');
    buttons.forEach((b) => (b.disabled = true));
    const progress = $<HTMLProgressElement>('booth-progress');
    if (progress) progress.hidden = false;
    announce(texts.encrypting ?? '');
    const worker = new Worker('/js/booth-worker.js', { type: 'module' });
    worker.onmessage = async (event: MessageEvent<{ kind: string; done?: number; total?: number; json?: string }>) => {
      const m = event.data;
      if (m.kind === 'progress' && progress && m.total) {
        progress.max = m.total;
        progress.value = m.done ?? 0;
        return;
      }
      worker.terminate();
      if (m.kind !== 'done' || !m.json) {
        announce(texts.failed ?? '');
        buttons.forEach((b) => (b.disabled = false));
        return;
      }
      announce(texts.sending ?? '');
      try {
        const res = await fetch('/vote/bulletin', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ ballot: m.json }),
          credentials: 'same-origin',
        });
        const answer = (await res.json()) as { status?: string; message?: string };
        if (answer.status === 'cast' || answer.status === 'voted') {
          location.assign('/vote');
          return;
        }
        announce(answer.message ?? texts.failed ?? '');
      } catch {
        announce(texts.failed ?? '');
      }
      buttons.forEach((b) => (b.disabled = false));
    };
    worker.postMessage({ ...data, choice });
  });
}

try {
  start();
} catch {
  // Without a working booth the page still says how to get help (the no-script text).
}
