import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UsageError } from './command.js';

/** Expands the `paths…` of run/validate: files as given, folders to the *.yaml / *.yml files directly in them (sorted). */
export async function scenarioFiles(paths: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths.length ? paths : ['scenarios']) {
    const st = await stat(p).catch(() => undefined);
    if (!st) throw new UsageError(`Failed to find ${p}: no such file or folder. Did you mean a scenario file (*.yaml) or a folder of them?`);
    if (st.isDirectory()) {
      const entries = (await readdir(p)).filter((f) => /\.ya?ml$/.test(f)).sort();
      if (!entries.length) throw new UsageError(`Failed to find scenarios in ${p}: the folder has no *.yaml files (subfolders are not searched; name them explicitly).`);
      files.push(...entries.map((f) => join(p, f)));
    } else files.push(p);
  }
  return [...new Set(files)];
}
