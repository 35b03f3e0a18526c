// The audio code's clips are static assets (public/_private/captcha-clips/) that only the
// Worker reads, through its ASSETS binding. Here, through the real asset router of
// `wrangler dev` (which the vitest pool does not put in front of the Worker): wrangler.toml's
// run_worker_first hands /_private/* to the Worker, which answers the 404 page of any unknown
// path; without the rule the router would serve the clip. Raw HTTP first (paths that a browser
// or fetch() would tidy up before sending), then Chromium.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { BASE_URL, launch } from './browser.mjs';

const CLIP_PATHS = ['/_private/captcha-clips/fr.ulaw', '/_private/captcha-clips/en.ulaw'];
const MAGIC = 'ISOLOIR-CLIPS';

/** One request with `path` sent exactly as written (no URL normalisation), redirects not followed. */
function raw(path, method = 'GET', headers = {}) {
  const { hostname, port } = new URL(BASE_URL);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path, method, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

let browser;
before(async () => (browser = await launch()));
after(async () => browser?.close());

test('no spelling of a clip path gets the clip: the Worker answers 404, encoded paths are sent back to it', async () => {
  const notFoundPage = (await raw('/no-such-page')).body.toString();
  const paths = [
    ...CLIP_PATHS,
    '/_private/captcha-clips/',
    '/_private/captcha-clips',
    '/_private/',
    '/_private',
    '/_private/captcha-clips/fr.ulaw/',
    '/_private/captcha-clips/fr.ulaw?download=1',
    '/_private/captcha-clips/fr',
    '/_private/./captcha-clips/fr.ulaw',
    '/./_private/captcha-clips/fr.ulaw',
    '/x/../_private/captcha-clips/fr.ulaw',
    '/styles.css/../_private/captcha-clips/fr.ulaw',
    '/x/%2E%2E/_private/captcha-clips/fr.ulaw',
    '//_private/captcha-clips/fr.ulaw',
    '/_private/captcha-clips//fr.ulaw',
    '/%5Fprivate/captcha-clips/fr.ulaw',
    '/%5fprivate/captcha-clips/en.ulaw',
    '/_private%2Fcaptcha-clips%2Ffr.ulaw',
    '/_private%2fcaptcha-clips/fr.ulaw',
    '/%2F_private/captcha-clips/fr.ulaw',
    '/_private/captcha-clips/%66r.ulaw',
    '/%5F%70%72%69%76%61%74%65/%63aptcha-clips/fr.ulaw',
    '/_PRIVATE/captcha-clips/fr.ulaw',
    '/_private\\captcha-clips\\fr.ulaw',
  ];
  for (const path of paths) {
    for (const [method, headers] of [
      ['GET', {}],
      ['HEAD', {}],
      ['GET', { range: 'bytes=0-99' }],
    ]) {
      const what = `${method} ${path}${headers.range ? ' (range)' : ''}`;
      let res = await raw(path, method, headers);
      // The asset store sends a path it would decode to an asset to that asset's plain path
      // (307), which the router then hands to the Worker: follow it, as a bot would.
      for (let hops = 0; res.status === 307 && hops < 3; hops++) {
        const next = new URL(res.headers.location, BASE_URL);
        assert.equal(next.origin, new URL(BASE_URL).origin, what);
        res = await raw(next.pathname + next.search, method, headers);
      }
      assert.equal(res.status, 404, what);
      assert.match(res.headers['content-type'] ?? '', /^text\/html/, what);
      assert.ok(!res.body.includes(MAGIC), `${what}: clip bytes`);
      if (method === 'GET') assert.equal(res.body.toString(), notFoundPage, what);
    }
  }
  // The other assets are still served by the asset router, without the Worker.
  const css = await raw('/styles.css');
  assert.equal(css.status, 200);
  assert.match(css.headers['content-type'], /^text\/css/);
});

test('in Chromium, opening or fetching a clip gets the 404 page', async () => {
  const page = await browser.newPage({ locale: 'fr-FR' });
  for (const path of CLIP_PATHS) {
    const res = await page.goto(`${BASE_URL}${path}`);
    assert.equal(res.status(), 404, path);
    assert.ok((await page.locator('body').innerText()).length > 0);
    const fetched = await page.evaluate(async (url) => {
      const r = await fetch(url);
      return { status: r.status, text: await r.text() };
    }, `${BASE_URL}${path}`);
    assert.equal(fetched.status, 404, path);
    assert.ok(!fetched.text.includes(MAGIC), path);
  }
  await page.close();
});
