import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { exitOf } from '../../errors.js';
import { reporters, type ReporterName } from '../../report/index.js';
import { runScenarios } from '../../run/runner.js';
import { loadAll, printDiagnostics } from '../load-all.js';
import { compareCells } from '../replay/compare.js';
import { openBundle } from '../replay/open-bundle.js';
import { EXIT, UsageError, type Command } from '../command.js';
import { sayWhere, setUpReporters } from './run.js';

export const replay: Command = {
  name: 'replay',
  usage: `mxlab replay BUNDLE.tar.gz|FOLDER [options]

  Runs every run recorded in a bundle (mxlab run --reporter bundle) again, each from the scenario
  the bundle holds for it (runs/…/scenario.yaml: matrix values and --matrix overrides applied),
  or from the folder the bundle was unpacked into (edit a run's scenario.yaml there, and replay),
  and prints each expectation's recorded verdict beside the new one, with what changed: the
  checks whose verdict moved and the first different transcript line of each hop.

  --runtime R           local | docker (default: the runtime each run was recorded on)
  --reporter LIST       also write reports of the new run: json, junit, html, pcap, bundle (under --out)
  --out DIR             where those reports go (default ./mxlab-report/)
  --jobs N              runs at once (default 2)

exit codes: 0 every verdict reproduced, 1 a verdict changed, 2 not a bundle or an invalid scenario in it, 3 environment`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { runtime: { type: 'string' }, reporter: { type: 'string' }, out: { type: 'string' }, jobs: { type: 'string' } },
    });
    if (positionals.length !== 1) throw new UsageError(`expected one bundle (a .tar.gz, or the folder it was unpacked into), got ${positionals.length ? positionals.join(' ') : 'none'}`);
    const runtime = values.runtime;
    if (runtime !== undefined && runtime !== 'local' && runtime !== 'docker') throw new UsageError(`--runtime must be local or docker, got "${runtime}"`);
    const names = (values.reporter ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    for (const n of names) if (!(n in reporters) || n === 'console') throw new UsageError(`unknown reporter "${n}" for replay: expected some of ${Object.keys(reporters).filter((r) => r !== 'console').join(', ')}`);
    const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
    if (jobs !== undefined && !(Number.isInteger(jobs) && jobs > 0)) throw new UsageError(`--jobs must be a positive whole number, got "${values.jobs}"`);

    const file = positionals[0];
    const bundle = await openBundle(file);
    try {
      const runs = bundle.manifest.runs.filter((r) => r.scenario);
      const skipped = bundle.manifest.runs.length - runs.length;
      const loaded = await loadAll(runs.map((r) => join(bundle.dir, r.scenario!)));
      if (!loaded.ok) {
        printDiagnostics(loaded.diagnostics.map((d) => ({ ...d, file: d.file.startsWith(bundle.dir) ? `${file}:${d.file.slice(bundle.dir.length + 1)}` : d.file })), io.stderr);
        return EXIT.invalid;
      }
      loaded.scenarios.forEach((l, i) => (l.scenario.runtime = runs[i].runtime));
      const out = io.stdout;
      const recordedRuntimes = [...new Set(runs.map((r) => r.runtime))].join(', ');
      out.write(`mxlab replay ${file} · recorded ${bundle.manifest.startedAt} with mxlab ${bundle.manifest.mxlab} on ${recordedRuntimes || 'local'} · replaying on ${runtime ?? (recordedRuntimes || 'local')}\n`);
      if (skipped) out.write(`  (${skipped} run${skipped === 1 ? '' : 's'} without a recorded scenario cannot be replayed)\n`);

      const { reporter, written } = setUpReporters(names, values.out, io, { stdout: false });
      // while it runs: image builds, and on a terminal each run as it ends, on stderr (stdout is the comparison)
      const onTerminal = Boolean((io.stderr as { isTTY?: boolean }).isTTY);
      const progress = {
        ...reporter,
        onProgress: (line: string) => {
          io.stderr.write(`  … ${line}\n`);
          reporter.onProgress(line);
        },
        onCellEnd: (...a: Parameters<typeof reporter.onCellEnd>) => {
          if (onTerminal) io.stderr.write(`  … ran ${a[0].file.startsWith(bundle.dir) ? a[0].file.slice(bundle.dir.length + 1) : a[0].file} (${a[1].durationMs} ms)\n`);
          reporter.onCellEnd(...a);
        },
      };
      const result = await runScenarios(loaded.scenarios, {
        runtime: runtime as 'local' | 'docker' | undefined,
        jobs,
        reporter: progress,
        signal: io.signal,
        command: ['mxlab', 'replay', ...args],
        capture: names.some((n) => reporters[n as ReporterName].capture),
      });
      if (io.signal.aborted) return EXIT.sigint;

      let total = 0;
      let changed = 0;
      let envError = 0;
      runs.forEach((run, i) => {
        const [si, ci] = run.result;
        const recorded = bundle.result.scenarios[si].cells[ci];
        const now = result.scenarios[i]?.cells[0];
        out.write(`\n${run.file}${run.label ? ` [${run.label}]` : ''}\n`);
        if (!now) {
          out.write('  not run (interrupted)\n');
          changed++;
          return;
        }
        if (now.error && !recorded.error && exitOf(now.error) === EXIT.environment) envError = EXIT.environment;
        const pairs = compareCells(recorded, now);
        const width = Math.min(60, Math.max(0, ...pairs.map((p) => p.title.length)));
        const vWidth = Math.min(40, Math.max(0, ...pairs.map((p) => p.recorded.length)));
        for (const p of pairs) {
          total++;
          if (!p.same) changed++;
          out.write(`  ${p.same ? '✓' : '✗'} ${p.title.padEnd(width)}  recorded ${p.recorded.padEnd(vWidth)}  now ${p.now}\n`);
          for (const d of p.detail) out.write(`      ${d}\n`);
        }
        if (!pairs.length) out.write(`  (no expectations)${recorded.error?.code !== now.error?.code ? ` — harness error: recorded ${recorded.error?.code ?? 'none'}, now ${now.error?.code ?? 'none'}` : ''}\n`);
        if (!pairs.length && recorded.error?.code !== now.error?.code) changed++;
      });
      out.write(`\n${changed ? `${changed} of ${total} verdicts changed` : `all ${total} verdicts reproduced`}\n`);
      sayWhere(written(), io.stderr);
      if (envError) return envError;
      return changed ? EXIT.failed : EXIT.ok;
    } finally {
      await rm(bundle.dir, { recursive: true, force: true });
    }
  },
};
