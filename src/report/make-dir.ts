import { mkdirSync, statSync } from 'node:fs';
import { mkdir, open, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { CODE, MxlabError } from '../errors.js';

/**
 * `mkdir -p` that ends. Node's recursive mkdir loops forever (100% CPU, never settles) when a
 * folder above can not hold folders but exists — a path under /proc, a dangling symbolic link:
 * mkdir says ENOENT, it makes the parent (EEXIST), tries again, and so on. Here each missing
 * folder is made once, top down, and the first refusal is the error: E_OUTPUT_PATH (exit 2)
 * for a path that cannot be a folder, E_IO (exit 3) for permissions, a full or read-only disk.
 */
export async function makeDir(dir: string): Promise<void> {
  const missing: string[] = [];
  let cur = resolve(dir);
  for (;;) {
    const st = await stat(cur).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? undefined : Promise.reject(dirError(dir, cur, err))));
    if (st) {
      if (!st.isDirectory()) throw notAFolder(dir, cur);
      break;
    }
    missing.push(cur);
    if (dirname(cur) === cur) break;
    cur = dirname(cur);
  }
  for (const d of missing.reverse()) {
    await mkdir(d).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw dirError(dir, d, err);
    });
  }
}

/**
 * `makeDir`, then a file made and removed in the folder: a folder that exists but cannot hold files
 * (under /proc or /sys) is found before a run, not when its reports are written at the end.
 */
export async function makeWritableDir(dir: string): Promise<void> {
  await makeDir(dir);
  const probe = join(resolve(dir), `.mxlab-probe-${process.pid}`);
  try {
    await (await open(probe, 'wx')).close();
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const code = e.code ?? e.message;
    if (ENVIRONMENT.has(code)) throw new MxlabError(CODE.IO, `Failed to write into the folder ${dir}: ${code}.`, { hint: 'Is the disk full or read-only, or the folder not yours?', cause: e });
    throw new MxlabError(CODE.OUTPUT_PATH, `Failed to write into the folder ${dir}: it cannot hold files (${code}; a folder under /proc or /sys?).`, { hint: 'Did you mean another --out path?', cause: e });
  }
  await rm(probe, { force: true });
}

/** `makeDir` for synchronous callers. */
export function makeDirSync(dir: string): void {
  const missing: string[] = [];
  let cur = resolve(dir);
  for (;;) {
    let isDir: boolean | undefined;
    try {
      isDir = statSync(cur).isDirectory();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw dirError(dir, cur, err as NodeJS.ErrnoException);
    }
    if (isDir === false) throw notAFolder(dir, cur);
    if (isDir) break;
    missing.push(cur);
    if (dirname(cur) === cur) break;
    cur = dirname(cur);
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw dirError(dir, d, err as NodeJS.ErrnoException);
    }
  }
}

const ENVIRONMENT = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'EIO', 'EMFILE', 'ENFILE']);

function notAFolder(dir: string, at: string): MxlabError {
  return new MxlabError(CODE.OUTPUT_PATH, `Failed to create the folder ${dir}: ${at} exists and is not a folder.`, { hint: 'Did you mean another --out path?' });
}

function dirError(dir: string, at: string, err: NodeJS.ErrnoException): MxlabError {
  const code = err.code ?? err.message;
  if (ENVIRONMENT.has(code)) return new MxlabError(CODE.IO, `Failed to create the folder ${dir}: ${code} at ${at}.`, { hint: 'Is the disk full or read-only, or the folder not yours?', cause: err });
  const why = code === 'ENOENT' ? 'the folder above it cannot hold folders (a path under /proc or /sys, or a dangling link)' : code === 'ENOTDIR' ? 'a part of the path is not a folder' : code;
  return new MxlabError(CODE.OUTPUT_PATH, `Failed to create the folder ${dir}: ${why} (${at}).`, { hint: 'Did you mean another --out path?', cause: err });
}
