import type { RunResult } from '../../model/result.js';
import { renderHtml } from '../html/page.js';
import type { ReporterFactory } from '../types.js';
import { writeReport, writeStream } from '../write-report.js';

export { renderHtml };

/** One self-contained HTML file: report.html under --out; on stdout when it is the one reporter and no --out was given. */
export const html: ReporterFactory = Object.assign(
  (opts: Parameters<ReporterFactory>[0]) => ({
    async onRunEnd(result: RunResult) {
      const text = renderHtml(result);
      if (opts.toStdout) await writeStream(opts.stdout, text);
      else await writeReport(opts, 'report.html', text);
    },
  }),
  { stream: true },
);
