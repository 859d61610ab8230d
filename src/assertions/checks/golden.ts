import { closeSync, constants, fstatSync, openSync, readSync, writeFileSync } from 'node:fs';
import { makeDirSync } from '../../report/make-dir.js';
import { MxlabError } from '../../errors.js';
import { dirname, resolve } from 'node:path';
import { structuredPatch } from 'diff';
import type { CheckResult } from '../../model/result.js';
import { normaliseSession } from '../normalise.js';
import { result, type Check } from '../types.js';

/** Largest golden file read. */
const MAX_GOLDEN_BYTES = 4 * 1024 * 1024;
/** Diff lines shown for a mismatch: the first hunks, up to this many lines. */
const MAX_DIFF_LINES = 40;

/**
 * `golden: path` — the message's normalised transcript (every hop; see normalise.ts) equals the
 * file. Under `mxlab run --update` a missing or different file is written and the check holds,
 * with a note saying so. A mismatch fails with a unified diff of the first differing lines.
 */
export const golden: Check<'golden'> = (path, session, ctx): CheckResult[] => {
  const file = resolve(dirname(ctx.file || '.'), path);
  const text = normaliseSession(session).join('\n') + '\n';
  const read = readGolden(file);
  if (typeof read === 'object') return [result('golden', false, path, read.error)];
  if (read === text) return [result('golden', true, path, 'the same transcript')];
  if (ctx.update) {
    const other = ctx.written.get(file);
    if (other !== undefined && other !== text) {
      return [result('golden', false, path, `another run of this scenario wrote a different transcript to ${path} in this run: give each run its own file (when:)\n${diff(path, other, text)}`)];
    }
    try {
      makeDirSync(dirname(file));
      writeFileSync(file, text);
    } catch (err) {
      const why = err instanceof MxlabError ? err.message : ((err as NodeJS.ErrnoException).code ?? (err as Error).message);
      return [result('golden', false, path, `cannot write ${path}: ${why}`)];
    }
    ctx.written.set(file, text);
    return [result('golden', true, path, read === undefined ? 'written (new)' : 'updated', `${read === undefined ? 'wrote' : 'updated'} ${path}`)];
  }
  if (read === undefined) return [result('golden', false, path, `${path} does not exist: run mxlab run --update to write it`)];
  return [result('golden', false, path, diff(path, read, text))];
};

/** The file's text, undefined when it does not exist, or why it cannot be read (not a regular file, too large). */
function readGolden(file: string): string | undefined | { error: string } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? undefined : { error: `cannot read ${file}: ${code}` };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { error: `${file} is not a regular file` };
    if (st.size > MAX_GOLDEN_BYTES) return { error: `${file} is larger than ${MAX_GOLDEN_BYTES} bytes` };
    const buf = Buffer.alloc(st.size);
    let n = 0;
    while (n < buf.length) {
      const r = readSync(fd, buf, n, buf.length - n, n);
      if (r === 0) break;
      n += r;
    }
    return buf.subarray(0, n).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** A unified diff (golden file → this run) of the first hunks, at most MAX_DIFF_LINES lines. */
function diff(path: string, before: string, after: string): string {
  const patch = structuredPatch(path, 'this run', before, after, '', '', { context: 2 });
  const out = [`--- ${path}`, '+++ this run'];
  let shown = 0;
  for (const [i, h] of patch.hunks.entries()) {
    if (shown >= MAX_DIFF_LINES) {
      out.push(`… ${patch.hunks.length - i} more hunk${patch.hunks.length - i === 1 ? '' : 's'}`);
      break;
    }
    out.push(`@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`);
    for (const l of h.lines) {
      if (shown++ >= MAX_DIFF_LINES) {
        out.push('…');
        break;
      }
      out.push(l);
    }
  }
  return out.join('\n');
}
