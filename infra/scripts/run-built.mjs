// Shared by npm run bench and npm run chaos: install what is missing, build, make sure nats-server and PostgreSQL are
// installed, then run the built tool's `main` with the flags passed on. The tools import nothing from here.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureInstalled } from './install.mjs';
import { repoRoot } from './swc-options.mjs';

/** `script` names the npm script in messages; `entry` is the tool's main module under dist/. Never returns. */
export async function runBuilt(script, entry) {
  ensureInstalled(repoRoot);
  // The services run as processes from dist/, so the tool measures the code as it is now.
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
    const { main } = await dist(entry);
    await main(process.argv.slice(2));
  } catch (error) {
    const usage = error instanceof Error && error.name === 'UsageError';
    console.error(
      usage ? `${script}: ${error.message}` : error instanceof Error ? (error.stack ?? error.message) : String(error),
    );
    process.exitCode = 1;
  }
  // Servers and services are stopped by now; a stray handle must not keep the tool from ending.
  process.exit();
}
