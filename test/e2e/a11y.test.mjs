// Reach (issue 5) in Chromium: axe-core finds no WCAG 2.0/2.1 A/AA violation on any screen in
// either language; no screen scrolls sideways at 320 px; screenshots at 360 and 1280 px; a
// keyboard-only login; the voter's own time zone; the countdown updating itself; focus on
// the error summary; the security code at 320 px (size, contrast, a new code) and its audio
// (2–8 s, the page language only); the copy button; the language switch.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { BASE_URL, launch, readCode, screenshot, waitForMessage } from './browser.mjs';
import { SCREENS, checkA11y, describeViolations, submit } from './axe.mjs';

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

const LOCALE = { fr: 'fr-FR', en: 'en-GB' };

/** A fresh browser profile speaking `lang`; CSP violations and script errors are collected. */
async function open(lang, options = {}) {
  const context = await browser.newContext({ locale: LOCALE[lang], viewport: { width: 360, height: 740 }, ...options });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => {
    if (
      m.type() === 'error' &&
      !/Failed to load resource: the server responded with a status of (400|401|404)/.test(m.text())
    )
      problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return { context, page, problems };
}

async function reach(page, screen) {
  await page.goto(`${BASE_URL}${screen.path}`);
  if (screen.act) await screen.act(page, { readCode });
}

for (const lang of ['fr', 'en']) {
  for (const screen of SCREENS) {
    test(`${screen.name} (${lang}): no axe violation, no sideways scroll at 320 px, screenshots`, async () => {
      const { context, page, problems } = await open(lang);
      try {
        await reach(page, screen);
        assert.equal(await page.getAttribute('html', 'lang'), lang);
        const violations = await checkA11y(page);
        assert.deepEqual(
          violations,
          [],
          `axe violations on ${screen.name} (${lang}):\n${describeViolations(violations)}`,
        );
        await screenshot(page, `${screen.name}-${lang}-360`);

        await page.setViewportSize({ width: 320, height: 640 });
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
        }));
        assert.ok(scrollWidth <= innerWidth, `${screen.name} (${lang}) is ${scrollWidth} px wide at ${innerWidth} px`);

        await page.setViewportSize({ width: 1280, height: 800 });
        await screenshot(page, `${screen.name}-${lang}-1280`);
        assert.deepEqual(problems, [], `console errors (CSP?) on ${screen.name} (${lang})`);
      } finally {
        await context.close();
      }
    });
  }
}

/** axe finds nothing on the page as it is now; a screenshot at 360 px is kept. */
async function assertAccessible(page, name) {
  const violations = await checkA11y(page);
  assert.deepEqual(violations, [], `axe violations on ${name}:\n${describeViolations(violations)}`);
  await screenshot(page, `${name}-360`);
}

