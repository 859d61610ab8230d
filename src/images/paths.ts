import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (holds `containers/`), found from this file in `src/images` or `dist/images`. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'containers')) && existsSync(join(dir, 'package.json'))) return dir;
    dir = resolve(dir, '..');
  }
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

/** Scratch space for staged build contexts and cached downloads (git-ignored). */
export function cacheDir(): string {
  return process.env.MXLAB_CACHE_DIR ?? join(packageRoot(), '.mxlab');
}
