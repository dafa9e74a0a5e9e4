// npm run bench: install what is missing, build the services, then run bench/main.mjs (flags are passed on).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureInstalled } from './install.mjs';
import { ensureNatsServer, ensurePostgres } from './servers.mjs';
import { repoRoot } from './swc-options.mjs';

ensureInstalled(repoRoot);
ensureNatsServer();
ensurePostgres();
// The services run as processes from dist/, so the benchmark measures the code as it is now.
const build = spawnSync(process.execPath, [join(repoRoot, 'infra/scripts/build.mjs')], {
  cwd: repoRoot,
  stdio: 'inherit',
});
if (build.status !== 0) {
  console.error(`build failed (exit code ${build.status ?? build.signal})`);
  process.exit(1);
}
// Imported only now: it needs node_modules and dist/.
const { main } = await import('../../bench/main.mjs');
try {
  await main(process.argv.slice(2));
} catch (error) {
  const usage = error instanceof Error && error.name === 'UsageError';
  console.error(
    usage ? `npm run bench: ${error.message}` : error instanceof Error ? (error.stack ?? error.message) : String(error),
  );
  process.exitCode = 1;
}
// Servers and services are stopped by now; a stray handle must not keep the benchmark from ending.
process.exit();
