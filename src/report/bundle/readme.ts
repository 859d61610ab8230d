import type { RunResult } from '../../model/result.js';

/** A word as a POSIX shell reads it back: bare when safe, else in single quotes. */
export function shellQuote(w: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`;
}

/** README.txt: three lines — what this is, how to replay it, what is inside. */
export function bundleReadme(result: RunResult, file: string, captured: boolean): string {
  const names = [...new Set(result.scenarios.map((s) => s.name))];
  const runtimes = [...new Set(result.scenarios.map((s) => s.runtime))].join(', ') || 'local';
  const { expectations, failed, errors } = result.summary;
  const verdict = errors ? `${errors} run${errors === 1 ? '' : 's'} broke` : failed ? `${failed} of ${expectations} expectations failed` : `all ${expectations} expectations held`;
  return [
    `mxlab bundle of "${names.join('", "')}": run ${result.startedAt} with mxlab ${result.mxlab} on the ${runtimes} runtime${result.command ? ` (${result.command.map(shellQuote).join(' ')})` : ''}; ${verdict}.`,
    `Replay it: npx mxlab replay ${file} [--runtime local|docker] — it runs every run again and prints each expectation's recorded verdict beside the new one (exit 0 when all reproduce).`,
    `Inside: runs/*/scenario.yaml (what each run ran: edit it in the unpacked folder and replay the folder), transcripts/,${captured ? ' pcap/ with keylog.txt (Wireshark),' : ''} report.html, result.json, versions.json (mxlab, Node, OS, each node's software), manifest.json.`,
  ].join('\n') + '\n';
}
