// npm run chaos: install what is missing, build, then run the chaos suite (chaos/, built to dist/chaos/) with the
// flags passed on: kill -9 of every service with one and two instances, NATS and PostgreSQL restarts and a
// heartbeat burst, all under load, about 5 minutes. `-- --short` is the minute-long version npm test runs.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureInstalled } from './install.mjs';
import { repoRoot } from './swc-options.mjs';

ensureInstalled(repoRoot);
const build = spawnSync(process.execPath, [join(repoRoot, 'infra/scripts/build.mjs')], {
  cwd: repoRoot,
  stdio: 'inherit',
});
if (build.status !== 0) {
  console.error(`build failed (exit code ${build.status ?? build.signal})`);
  process.exit(1);
}
const dist = (path) => import(pathToFileURL(join(repoRoot, 'dist', path)).href);
try {
  const launcher = await dist('libs/launcher/src/index.js');
  launcher.ensureNatsServer();
  launcher.ensurePostgres();
  const { main } = await dist('chaos/src/main.js');
  await main(process.argv.slice(2));
} catch (error) {
  const usage = error instanceof Error && error.name === 'UsageError';
  console.error(
    usage ? `npm run chaos: ${error.message}` : error instanceof Error ? (error.stack ?? error.message) : String(error),
  );
  process.exitCode = 1;
}
// Servers and services are stopped by now; a stray handle must not keep the suite from ending.
process.exit();
