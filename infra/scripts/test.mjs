// npm test: install, build, type-check and lint the workspace, run jest (extra args are passed on), and end with one
// plain line: "N passed, N failed", where the type check and the lint count as one test each.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureInstalled } from './install.mjs';
import { repoRoot } from './swc-options.mjs';

// `node test.mjs -- --selectProjects unit` and `npm test -- --selectProjects unit` mean the same.
const args = process.argv.slice(2);
if (args[0] === '--') args.shift();
// A run narrowed by jest arguments (a tier, a path, -t) is for quick feedback: the workspace checks are skipped.
const withChecks = args.length === 0;

function runNode(script, scriptArgs) {
  const { status, signal } = spawnSync(process.execPath, [join(repoRoot, script), ...scriptArgs], {
    cwd: repoRoot,
    stdio: 'inherit',
  });
  return { ok: status === 0, status: status ?? signal };
}

/** Runs `node script args` with its output held back, so that two can run side by side and print one after the other. */
function runQuietly(script, scriptArgs, env = process.env) {
  const started = Date.now();
  const child = spawn(process.execPath, [join(repoRoot, script), ...scriptArgs], { cwd: repoRoot, env });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) stream.on('data', (chunk) => (output += chunk));
  return new Promise((resolveRun) => {
    child.once('error', (error) => (output += String(error)));
    child.once('close', (code, signal) =>
      resolveRun({
        ok: code === 0,
        status: code ?? signal,
        output,
        seconds: Math.round((Date.now() - started) / 1000),
      }),
    );
  });
}

/**
 * The type checker once for the whole workspace, and ESLint with the Nx project graph built first: without a graph
 * (a fresh checkout) @nx/enforce-module-boundaries finds no projects and silently checks nothing. Side by side.
 */
async function workspaceChecks() {
  const noDaemon = { ...process.env, NX_DAEMON: 'false' };
  const lint = async () => {
    const graph = await runQuietly('node_modules/nx/dist/bin/nx.js', ['show', 'projects'], noDaemon);
    if (!graph.ok) return { ...graph, output: `nx could not build the project graph:\n${graph.output}` };
    const eslint = await runQuietly('node_modules/eslint/bin/eslint.js', ['.'], noDaemon);
    return { ...eslint, seconds: graph.seconds + eslint.seconds };
  };
  const [tsc, eslint] = await Promise.all([
    runQuietly('node_modules/typescript/bin/tsc', ['-p', 'tsconfig.json', '--noEmit']),
    lint(),
  ]);
  const results = [
    { name: 'type check (tsc --noEmit)', ...tsc },
    { name: 'lint (eslint with the Nx project graph)', ...eslint },
  ];
  for (const r of results) {
    if (r.output.trim()) console.log(r.output.trimEnd());
    console.log(`${r.ok ? 'passed' : 'FAILED'}: ${r.name}, ${r.seconds} s`);
  }
  return results;
}

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
  // e2e tests run the services as processes from dist/, and the jest global setup takes the launcher from there.
  const build = runNode('infra/scripts/build.mjs', []);
  if (!build.ok) throw new Error(`build failed (exit code ${build.status})`);
  const launcher = await import(pathToFileURL(join(repoRoot, 'dist/libs/launcher/src/index.js')).href);
  // Installed up front (apt-get when missing), so that their output does not land in the middle of jest's.
  if (!process.env.TEST_NATS_URL) launcher.ensureNatsServer();
  if (!process.env.TEST_POSTGRES_URL) launcher.ensurePostgres();
  const checks = withChecks ? await workspaceChecks() : [];
  tmp = mkdtempSync(join(tmpdir(), 'gwpool-jest-'));
  // As root, PostgreSQL runs as the postgres user, which must be able to enter it.
  chmodSync(tmp, 0o711);
  const resultsFile = join(tmp, 'jest-results.json');
  const jestExit = await runJest(tmp, resultsFile);
  counts = summary(resultsFile, jestExit);
  for (const check of checks) counts[check.ok ? 'passed' : 'failed'] += 1;
  for (const check of checks.filter((c) => !c.ok)) console.log(`failed: ${check.name} (see its output above)`);
  exitCode = jestExit === 0 && counts.failed === 0 ? 0 : jestExit || 1;
} catch (error) {
  console.log(error instanceof Error ? error.message : String(error));
} finally {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
}
console.log(`${counts.passed} passed, ${counts.failed} failed`);
process.exitCode = exitCode;