// These walks change credentials, so they use the second and third demo voters (the first
// one logs in elsewhere), as test/e2e/renewal.test.mjs does: one request per language here
// and one there stay within the per-voter limits (3 an hour, 3 a day), and each test only
// reads the messages it caused. Nothing below relies on the voters' old credentials but the
// NUMIC, the e-mail address and the second voter's password, which no test changes.
for (const lang of ['fr', 'en']) {
  test(`identifier renewal (${lang}): every step is accessible, from the request to the new identifier`, async () => {
    const { context, page, problems } = await open(lang);
    try {
      const since = new Date().toISOString();
      await page.goto(`${BASE_URL}/identifiant-perdu`);
      await page.locator('#numic').fill('654321');
      await page.locator('#email').fill('second@example.org');
      await page.locator('#captcha').fill(await readCode(page));
      await submit(page);
      await assertAccessible(page, `identifier-sent-${lang}`);

      const mail = await waitForMessage(
        (m) => m.to === 'second@example.org' && m.createdAt >= since && /\/r\//.test(m.text),
      );
      const link = new URL(
        mail.text
          .split('\n')
          .find((line) => /^https?:\/\/\S+\/r\//.test(line.trim()))
          .trim(),
      );
      await page.goto(`${BASE_URL}${link.pathname}${link.search}${link.hash}`);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      await assertAccessible(page, `identifier-link-${lang}`);

      await page.locator('#password').fill('Vote-2022-Bis');
      await page.locator('#captcha').fill(await readCode(page));
      await submit(page);
      await page.locator('button[data-copy]:not([hidden])').waitFor();
      await assertAccessible(page, `identifier-renewed-${lang}`);
      await page.setViewportSize({ width: 320, height: 640 });
      assert.ok(
        await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
        'no sideways scroll at 320 px',
      );
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  test(`password renewal (${lang}): the request and its confirmation are accessible`, async () => {
    const { context, page, problems } = await open(lang);
    try {
      await page.goto(`${BASE_URL}/mot-de-passe-perdu`);
      await page.locator('#identifier').fill('wxyz 2345 6789');
      await page.locator('#numic').fill('00111111');
      await page.locator('#captcha').fill(await readCode(page));
      await submit(page);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      await assertAccessible(page, `password-sent-${lang}`);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
}

test('the axe check itself finds a violation when there is one', async () => {
  const { context, page } = await open('fr');
  try {
    await page.goto(BASE_URL);
    await page.evaluate(() => document.querySelector('label[for="identifier"]').remove());
    const violations = await checkA11y(page);
    assert.ok(
      violations.some((v) => v.id === 'label'),
      describeViolations(violations),
    );
  } finally {
    await context.close();
  }
});

test('keyboard only: log in and out with Tab, typing and Enter, focus always visible', async () => {
  const { context, page } = await open('fr');
  try {
    await page.goto(BASE_URL);
    const focused = () =>
      page.evaluate(() => {
        const el = document.activeElement;
        const style = el ? getComputedStyle(el) : null;
        return {
          id: el?.id ?? '',
          tag: el?.tagName ?? '',
          text: el?.textContent?.trim() ?? '',
          outline: style ? `${style.outlineStyle} ${style.outlineWidth}` : '',
        };
      });
    /** Presses Tab until the focus is on what `matches` wants (at most 30 times). */
    const tabTo = async (matches) => {
      for (let i = 0; i < 30; i++) {
        await page.keyboard.press('Tab');
        const f = await focused();
        assert.doesNotMatch(f.outline, /^none|\s0px$/, `focus visible on ${f.tag}#${f.id} "${f.text}"`);
        if (matches(f)) return f;
      }
      assert.fail('never reached by Tab');
    };
    // The skip link comes first.
    const first = await tabTo(() => true);
    assert.equal(first.text, 'Aller au contenu');
    await tabTo((f) => f.id === 'identifier');
    await page.keyboard.type('abcd efgh jkmn');
    await tabTo((f) => f.id === 'password');
    await page.keyboard.type('Vote-2022-Demo');
    await tabTo((f) => f.id === 'captcha');
    await page.keyboard.type(await readCode(page));
    await Promise.all([page.waitForURL('**/espace'), page.keyboard.press('Enter')]);
    await tabTo((f) => f.tag === 'BUTTON');
    await page.keyboard.press('Enter');
    await page.getByText('Vous êtes déconnecté(e).').waitFor();
  } finally {
    await context.close();
  }
});

test('keyboard only: renew an identifier from the login screen to the new identifier', async () => {
  const { context, page } = await open('fr');
  const tabTo = async (matches) => {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const f = await page.evaluate(() => ({
        id: document.activeElement?.id ?? '',
        tag: document.activeElement?.tagName ?? '',
        text: document.activeElement?.textContent?.trim() ?? '',
      }));
      if (matches(f)) return f;
    }
    assert.fail('never reached by Tab');
  };
  try {
    await page.goto(BASE_URL);
    await tabTo((f) => f.tag === 'A' && f.text === 'Identifiant perdu ou non reçu ?');
    await Promise.all([page.waitForURL('**/identifiant-perdu'), page.keyboard.press('Enter')]);
    await tabTo((f) => f.id === 'numic');
    await page.keyboard.type('222222');
    await tabTo((f) => f.id === 'email');
    await page.keyboard.type('clavier@example.org');
    await tabTo((f) => f.id === 'captcha');
    await page.keyboard.type(await readCode(page));
    const since = new Date().toISOString();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Confirmation du renouvellement de votre identifiant' }).waitFor();

    const mail = await waitForMessage((m) => m.to === 'clavier@example.org' && m.createdAt >= since);
    const link = /^(https?:\/\/\S+\/r\/\S+)$/m.exec(mail.text)[1];
    await page.goto(link.replace(/^https?:\/\/[^/]+/, BASE_URL));
    await tabTo((f) => f.id === 'password');
    await page.keyboard.type('Vote-2022-Clavier');
    await tabTo((f) => f.id === 'captcha');
    await page.keyboard.type(await readCode(page));
    await page.keyboard.press('Enter');
    await page.getByText('Je le copie et je le conserve.').waitFor();
    const copy = await tabTo((f) => f.tag === 'BUTTON');
    assert.equal(copy.text, 'Copier l’identifiant');
    await tabTo((f) => f.tag === 'A' && f.text === 'Se connecter avec le nouvel identifiant');
    await Promise.all([page.waitForURL(`${BASE_URL}/`), page.keyboard.press('Enter')]);
  } finally {
    await context.close();
  }
});

test('a failed form moves the focus to the error summary, whose links focus the field', async () => {
  for (const [path, field] of [
    ['/', 'identifier'],
    ['/aide', 'email'],
  ]) {
    const { context, page } = await open('fr');
    try {
      await page.goto(`${BASE_URL}${path}`);
      await submit(page);
      await page.locator('#error-summary').waitFor();
      // The deferred script runs once the document is parsed: give it that moment.
      await page
        .waitForFunction(() => document.activeElement?.id === 'error-summary', null, { timeout: 5000 })
        .catch(() => {});
      assert.equal(await page.evaluate(() => document.activeElement?.id), 'error-summary', path);
      await page.locator(`#error-summary a[href="#${field}"]`).click();
      assert.equal(await page.evaluate(() => document.activeElement?.id), field, path);
    } finally {
      await context.close();
    }
  }
});

test('an English browser in New York sees an English portal with times in its own zone', async () => {
  const { context, page } = await open('en', { timezoneId: 'America/New_York' });
  try {
    await page.goto(BASE_URL);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.getByRole('heading', { name: 'Welcome' }).waitFor();
    const local = await page.locator('.local-time').allInnerTexts();
    assert.equal(local.length, 2, 'opening and closing both shown in the local zone');
    for (const line of local)
      assert.match(line, /^in your time zone \(.*Eastern.*\): \w+day \d{1,2} \w+ \d{4} \d\d:\d\d$/);
    // The same instant: Paris is 5 or 6 hours ahead of New York.
    const paris = (await page.locator('time[data-local]').last().innerText()).match(/(\d\d):(\d\d)/);
    const here = local[1].match(/(\d\d):(\d\d)$/);
    const diff = (Number(paris[1]) - Number(here[1]) + 24) % 24;
    assert.ok(diff === 5 || diff === 6, `Paris ${paris[0]} vs New York ${here[0]}`);
  } finally {
    await context.close();
  }

  const paris = await open('fr', { timezoneId: 'Europe/Paris' });
  try {
    await paris.page.goto(BASE_URL);
    assert.equal(await paris.page.locator('.local-time').count(), 0, 'nothing added in Paris');
  } finally {
    await paris.context.close();
  }
});

test('the countdown updates itself without a reload', async () => {
  const { context, page } = await open('fr');
  try {
    await page.clock.install();
    await page.goto(BASE_URL);
    const countdown = page.locator('[data-countdown] strong');
    assert.equal(await countdown.innerText(), '4 Jour(s)');
    await page.clock.runFor('48:00:00');
    assert.equal(await countdown.innerText(), '2 Jour(s)');
    await page.clock.runFor('47:00:00');
    assert.match(await countdown.innerText(), /^\d+ minute\(s\)$/);
    await page.clock.runFor('02:00:00');
    assert.match(await page.locator('[data-countdown]').innerText(), /^Le vote est clos depuis le /);
  } finally {
    await context.close();
  }
});

test('"Écouter le code" plays a 2–8 s WAV in the page language, and only in it', async () => {
  for (const lang of ['fr', 'en']) {
    const { context, page } = await open(lang);
    try {
      await page.goto(BASE_URL);
      const label = await page.locator('#captcha-audio-label').innerText();
      assert.equal(label, lang === 'fr' ? 'Écouter le code' : 'Listen to the code');
      const { duration, digitsInBytes } = await page.evaluate(async () => {
        const audio = document.querySelector('.captcha-audio audio');
        const bytes = await (await fetch(audio.src)).arrayBuffer();
        const decoded = await new OfflineAudioContext(1, 8000, 8000).decodeAudioData(bytes.slice(0));
        return { duration: decoded.duration, digitsInBytes: new TextDecoder('latin1').decode(bytes) };
      });
      assert.ok(duration > 2 && duration < 8, `duration ${duration}`);
      assert.ok(!digitsInBytes.includes(await readCode(page)), 'the digits are not in the bytes');
      // In the page's language, even when asked for the other one: one sound per code.
      const languages = await page.evaluate(
        async (other) => {
          const src = document.querySelector('.captcha-audio audio').src;
          const asked = new URL(src);
          asked.searchParams.set('lang', other);
          return Promise.all([src, asked.href].map(async (u) => (await fetch(u)).headers.get('content-language')));
        },
        lang === 'fr' ? 'en' : 'fr',
      );
      assert.deepEqual(languages, [lang, lang]);
    } finally {
      await context.close();
    }
  }
});

test('the security code at 320 px: the whole picture at 240 × 90, ink ≥ 4.5:1 on its background, "Nouveau code"', async () => {
  for (const lang of ['fr', 'en']) {
    const { context, page } = await open(lang);
    try {
      await page.setViewportSize({ width: 320, height: 640 });
      await page.goto(BASE_URL);
      const measure = () =>
        page.evaluate(async () => {
          // The ink (the darkest 2 %: stroke cores, not their anti-aliased edges) against the
          // background (the median: most of the picture is background), WCAG's formula.
          const inkContrast = (canvas) => {
            const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
            const lum = [];
            for (let i = 0; i < data.length; i += 4) {
              const [r, g, b] = [data[i], data[i + 1], data[i + 2]].map((v) => {
                const c = v / 255;
                return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
              });
              lum.push(0.2126 * r + 0.7152 * g + 0.0722 * b);
            }
            lum.sort((x, y) => x - y);
            return (lum[Math.floor(lum.length * 0.5)] + 0.05) / (lum[Math.floor(lum.length * 0.02)] + 0.05);
          };
          const img = document.querySelector('img.captcha-image');
          await img.decode();
          const box = img.getBoundingClientRect();
          const canvas = document.createElement('canvas');
          [canvas.width, canvas.height] = [img.naturalWidth, img.naturalHeight];
          canvas.getContext('2d').drawImage(img, 0, 0);
          // Positive control: the same measure on grey strokes (#999 on #eee, 2.3:1) must fail.
          const grey = document.createElement('canvas');
          [grey.width, grey.height] = [240, 90];
          const ctx = grey.getContext('2d');
          ctx.fillStyle = '#eeeeee';
          ctx.fillRect(0, 0, 240, 90);
          ctx.strokeStyle = '#999999';
          ctx.lineWidth = 5;
          ctx.strokeRect(40, 20, 160, 50);
          ctx.beginPath();
          ctx.moveTo(40, 20);
          ctx.lineTo(200, 70);
          ctx.stroke();
          return {
            src: img.getAttribute('src'),
            box: { left: box.left, right: box.right, width: box.width, height: box.height },
            viewport: document.documentElement.clientWidth,
            contrast: inkContrast(canvas),
            control: inkContrast(grey),
          };
        });
      const first = await measure();
      assert.ok(first.box.width >= 240 && first.box.height >= 90, `shown at ${first.box.width} × ${first.box.height}`);
      assert.ok(first.box.left >= 0 && first.box.right <= first.viewport, 'shown whole, inside the screen');
      assert.ok(first.contrast >= 4.5, `contrast ${first.contrast.toFixed(1)}:1`);
      assert.ok(first.control < 4.5, `the measure fails grey on grey: ${first.control.toFixed(1)}:1`);
      await screenshot(page, `captcha-320-${lang}`);
      await page.getByRole('button', { name: lang === 'fr' ? 'Nouveau code' : 'New code' }).click();
      await page.waitForFunction(
        (old) => document.querySelector('img.captcha-image')?.getAttribute('src') !== old,
        first.src,
      );
      const second = await measure();
      assert.notEqual(second.src, first.src, 'another code, another picture');
      assert.ok(second.contrast >= 4.5, `contrast ${second.contrast.toFixed(1)}:1`);
    } finally {
      await context.close();
    }
  }
});

test('the copy button copies the reference and says so', async () => {
  const { context, page } = await open('fr', { permissions: ['clipboard-read', 'clipboard-write'] });
  try {
    await reach(
      page,
      SCREENS.find((s) => s.name === 'help-sent'),
    );
    const reference = await page.locator('.reference').innerText();
    const button = page.getByRole('button', { name: 'Copier' });
    await button.click();
    await page.locator('.copy-status', { hasText: 'Copié' }).waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), reference);
  } finally {
    await context.close();
  }
});

test('the FR/EN switch keeps the page and is remembered on the next pages', async () => {
  const { context, page } = await open('fr');
  try {
    await page.goto(`${BASE_URL}/aide`);
    await Promise.all([
      page.waitForURL('**/aide?lang=en'),
      page.getByRole('link', { name: 'Read this page in English' }).click(),
    ]);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.goto(BASE_URL);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.getByRole('heading', { name: 'Welcome' }).waitFor();
  } finally {
    await context.close();
  }
});
