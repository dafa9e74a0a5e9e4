#!/usr/bin/env node
// The `gwpool` command: runs the CLI built into dist/ by `npm run build`.
const entry = new URL('../../../dist/tools/cli/src/main.js', import.meta.url);
let cli;
try {
  cli = await import(entry.href);
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes(entry.pathname)) throw error;
  process.stderr.write('gwpool: the CLI is not built yet; run `npm run build` in the repository first\n');
  process.exit(1);
}
process.exitCode = await cli.main(process.argv.slice(2));
