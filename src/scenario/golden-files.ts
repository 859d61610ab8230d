import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Diagnostic } from './diagnostics.js';
import { kindOf, specialHint } from './input-file.js';
import type { PositionIndex } from './positions.js';
import type { Scenario } from './schema.js';

/**
 * `golden:` paths that can never be a golden file: a directory, a FIFO, a device, or a path through
 * something that is not a folder. Those are the user's mistake (exit 2 at validation, at the key); a
 * file that does not exist yet is not (mxlab run --update writes it; without --update the check fails).
 */
export function checkGoldenPaths(file: string, s: Scenario, pos: PositionIndex): Diagnostic[] {
  const out: Diagnostic[] = [];
  s.expect.forEach((e, i) => {
    const value = (e as { golden?: string }).golden;
    if (value === undefined) return;
    const path = resolve(dirname(file || '.'), value);
    const at = { file, ...pos.at(['expect', i, 'golden']), path: `expect[${i}].golden` };
    const expected = 'expected a golden file (a regular file, or none yet: mxlab run --update writes it)';
    try {
      const st = statSync(path);
      if (!st.isFile()) out.push({ ...at, message: `${expected}, got ${kindOf(st)}`, hint: specialHint(st) });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      const got = code === 'ENOTDIR' ? 'a path through something that is not a folder' : code === 'ENAMETOOLONG' ? 'a path too long for the system' : code === 'ELOOP' ? 'too many levels of symbolic links' : code === 'EACCES' ? 'a path it may not read (permission denied)' : String(code);
      out.push({ ...at, message: `${expected}, got ${got}` });
    }
  });
  return out;
}
