import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

/** Files of a directory, recursively, as sorted relative paths (symlinks and specials skipped). */
export async function listFiles(root: string, skip: (rel: string) => boolean = () => false): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const full = join(dir, e.name);
      const rel = relative(root, full);
      if (skip(rel)) continue;
      if (e.isDirectory()) await walk(full);
      else if (e.isFile()) out.push(rel);
    }
  }
  await walk(root);
  return out.sort();
}

/**
 * Content hash of a build context: every file's path and bytes, plus extra inputs (the base
 * image id, versions). Twelve hex digits are the image tag.
 */
export async function contextHash(root: string, extra: string[], skip?: (rel: string) => boolean): Promise<string> {
  const h = createHash('sha256');
  for (const x of extra) h.update(`extra\0${x}\0`);
  for (const rel of await listFiles(root, skip)) {
    h.update(`file\0${rel}\0`);
    h.update(await readFile(join(root, rel)));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 12);
}

/** Names a build context's `.dockerignore` lists (plain names and paths only, no patterns): not sent, not hashed. */
export async function dockerIgnored(root: string): Promise<(rel: string) => boolean> {
  const text = await readFile(join(root, '.dockerignore'), 'utf8').catch(() => '');
  const names = new Set(text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')));
  return (rel) => names.has(rel);
}
