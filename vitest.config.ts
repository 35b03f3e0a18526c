import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// Tests run inside workerd against real D1, KV, Durable Objects and queues (miniflare).
// Secrets are fixed test values; DEV_TOOLS is on as in .dev.vars (tests check the loopback rule).
function hostileRuns(): number {
  const runs = Number(process.env.HOSTILE_RUNS ?? 300);
  if (!Number.isSafeInteger(runs) || runs < 1)
    throw new Error(`HOSTILE_RUNS: a positive integer, not ${process.env.HOSTILE_RUNS}`);
  return runs;
}

function soakScale(): number {
  const scale = Number(process.env.SOAK_SCALE ?? 1);
  if (!Number.isSafeInteger(scale) || scale < 1)
    throw new Error(`SOAK_SCALE: a positive integer, not ${process.env.SOAK_SCALE}`);
  return scale;
}

export default defineConfig(async () => {
  const migrations = await readD1Migrations('./migrations');
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            DEV_TOOLS: '1',
            IDENTIFIER_HMAC_KEY: 'test-identifier-key',
            NUMIC_HMAC_KEY: 'test-numic-key',
            CAPTCHA_KEY: 'test-captcha-key',
            DELIVERY_KEY: 'test-delivery-key',
          },
        },
      }),
    ],
    test: {
      include: ['test/{unit,integration,durable,faults,hostile}/**/*.test.{ts,tsx}'],
      // Runs per property of test/hostile/ (read there with `inject`): 300 in `npm test`,
      // 10 000 in `npm run test:soak`.
      provide: { hostileRuns: hostileRuns(), soakScale: soakScale() },
      setupFiles: ['./test/setup.ts'],
      testTimeout: 30_000,
      // Resetting the bindings after a suite that made thousands of objects (the concurrency
      // suite) can take longer than a test; twenty times more objects under the soak.
      hookTimeout: 120_000 * soakScale(),
      // test/unit/contrast.test.ts reads the stylesheet with `?raw`; vitest blanks CSS otherwise.
      css: { include: [/public\/styles\.css/] },
    },
  };
});
