import type { RunResult } from '../../model/result.js';
import { BUNDLE_FILE, bundleFiles } from '../bundle/files.js';
import { writeTarGz } from '../bundle/tar.js';
import type { ReporterFactory } from '../types.js';
import { writeReport } from '../write-report.js';

export { BUNDLE_FILE, bundleFiles };

/** The bundle as gzip'd tar bytes. */
export async function buildBundle(result: RunResult): Promise<{ data: Buffer; notes: string[] }> {
  const { files, notes } = await bundleFiles(result);
  return { data: await writeTarGz(files), notes };
}

/** mxlab-bundle.tar.gz under --out: a run that `mxlab replay` runs again (README.txt inside says how). */
export const bundle: ReporterFactory = Object.assign(
  (opts: Parameters<ReporterFactory>[0]) => ({
    async onRunEnd(result: RunResult) {
      const { data, notes } = await buildBundle(result);
      for (const n of notes) opts.stderr.write(`mxlab: bundle: ${n}\n`);
      await writeReport(opts, BUNDLE_FILE, data);
    },
  }),
  { capture: true },
);
