// One set of swc options for the build and for jest, so tests run the same code the services run.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export function swcOptions() {
  const tsconfig = JSON.parse(readFileSync(resolve(repoRoot, 'tsconfig.base.json'), 'utf8'));
  return {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2022',
      baseUrl: repoRoot,
      paths: tsconfig.compilerOptions.paths,
      keepClassNames: true,
    },
    module: { type: 'es6', resolveFully: true },
    sourceMaps: 'inline',
  };
}
