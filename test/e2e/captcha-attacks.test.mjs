// Issue 10's attacks on the picture as Chromium renders it, each with its positive control:
// - Debian's tesseract-ocr (digits only; page modes 6, 7, 8; three preparations, see
//   test/attacks/ocr.ts) on 400 codes: one guess per code (the commonest four-digit reading),
//   at most 5 % read; the same on 200 of the same digits drawn plainly: at least 90 %.
// - a nearest-neighbour / template reader (test/attacks/knn.ts) trained on 500 codes labelled
//   through /_dev/captcha, reading the same 200: measured, goal ≤ 20 %; trained and tested the
//   same way on plain renderings of the same digits: at least 90 %.
// Every code comes from the login screen as a visitor gets it; Chromium loads each picture from
// /captcha/<id>.png, lays 60 out at their own size (240 × 90 CSS px, device scale 1), and a
// screenshot gives the pixels. Results: test-artifacts/captcha-attacks.json.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BASE_URL, launch } from './browser.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TRAIN = 500;
const TEST = 200;
// 13 (raw line) read exactly what 8 (one word) read, run for run: left out.
const PSMS = [6, 7, 8];
// Tesseract reads the last 400 served codes (the template reader's 200 and 200 of its
// training set: tesseract learns nothing from them), so that a true rate of 2–3 % stays
// under the 5 % line but in rare runs; the plain control, the template reader's 200.
const OCR_CODES = 400;
const [W, H, COLS, ROWS] = [240, 90, 6, 10];

let browser;
let A;
before(async () => {
  // The attack modules are TypeScript shared with the workerd suite: bundled once for Node.
  const outfile = join(ROOT, 'test-artifacts', 'attacks.mjs');
  await build({
    stdin: {
      contents: ['knn', 'png', 'plain', 'ocr'].map((m) => `export * from './test/attacks/${m}.ts';`).join('\n'),
      resolveDir: ROOT,
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile,
    logLevel: 'warning',
  });
  A = await import(pathToFileURL(outfile).href);
  browser = await launch();
});
after(async () => browser?.close());

/** `n` codes as the login screen hands them out, with their digits from /_dev/captcha. */
async function codes(n) {
  const out = [];
  while (out.length < n) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(16, n - out.length) }, async () => {
        const html = await (await fetch(`${BASE_URL}/`)).text();
        const id = /name="captchaId" value="([A-Za-z0-9_-]+)"/.exec(html)[1];
        const res = await fetch(`${BASE_URL}/_dev/captcha/${id}`);
        return { id, digits: (await res.json()).digits };
      }),
    );
    out.push(...batch);
  }
  return out;
}

/** Chromium's pixels of each picture (`srcs`: URLs it may load from `page`), 60 at a time. */
async function render(page, srcs) {
  const images = [];
  for (let from = 0; from < srcs.length; from += COLS * ROWS) {
    const batch = srcs.slice(from, from + COLS * ROWS);
    await page.evaluate(
      async ({ batch, W, H, COLS }) => {
        const box = document.createElement('div');
        Object.assign(box.style, {
          position: 'fixed',
          left: '0',
          top: '0',
          zIndex: '2147483647',
          background: '#fff',
          display: 'grid',
          gridTemplateColumns: `repeat(${COLS}, ${W}px)`,
          gridAutoRows: `${H}px`,
        });
        const imgs = batch.map((src) => {
          const img = document.createElement('img');
          Object.assign(img, { src, width: W, height: H });
          img.style.display = 'block';
          return img;
        });
        box.replaceChildren(...imgs);
        document.body.replaceChildren(box);
        await Promise.all(imgs.map((img) => img.decode()));
      },
      { batch, W, H, COLS },
    );
    const shot = await A.decodePng(await page.screenshot({ clip: { x: 0, y: 0, width: COLS * W, height: ROWS * H } }));
    batch.forEach((_, k) => images.push(A.crop(shot, (k % COLS) * W, Math.floor(k / COLS) * H, W, H)));
  }
  return images;
}

