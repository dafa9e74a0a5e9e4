#!/usr/bin/env node
// The `gwpool` command: runs the CLI built into dist/ by `npm run build`.
import { fileURLToPath } from 'node:url';

const entry = new URL('../../../dist/tools/cli/src/main.js', import.meta.url);
let cli;
try {
  cli = await import(entry.href);
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes(fileURLToPath(entry))) throw error;
  process.stderr.write('gwpool: the CLI is not built yet; run `npm run build` in the repository first\n');
  process.exit(1);
}
// `gwpool … | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});
process.exitCode = await cli.main(process.argv.slice(2));
