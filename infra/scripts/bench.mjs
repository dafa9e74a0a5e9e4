// npm run bench: install what is missing, build, then run the benchmark (bench/, built to dist/bench/) with the flags
// passed on. The benchmark imports nothing from here.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureInstalled } from './install.mjs';
import { repoRoot } from './swc-options.mjs';

ensureInstalled(repoRoot);
// The services run as processes from dist/, so the benchmark measures the code as it is now.
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
  const { main } = await dist('bench/src/main.js');
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
