// npm test: install, build, run jest (extra args are passed on), and end with one plain line: "N passed, N failed".
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureInstalled } from './install.mjs';
import { ensureNatsServer, ensurePostgres } from './servers.mjs';
import { repoRoot } from './swc-options.mjs';

// `node test.mjs -- --selectProjects unit` and `npm test -- --selectProjects unit` mean the same.
const args = process.argv.slice(2);
if (args[0] === '--') args.shift();

function summary(resultsFile, exitCode) {
  let results;
  try {
    results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  } catch (error) {
    console.log(`jest left no readable results (${error.code ?? error.message}), exit code ${exitCode}`);
    return { passed: 0, failed: 1 };
  }
  const passed = results.numPassedTests ?? 0;
  let failed = results.numFailedTests ?? 0;
  // A suite that failed to load or whose hooks threw has no failed tests of its own, yet it failed.
  const brokenSuites = (results.testResults ?? []).filter(
    (s) => s.status === 'failed' && !(s.assertionResults ?? []).some((test) => test.status === 'failed'),
  );
  for (const suite of brokenSuites) console.log(`suite failed to run: ${suite.name}`);
  failed += brokenSuites.length;
  if (failed === 0 && (exitCode !== 0 || results.success === false)) {
    console.log(`jest failed (exit code ${exitCode}) with no failed test: counting it as one failure`);
    failed = 1;
  }
  if (passed + failed === 0) {
    console.log('no tests ran: counting that as one failure');
    failed = 1;
  }
  return { passed, failed };
}

function runJest(tmp, resultsFile) {
  const jest = join(repoRoot, 'node_modules/jest/bin/jest.js');
  const argv = ['--experimental-vm-modules', jest, '--ci', '--json', '--outputFile', resultsFile, ...args];
  // Its own process group: a signal we pass on reaches jest and the servers its global setup started, so none is left
  // behind. The global setup keeps its data under our temp dir, which we remove whatever happens.
  const env = { ...process.env, GWPOOL_TEST_TMPDIR: tmp };
  const child = spawn(process.execPath, argv, { cwd: repoRoot, env, stdio: 'inherit', detached: true });
  const group = (signal) => {
    try {
      process.kill(-child.pid, signal);
      return true;
    } catch {
      return false;
    }
  };
  // SIGINT for all: it is PostgreSQL's fast shutdown, where SIGTERM would wait for clients.
  const forward = () => group('SIGINT');
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  return new Promise((resolveExit) =>
    child.once('exit', async (code, signal) => {
      for (let i = 0; i < 100 && group(0); i += 1) await new Promise((r) => setTimeout(r, 100));
      group('SIGKILL');
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolveExit(code ?? 128 + (constants.signals[signal] ?? 0));
    }),
  );
}

let exitCode = 1;
let counts = { passed: 0, failed: 1 };
let tmp;
try {
  ensureInstalled(repoRoot);
  if (!process.env.TEST_NATS_URL) ensureNatsServer();
  if (!process.env.TEST_POSTGRES_URL) ensurePostgres();
  // e2e tests run the services as processes from dist/.
  const build = spawnSync(process.execPath, [join(repoRoot, 'infra/scripts/build.mjs')], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  if (build.status !== 0) throw new Error(`build failed (exit code ${build.status ?? build.signal})`);
  tmp = mkdtempSync(join(tmpdir(), 'gwpool-jest-'));
  // As root, PostgreSQL runs as the postgres user, which must be able to enter it.
  chmodSync(tmp, 0o711);
  const resultsFile = join(tmp, 'jest-results.json');
  const jestExit = await runJest(tmp, resultsFile);
  counts = summary(resultsFile, jestExit);
  exitCode = jestExit === 0 && counts.failed === 0 ? 0 : jestExit || 1;
} catch (error) {
  console.log(error instanceof Error ? error.message : String(error));
} finally {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
console.log(`${counts.passed} passed, ${counts.failed} failed`);
process.exitCode = exitCode;
