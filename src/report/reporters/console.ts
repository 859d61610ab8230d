import type { CellResult, ExpectationResult, RunResult, SessionResult, TranscriptEntry } from '../../model/result.js';
import { describeCheck } from '../format.js';
import type { ReporterFactory } from '../types.js';

const paint = (on: boolean) => (code: number) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);

/** Progress while running, a summary table, and for each failure expected vs actual with the transcript lines that matter. */
export const console: ReporterFactory = ({ stdout, tty }) => {
  const c = paint(tty && !process.env.NO_COLOR);
  const [red, green, dim, bold] = [c(31), c(32), c(2), c(1)];
  const out = (s = '') => stdout.write(s + '\n');
  return {
    onRunStart({ runtime, scenarios }) {
      const cells = scenarios.reduce((n, s) => n + s.cells, 0);
      out(bold(`mxlab · runtime ${runtime} · ${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'}, ${cells} run${cells === 1 ? '' : 's'}`));
    },
    onProgress(line) {
      out(dim(`  … ${line}`));
    },
    onCellEnd(cell, r) {
      const held = r.expectations.filter((e) => e.ok).length;
      const mark = r.ok ? green('✓') : red('✗');
      const what = r.error ? red(`error ${r.error.code}: ${r.error.message}`) : `${r.sessions.length} message${r.sessions.length === 1 ? '' : 's'}, ${held}/${r.expectations.length} expectations`;
      out(`  ${mark} ${cell.file}${cell.label ? ` [${cell.label}]` : ''} ${dim('—')} ${what} ${dim(`(${r.durationMs} ms)`)}`);
    },
    onRunEnd(result) {
      out();
      out(bold('Summary'));
      for (const line of table(result)) out(line);
      const failures = result.scenarios.flatMap((s) => s.cells.flatMap((cell) => cell.expectations.filter((e) => !e.ok).map((e) => ({ s, cell, e }))));
      if (failures.length) {
        out();
        out(bold(red('Failed expectations')));
        for (const { s, cell, e } of failures) {
          const session = cell.sessions.find((x) => x.message === e.message);
          out(`  ${s.file}${e.line ? `:${e.line}` : ''}${cell.label ? ` [${cell.label}]` : ''} message ${bold(e.message)}`);
          for (const k of e.checks.filter((x) => !x.ok)) out(`    ${red('✗')} ${describeCheck(k)}`);
          if (session) for (const l of evidence(e, session)) out(dim(`      ${l}`));
        }
      }
      const errors = result.scenarios.flatMap((s) => s.cells.filter((x) => x.error).map((x) => ({ s, x })));
      if (errors.length) {
        out();
        out(bold(red('Harness errors')));
        for (const { s, x } of errors) out(`  ${s.file}${x.label ? ` [${x.label}]` : ''}: ${x.error!.code}: ${x.error!.message}`);
      }
      const { expectations, failed } = result.summary;
      out();
      const verdict = result.summary.errors
        ? red(`${result.summary.errors} run${result.summary.errors === 1 ? '' : 's'} broke (harness error)`)
        : failed
          ? red(`${failed} of ${expectations} expectations failed`)
          : green(`all ${expectations} expectations held`);
      out(`${verdict} ${dim(`in ${(result.durationMs / 1000).toFixed(1)} s`)}`);
    },
  };
};

function table(result: RunResult): string[] {
  const rows: string[][] = [['scenario', 'run', 'message', 'outcome', 'tls', 'reason', 'failed']];
  for (const s of result.scenarios) {
    for (const cell of s.cells) {
      if (cell.error && cell.sessions.length === 0) rows.push([s.file, cell.label, '-', 'error', '-', cell.error.code, '']);
      for (const m of cell.sessions) {
        const failed = failedChecks(cell, m.message);
        rows.push([s.file, cell.label, m.message, m.outcome, m.tls ? 'yes' : 'no', m.reason, failed.join(', ')]);
      }
    }
  }
  const widths = rows[0].map((_, i) => Math.min(40, Math.max(...rows.map((r) => r[i].length))));
  return rows.map((r, j) => '  ' + r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i]))).join('  ').trimEnd() + (j === 0 ? '' : ''));
}

function failedChecks(cell: CellResult, message: string): string[] {
  return cell.expectations.filter((e) => e.message === message).flatMap((e) => e.checks.filter((k) => !k.ok).map((k) => k.name));
}

/** The transcript lines that explain a failed expectation. */
function evidence(e: ExpectationResult, s: SessionResult): string[] {
  const names = e.checks.filter((k) => !k.ok).map((k) => k.name.split('.')[0]);
  const out: string[] = [];
  if (names.includes('ehlo') || names.includes('tls')) out.push('EHLO reply the sender saw:', ...s.clientView.ehlo.map((l) => `  ${l}`));
  if (names.includes('tls') && !names.includes('starttls')) out.push(`STARTTLS reply: ${s.clientView.starttls ?? '(not sent)'}`);
  if (names.includes('banner')) out.push('banner the sender saw:', ...s.clientView.banner.map((l) => `  ${l}`));
  if (names.includes('starttls')) {
    out.push(`STARTTLS reply: ${s.clientView.starttls ?? '(not sent)'}`);
    out.push(`receiver got: ${s.serverView.commands.join(' | ') || '(nothing)'}`);
  }
  if (names.includes('server')) out.push(`receiver got: ${s.serverView.commands.join(' | ') || '(nothing)'}`);
  if (names.some((n) => ['outcome', 'reason', 'tls', 'session', 'firewall'].includes(n))) {
    out.push(`${s.outcome} (${s.reason})${s.detail ? `: ${s.detail}` : ''}`);
    for (const ev of s.firewall.events.slice(-5)) out.push(`firewall ${ev.node}: ${ev.log}`);
    const hop = s.hops[0];
    if (hop) out.push(`last lines ${hop.from} → ${hop.to}:`, ...hop.entries.slice(-8).map(fmtEntry));
  }
  return out;
}

function fmtEntry(e: TranscriptEntry): string {
  return `  ${e.t.toFixed(1).padStart(8)} ms ${e.dir === 'c2s' ? 'C:' : 'S:'} ${e.tls ? '[tls] ' : ''}${e.text}`;
}
