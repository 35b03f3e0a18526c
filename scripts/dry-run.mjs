/**
 * `npm run deploy:dry`: builds the production bundle exactly as `wrangler deploy` would,
 * without uploading anything and without a Cloudflare login, prints its size and fails when
 * it is over the ceiling (150 KiB gzip) or carries data a Worker's script should not
 * (scripts/bundle.mjs). CI runs it.
 */
import { CEILING_GZIP_KIB, GOAL_GZIP_KIB, buildBundle, bundleProblems, kib } from './bundle.mjs';

// The production environment's configuration, as operators deploy it.
const size = buildBundle({ args: process.argv.slice(2) });
console.log(
  `bundle ${size.file}: ${kib(size.raw)} raw, ${kib(size.gzip)} gzip (goal ≤ ${GOAL_GZIP_KIB} KiB, ceiling ${CEILING_GZIP_KIB} KiB)`,
);
const problems = bundleProblems(size);
for (const p of problems) console.error(`deploy:dry: ${p}`);
process.exit(problems.length ? 1 : 0);
