/**
 * `npm run deploy:dry`: builds the production bundle exactly as `wrangler deploy` would,
 * without uploading anything and without a Cloudflare login.
 */
import { wrangler } from './local.mjs';

// The production environment's configuration, as operators deploy it.
wrangler(['deploy', '--dry-run', '--env', 'production', '--outdir', 'dist/worker', ...process.argv.slice(2)]);
