import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let root: string | undefined;

/** The workspace root (where nx.json is), whether this runs from the sources or from dist/. */
export function repoRoot(): string {
  if (root) return root;
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'nx.json'))) return (root = dir);
    if (dirname(dir) === dir) throw new Error(`no nx.json above ${fileURLToPath(import.meta.url)}`);
  }
}
