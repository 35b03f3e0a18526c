/**
 * `npm start`: builds the browser scripts, applies the local D1 migrations, loads the demo
 * data (resetting the demo voters' credentials and the ballot), serves the portal on 127.0.0.1:8787
 * and sets the demo ballot up (scripts/demo.mjs: trustees, contests 1–3, boxes frozen) —
 * on loopback only: asked for any other address (`--ip`, `HOST`, wrangler.toml's `[dev] ip`…)
 * it refuses, before anything else, and exits with status 1 (scripts/local.mjs
 * `loopbackRefusal`). `PORT` picks the port; `PERSIST_TO` another local state directory.
 */
import {
  DEMO_VOTERS,
  buildClient,
  ensureDevVars,
  loopbackRefusal,
  prepareLocalDatabase,
  startDevServer,
  stopDevServer,
} from './local.mjs';
import { DEMO_TRUSTEES_DIR, prepareDemoBallot } from './demo.mjs';

const vars = ensureDevVars();
const refusal = loopbackRefusal({ argv: process.argv.slice(2), env: process.env, vars });
if (refusal) {
  console.error(refusal);
  process.exit(1);
}
const persistTo = process.env.PERSIST_TO || undefined;
buildClient();
prepareLocalDatabase(vars, persistTo);
const { child, url } = await startDevServer({ port: Number(process.env.PORT ?? 8787), persistTo });
let ballot;
try {
  ballot = await prepareDemoBallot(url);
} catch (err) {
  stopDevServer(child);
  console.error(`Setting up the demo ballot failed: ${err.message}`);
  process.exit(1);
}

console.log(`\nIsoloir is serving the demo election "Elections législatives 2022" at ${url}\n`);
console.log('Demo voters (NUMIC / e-mail / phone / identifier / password):');
for (const v of DEMO_VOTERS) console.log(`  ${v.numic} / ${v.email} / ${v.phone} / ${v.identifier} / ${v.password}`);
console.log(
  `\nBallot boxes set up for constituencies ${ballot.constituencies.map((c) => c.constituency).join(', ')}; the demo trustees' keys: ${DEMO_TRUSTEES_DIR}/trustee-1.privkey and trustee-2.privkey`,
);
console.log(`\nSecurity codes: ${url}/_dev/captcha/<captchaId>   Messages sent: ${url}/_dev/outbox`);
console.log('Stop with Ctrl+C.\n');

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => (stopDevServer(child), process.exit(0)));
child.on('exit', (code) => process.exit(code ?? 0));
