import type { CellResult, RunResult } from '../../model/result.js';
import { explainFailure } from '../explain.js';
import { attemptsText, timelineLines } from '../timeline.js';
import { formatTime } from '../../model/time.js';
import type { CellInfo, ReporterFactory } from '../types.js';

const paint = (on: boolean) => (code: number) => (s: string) => (on ? `\x1b[${code}m${s}\x1b[0m` : s);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const dur = (ms: number) => (ms < 1000 ? `${Math.round(ms)} ms` : secs(ms));
/** Steps listed at the end of a long run. */
const SLOWEST = 5;

/**
 * Progress while running (a line per finished message once a cell runs longer than
 * `progressAfterMs`), a summary table, for each failure expected vs actual with the transcript
 * lines that matter, and the slowest steps of a long run.
 */
export const console: ReporterFactory = ({ stdout, tty, progressAfterMs = 3000 }) => {
  const c = paint(tty && !process.env.NO_COLOR);
  const [red, green, dim, bold] = [c(31), c(32), c(2), c(1)];
  const out = (s = '') => stdout.write(s + '\n');
  const cellKey = (cell: CellInfo) => `${cell.file}\0${cell.label}`;
  /** per running cell: when it started, the finished messages not printed yet, whether lines are printed */
  const running = new Map<string, { t0: number; waiting: string[]; talking: boolean }>();
  const where = (cell: CellInfo) => `${cell.file}${cell.label ? ` [${cell.label}]` : ''}`;
  return {
    onRunStart({ runtime, scenarios }) {
      const cells = scenarios.reduce((n, s) => n + s.cells, 0);
      out(bold(`mxlab · runtime ${runtime} · ${scenarios.length} scenario${scenarios.length === 1 ? '' : 's'}, ${cells} run${cells === 1 ? '' : 's'}`));
    },
    onProgress(line) {
      out(dim(`  … ${line}`));
    },
    onCellStart(cell) {
      running.set(cellKey(cell), { t0: Date.now(), waiting: [], talking: false });
    },
    onSession(cell, s) {
      const r = running.get(cellKey(cell));
      if (!r) return;
      const elapsed = Date.now() - r.t0;
      r.waiting.push(`  … ${where(cell)} message ${s.message}: ${s.outcome} (${s.reason})${s.durationMs !== undefined ? ` in ${dur(s.durationMs)}` : ''} · ${dur(elapsed)} into the run`);
      if (!r.talking && elapsed < progressAfterMs) return;
      r.talking = true;
      for (const l of r.waiting.splice(0)) out(dim(l));
    },
    onCellEnd(cell, r) {
      running.delete(cellKey(cell));
      const held = r.expectations.filter((e) => e.ok).length;
      const mark = r.ok ? green('✓') : red('✗');
      const what = r.error ? red(`error ${r.error.code}: ${r.error.message}`) : `${r.sessions.length} message${r.sessions.length === 1 ? '' : 's'}, ${held}/${r.expectations.length} expectations`;
      const scenarioTime = r.scenarioMs !== undefined && r.scenarioMs >= 1000 ? `, scenario time ${formatTime(r.scenarioMs)}` : '';
      out(`  ${mark} ${where(cell)} ${dim('—')} ${what} ${dim(`(${r.durationMs} ms${scenarioTime})`)}`);
      for (const l of timelineLines(r)) out(dim(`      ${l}`));
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
          const { checks, evidence } = explainFailure(e, cell.sessions.find((x) => x.message === e.message));
          out(`  ${s.file}${e.line ? `:${e.line}` : ''}${cell.label ? ` [${cell.label}]` : ''} message ${bold(e.message)}`);
          for (const k of checks) out(`    ${red('✗')} ${k}`);
          for (const l of evidence) out(dim(`      ${l}`));
        }
      }
      const errors = result.scenarios.flatMap((s) => s.cells.filter((x) => x.error).map((x) => ({ s, x })));
      if (errors.length) {
        out();
        out(bold(red('Harness errors')));
        for (const { s, x } of errors) out(`  ${s.file}${x.label ? ` [${x.label}]` : ''}: ${x.error!.code}: ${x.error!.message}`);
      }
      const notes = result.scenarios.flatMap((s) => s.cells.flatMap((cell) => cell.expectations.flatMap((e) => e.checks.flatMap((k) => (k.note ? [`${k.note} (${s.file}${cell.label ? ` [${cell.label}]` : ''} message ${e.message})`] : [])))));
      if (notes.length) {
        out();
        out(bold('Golden files (--update)'));
        for (const n of [...new Set(notes)]) out(`  ${n}`);
      }
      if (result.durationMs >= progressAfterMs) {
        const steps = slowest(result);
        if (steps.length) {
          out();
          out(bold('Slowest steps'));
          for (const st of steps) out(`  ${dur(st.ms).padStart(7)}  ${st.what}`);
        }
      }
      const { expectations, failed } = result.summary;
      out();
      const verdict = result.interrupted
        ? red(`interrupted by ${result.interrupted.signal}: ${result.summary.cells - result.summary.errors} run${result.summary.cells - result.summary.errors === 1 ? '' : 's'} finished, ${result.summary.errors + result.interrupted.notRun} not`)
        : result.summary.errors
        ? red(`${result.summary.errors} run${result.summary.errors === 1 ? '' : 's'} broke (harness error)`)
        : failed
          ? red(`${failed} of ${expectations} expectations failed`)
          : green(`all ${expectations} expectations held`);
      out(`${verdict} ${dim(`in ${secs(result.durationMs)}`)}`);
    },
  };
};