async function servedPictures(list) {
  const context = await browser.newContext({ viewport: { width: COLS * W, height: ROWS * H }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  // Same origin as the pictures (their Cross-Origin-Resource-Policy is same-origin).
  await page.goto(`${BASE_URL}/mentions-legales`);
  const images = await render(
    page,
    list.map((c) => `${BASE_URL}/captcha/${c.id}.png`),
  );
  await context.close();
  return images.map((img, i) => ({ ...img, digits: list[i].digits }));
}

async function plainPictures(list) {
  const context = await browser.newContext({ viewport: { width: COLS * W, height: ROWS * H }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.setContent('<!doctype html><body style="margin:0"></body>');
  const srcs = await Promise.all(
    list.map(async (c) => `data:image/png;base64,${Buffer.from(await A.plainPng(c.digits)).toString('base64')}`),
  );
  const images = await render(page, srcs);
  await context.close();
  return images.map((img, i) => ({ ...img, digits: list[i].digits }));
}

/** Tesseract on a list file (or one picture), digits only; resolves to { status, stdout }. */
function runTesseract(input, psm) {
  return new Promise((resolve) => {
    const child = spawn(
      'tesseract',
      [input, 'stdout', '--psm', String(psm), '-c', 'tessedit_char_whitelist=0123456789'],
      {
        env: { ...process.env, OMP_THREAD_LIMIT: '1' },
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (stdout += d));
    child.on('close', (status) => resolve({ status, stdout }));
  });
}

/**
 * Tesseract's reading of each file (digits only), 50 files per run. Debian's tesseract 5.3
 * now and then dies of a floating-point exception partway through a list (never on the same
 * file alone): that run is done again one file at a time, a file it still cannot read
 * counting as read wrong.
 */
async function ocrPages(dir, files, psm) {
  const out = [];
  for (let from = 0; from < files.length; from += 50) {
    const chunk = files.slice(from, from + 50);
    const list = join(dir, `list-${psm}-${from}.txt`);
    writeFileSync(list, chunk.join('\n'));
    const res = await runTesseract(list, psm);
    if (res.status === 0) {
      out.push(
        ...res.stdout
          .split('\f')
          .slice(0, chunk.length)
          .map((t) => t.replace(/\s+/g, '')),
      );
      continue;
    }
    for (const file of chunk) {
      const one = await runTesseract(file, psm);
      out.push(one.status === 0 ? one.stdout.replace(/\s+/g, '') : '');
    }
  }
  assert.equal(out.length, files.length);
  return out;
}

/**
 * Tesseract on every picture, every preparation and page mode (two runs at a time, each on
 * one core): per picture, its readings.
 */
async function tesseract(images) {
  const dir = mkdtempSync(join(tmpdir(), 'isoloir-ocr-'));
  try {
    const jobs = [];
    for (const variant of A.OCR_VARIANTS) {
      const files = [];
      for (let i = 0; i < images.length; i++) {
        const file = join(dir, `${variant}-${i}.png`);
        writeFileSync(file, await A.encodePng(A.prepare(images[i], variant)));
        files.push(file);
      }
      for (const psm of PSMS) jobs.push({ name: `${variant} psm ${psm}`, files, psm });
    }
    const pagesOf = {};
    const workers = Array.from({ length: Math.min(2, availableParallelism()) }, async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) pagesOf[job.name] = await ocrPages(dir, job.files, job.psm);
    });
    await Promise.all(workers);
    const readings = images.map((_, i) => Object.values(pagesOf).map((pages) => pages[i]));
    const byRun = Object.fromEntries(
      Object.entries(pagesOf).map(([name, pages]) => [name, images.filter((img, i) => pages[i] === img.digits).length]),
    );
    return {
      vote: images.filter((img, i) => A.vote(readings[i]) === img.digits).length,
      any: images.filter((img, i) => readings[i].includes(img.digits)).length,
      bestRun: Math.max(...Object.values(byRun)),
      byRun,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function knn(train, test) {
  const byReader = {};
  for (const open of [0, 1]) {
    for (const [name, read] of Object.entries(A.trainReaders(train, open))) {
      byReader[`${name}${open ? '-open3' : ''}`] = test.filter((img) => read(img) === img.digits).length;
    }
  }
  return { best: Math.max(...Object.values(byReader)), byReader };
}

const pct = (n, of) => `${((100 * n) / of).toFixed(1)} %`;

test(
  'the picture resists tesseract and a template reader that read its plain rendering',
  { timeout: 900_000 },
  async () => {
    const seconds = {};
    let clock = Date.now();
    const lap = (name) => {
      seconds[name] = (Date.now() - clock) / 1000;
      clock = Date.now();
    };
    const list = await codes(TRAIN + TEST);
    lap('codes');
    const served = await servedPictures(list);
    const plain = await plainPictures(list);
    lap('chromium');
    const [servedTest, plainTest] = [served.slice(TRAIN), plain.slice(TRAIN)];
    const ocr = { served: await tesseract(served.slice(-OCR_CODES)), plain: await tesseract(plainTest) };
    lap('tesseract');
    const reader = { served: knn(served.slice(0, TRAIN), servedTest), plain: knn(plain.slice(0, TRAIN), plainTest) };
    lap('template');
    const report = { codes: { train: TRAIN, test: TEST, ocr: OCR_CODES }, seconds, tesseract: ocr, template: reader };
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    writeFileSync(join(ROOT, 'test-artifacts', 'captcha-attacks.json'), JSON.stringify(report, null, 2));
    console.log(
      `captcha attack, tesseract (${OCR_CODES} codes, one guess each): served ${pct(ocr.served.vote, OCR_CODES)} ` +
        `(best single run ${pct(ocr.served.bestRun, OCR_CODES)}, any run ${pct(ocr.served.any, OCR_CODES)}), ` +
        `plain ${pct(ocr.plain.vote, TEST)}`,
    );
    console.log(
      `captcha attack, template reader (${TRAIN} trained, ${TEST} read): served ${pct(reader.served.best, TEST)}, ` +
        `plain ${pct(reader.plain.best, TEST)}`,
    );
    assert.ok(ocr.plain.vote >= 0.9 * TEST, `tesseract reads the plain rendering: ${ocr.plain.vote}/${TEST}`);
    assert.ok(ocr.served.vote <= 0.05 * OCR_CODES, `tesseract reads ≤ 5 %: ${ocr.served.vote}/${OCR_CODES}`);
    assert.ok(
      reader.plain.best >= 0.9 * TEST,
      `the template reader reads the plain rendering: ${reader.plain.best}/${TEST}`,
    );
    assert.ok(reader.served.best <= 0.2 * TEST, `the template reader reads ≤ 20 %: ${reader.served.best}/${TEST}`);
  },
);
