// The bundle as it ships (wrangler.toml): minified, and the audio clips out of the script, in
// a directory of the assets that the Worker claims and refuses. `npm run deploy:dry` checks the
// built file itself (size ceiling, no long base64 literal: scripts/bundle.mjs).
import { describe, expect, it } from 'vitest';
import wranglerToml from '../../wrangler.toml?raw';
import { CLIPS_DIR } from '../../src/platform/captcha/audio';

/** The top-level part of wrangler.toml (before its first table) and its [env.*] parts. */
const topLevel = wranglerToml.slice(0, wranglerToml.search(/^\[/m));
const envParts = wranglerToml.split(/^\[env\./m).slice(1);
const assetsTable = /^\[assets\]$([\s\S]*?)^\[/m.exec(wranglerToml)?.[1] ?? '';

/** A run_worker_first rule as the asset router reads it: `*` is any run of characters, on the raw path. */
const ruleMatches = (rule: string, path: string) =>
  new RegExp(
    `^${rule
      .split('*')
      .map((part) => part.replace(/[-/\\^$+?.()|[\]{}]/g, '\\$&'))
      .join('.*')}$`,
  ).test(path);

describe('wrangler.toml: the bundle as it ships', () => {
  it('minifies at the top level, and no environment turns it off', () => {
    expect(topLevel).toMatch(/^minify = true$/m);
    expect(wranglerToml.match(/^\s*minify\s*=/gm)).toHaveLength(1);
    for (const part of envParts) expect(part).not.toMatch(/minify/);
  });

  it('hands the clips directory, and nothing else, to the Worker before the assets', () => {
    const rules = JSON.parse(/^run_worker_first = (\[.*\])$/m.exec(assetsTable)?.[1] ?? 'null') as string[];
    expect(rules).toEqual(['/_private', '/_private/*']);
    for (const path of [CLIPS_DIR, `${CLIPS_DIR}/`, `${CLIPS_DIR}/fr.ulaw`, `${CLIPS_DIR}/en.ulaw`, '/_private']) {
      expect(
        rules.some((rule) => ruleMatches(rule, path)),
        path,
      ).toBe(true);
    }
    for (const path of ['/', '/styles.css', '/js/app.js', '/captcha/x.wav', '/_privateer']) {
      expect(
        rules.some((rule) => ruleMatches(rule, path)),
        path,
      ).toBe(false);
    }
    expect(CLIPS_DIR.startsWith('/_private/')).toBe(true);
    expect(assetsTable).toMatch(/^binding = "ASSETS"$/m);
    // [assets] is inherited by every environment: none may replace it (and lose the rule).
    for (const part of envParts) expect(part).not.toMatch(/assets/);
  });
});

describe("the Worker's main module", () => {
  it('exports only handlers and classes: workerd refuses to start on any other export', async () => {
    const exported = await import('../../src/index');
    for (const [name, value] of Object.entries(exported)) {
      const handler = typeof value === 'object' && value !== null && 'fetch' in value;
      expect(typeof value === 'function' || handler, name).toBe(true);
    }
  });
});
