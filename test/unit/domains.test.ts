// Where the deployed Worker answers (wrangler.toml): only on its custom domain, behind the
// zone's WAF and rate rules — never on `*.workers.dev` nor on a version's preview URL, which
// the zone's rules do not cover.
import { describe, expect, it } from 'vitest';
import wranglerToml from '../../wrangler.toml?raw';

/** The text of `[env.<name>]`, up to the next environment (comments dropped). */
function envPart(name: string): string {
  const start = wranglerToml.search(new RegExp(`^\\[env\\.${name}\\]$`, 'm'));
  expect(start, `[env.${name}]`).toBeGreaterThanOrEqual(0);
  const rest = wranglerToml.slice(start + 1);
  const next = rest.search(/^\[env\.(?!\w+\.)/m);
  return (next < 0 ? rest : rest.slice(0, next))
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n');
}

describe('wrangler.toml: the deployed Worker answers on its custom domain only', () => {
  for (const name of ['staging', 'production']) {
    it(`[env.${name}]: no workers.dev, no preview URLs, a custom-domain route for PUBLIC_ORIGIN`, () => {
      const part = envPart(name);
      expect(part).toMatch(/^workers_dev = false$/m);
      expect(part).toMatch(/^preview_urls = false$/m);
      expect(part.match(/^\s*(workers_dev|preview_urls)\s*=/gm)).toHaveLength(2);

      const origin = /PUBLIC_ORIGIN = "(https:\/\/[^"]+)"/.exec(part)?.[1];
      expect(origin, 'PUBLIC_ORIGIN').toBeDefined();
      const host = new URL(origin!).host;
      const routes = /^routes = \[(.*)\]$/m.exec(part)?.[1] ?? '';
      expect(routes).toContain(`{ pattern = "${host}", custom_domain = true }`);
      expect(routes).not.toMatch(/workers\.dev/);
    });
  }
});
