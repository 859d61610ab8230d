import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ReporterFactory } from '../types.js';

/** The RunResult as JSON: to stdout (nothing else goes there), or to DIR/result.json with --out. */
export const json: ReporterFactory = ({ stdout, outDir }) => ({
  async onRunEnd(result) {
    const text = JSON.stringify(result, null, 2) + '\n';
    if (outDir) {
      await mkdir(outDir, { recursive: true });
      await writeFile(join(outDir, 'result.json'), text);
    } else {
      await new Promise<void>((resolve) => (stdout.write(text) ? resolve() : stdout.once('drain', () => resolve())));
    }
  },
});
