// npm run bench: install what is missing, build, then run the benchmark (bench/, built to dist/bench/) with the flags
// passed on.
import { runBuilt } from './run-built.mjs';

await runBuilt('npm run bench', 'bench/src/main.js');
