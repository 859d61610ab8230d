import type { RunResult } from '../../model/result.js';
import type { ReporterFactory } from '../types.js';
import { writeReport, writeStream } from '../write-report.js';
import { resultJson } from '../serialise.js';

/** The RunResult as JSON (without recorded bytes and TLS keys: those are the pcap reporter's): result.json under --out; on stdout (and nothing else there) when it is the one reporter and no --out was given. */
export const json: ReporterFactory = Object.assign(
  (opts: Parameters<ReporterFactory>[0]) => ({
    async onRunEnd(result: RunResult) {
      const text = resultJson(result);
      if (opts.toStdout) await writeStream(opts.stdout, text);
      else await writeReport(opts, 'result.json', text);
    },
  }),
  { stream: true },
);
