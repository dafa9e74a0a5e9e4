// Transpiles libs/, services/, tools/, bench/ and chaos/ to dist/ with the layout kept, path aliases rewritten to relative
// imports.
import { transformFile } from '@swc/core';
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { repoRoot, swcOptions } from './swc-options.mjs';

async function* sources(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !/\.spec\.ts$/.test(entry.name)) yield path;
  }
}

const started = Date.now();
const out = join(repoRoot, 'dist');
await rm(out, { recursive: true, force: true });
const options = swcOptions();
let count = 0;
// The service images copy libs/ and services/ only.
for (const top of ['libs', 'services', 'tools', 'bench', 'chaos'].filter((dir) => existsSync(join(repoRoot, dir)))) {
  const jobs = [];
  for await (const file of sources(join(repoRoot, top))) {
    if (!file.includes(`${join('', 'src')}/`) && !file.includes('/src/')) continue;
    jobs.push(
      transformFile(file, { ...options, filename: file, sourceFileName: relative(repoRoot, file) }).then(
        async ({ code }) => {
          const target = join(out, relative(repoRoot, file)).replace(/\.ts$/, '.js');
          await mkdir(dirname(target), { recursive: true });
          await writeFile(target, code);
          count += 1;
        },
      ),
    );
  }
  await Promise.all(jobs);
}
await writeFile(join(out, 'package.json'), JSON.stringify({ type: 'module' }));
console.log(`built ${count} files into dist/ in ${Date.now() - started} ms`);