/** Starting a cell's nodes, each delivery and stopping them, slowest first. */
function slowest(result: RunResult): { ms: number; what: string }[] {
  const steps: { ms: number; what: string }[] = [];
  for (const s of result.scenarios) {
    for (const cell of s.cells) {
      const at = `${s.file}${cell.label ? ` [${cell.label}]` : ''}`;
      if (cell.timing) steps.push({ ms: cell.timing.startMs, what: `${at} starting the nodes` }, { ms: cell.timing.stopMs, what: `${at} stopping the nodes` });
      for (const m of cell.sessions) if (m.durationMs !== undefined) steps.push({ ms: m.durationMs, what: `${at} message ${m.message} (${m.outcome}, ${m.reason})` });
    }
  }
  return steps.sort((a, b) => b.ms - a.ms).slice(0, SLOWEST);
}

function table(result: RunResult): string[] {
  // an attempts column only when some message was tried more than once
  const retried = result.scenarios.some((s) => s.cells.some((c) => c.sessions.some((m) => m.attempts > 1)));
  const rows: string[][] = [['scenario', 'run', 'message', 'outcome', 'tls', 'reason', ...(retried ? ['attempts'] : []), 'failed']];
  for (const s of result.scenarios) {
    for (const cell of s.cells) {
      if (cell.error && cell.sessions.length === 0) rows.push([s.file, cell.label, '-', 'error', '-', cell.error.code, ...(retried ? [''] : []), '']);
      for (const m of cell.sessions) {
        const failed = failedChecks(cell, m.message);
        rows.push([s.file, cell.label, m.message, m.outcome, m.tls ? 'yes' : 'no', m.reason, ...(retried ? [attemptsText(m) || String(m.attempts)] : []), failed.join(', ')]);
      }
    }
  }
  const widths = rows[0].map((_, i) => Math.min(40, Math.max(...rows.map((r) => r[i].length))));
  return rows.map((r) => '  ' + r.map((v, i) => (i === r.length - 1 ? v : v.padEnd(widths[i]))).join('  ').trimEnd());
}

function failedChecks(cell: CellResult, message: string): string[] {
  return cell.expectations.filter((e) => e.message === message).flatMap((e) => e.checks.filter((k) => !k.ok).map((k) => k.name));
}
