import type { RunResult } from '../../model/result.js';
import { pcapFiles } from '../pcap/files.js';
import type { ReporterFactory } from '../types.js';
import { writeReport } from '../write-report.js';

/**
 * One classic pcap per hop per message under `pcap/`, and `keylog.txt` (NSS key log) for the TLS
 * inside them: `tshark -o tls.keylog_file:keylog.txt -r HOP.pcap -Y smtp`. Asks the run to record
 * every hop's bytes.
 */
export const pcap: ReporterFactory = Object.assign(
  (opts: Parameters<ReporterFactory>[0]) => ({
    async onRunEnd(result: RunResult) {
      const files = pcapFiles(result);
      if (!files.length) opts.stderr.write('mxlab: pcap: no hop recorded its bytes (no session ran)\n');
      for (const f of files) await writeReport({ outDir: opts.outDir }, f.name, f.data);
      const pcaps = files.filter((f) => f.name.endsWith('.pcap')).length;
      if (files.length) opts.wrote?.(`${opts.outDir}/pcap/ (${pcaps} file${pcaps === 1 ? '' : 's'}), ${opts.outDir}/keylog.txt`);
    },
  }),
  { capture: true },
);
