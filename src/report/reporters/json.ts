import type { RunResult } from '../../model/result.js';
import type { ReporterFactory } from '../types.js';
import { writeReport, writeStream } from '../write-report.js';

/** The RunResult as JSON: result.json under --out; on stdout (and nothing else there) when it is the one reporter and no --out was given. */
export const json: ReporterFactory = Object.assign(
  (opts: Parameters<ReporterFactory>[0]) => ({
    async onRunEnd(result: RunResult) {
      const text = JSON.stringify(result, null, 2) + '\n';
      if (opts.toStdout) await writeStream(opts.stdout, text);
      else await writeReport(opts, 'result.json', text);
    },
  }),
  { stream: true },
);
