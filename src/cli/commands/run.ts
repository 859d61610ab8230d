import { parseArgs } from 'node:util';
import { runScenarios } from '../../run/runner.js';
import { multiplex, reporters, type Reporter, type ReporterName } from '../../report/index.js';
import { EXIT, UsageError, type Command, type Io } from '../command.js';
import { exitOf } from '../../errors.js';
import { makeWritableDir } from '../../report/make-dir.js';
import { loadCommandScenarios, printWarnings } from '../load-all.js';
import { checkShard, parseShard } from '../shard.js';
import { planCells } from '../../run/plan.js';

export const run: Command = {
  name: 'run',
  usage: `mxlab run [paths…] [options]

  paths                 scenario files, or folders of them (default: scenarios/)
  --runtime R           local (default: in-process on 127.0.0.1) | docker (the engine at DOCKER_HOST, which may be
                        remote: tcp://HOST:PORT, with DOCKER_TLS_VERIFY and DOCKER_CERT_PATH for TLS)
  --reporter LIST       console (default), json, junit, html, pcap, bundle; comma-separated. At most one writes to stdout:
                        the console, or json/junit/html when it is the only one and --out is not given
  --out DIR             where file reports go (default ./mxlab-report/): json → result.json, junit → junit.xml,
                        html → report.html, pcap → pcap/ + keylog.txt, bundle → mxlab-bundle.tar.gz
  --matrix KEY=V1,V2    replace (or add) a matrix axis, e.g. fw.device="pix 7.2(2),asa 9.12(4)"
  --shard I/N           run every N-th run starting at I (split a matrix across CI workers)
  --jobs N              runs at once (default 2)
  --update              write missing or changed golden files (expectations with golden:) and say which

exit codes: 0 all expectations held, 1 an expectation failed, 2 invalid scenario or usage, 3 environment, 130/143 interrupted`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        runtime: { type: 'string' },
        reporter: { type: 'string', default: 'console' },
        out: { type: 'string' },
        matrix: { type: 'string', multiple: true },
        shard: { type: 'string' },
        jobs: { type: 'string' },
        update: { type: 'boolean', default: false },
      },
    });
    const runtime = values.runtime;
    if (runtime !== undefined && runtime !== 'local' && runtime !== 'docker') throw new UsageError(`--runtime must be local or docker, got "${runtime}"`);
    const names = values.reporter.split(',').map((s) => s.trim()).filter(Boolean);
    for (const n of names) if (!(n in reporters)) throw new UsageError(`unknown reporter "${n}": expected one of ${Object.keys(reporters).join(', ')}`);
    const shard = parseShard(values.shard);
    const jobs = values.jobs === undefined ? undefined : Number(values.jobs);
    if (jobs !== undefined && !(Number.isInteger(jobs) && jobs > 0)) throw new UsageError(`--jobs must be a positive whole number, got "${values.jobs}"`);

    const scenarios = await loadCommandScenarios(positionals, values.matrix ?? [], io.stderr);
    if (!scenarios) return EXIT.invalid;
    printWarnings(scenarios, io.stderr);
    checkShard(shard, scenarios.reduce((n, l) => n + planCells(l).length, 0));
    // a folder given for the reports that cannot be made is said before the run, not after it
    if (values.out && names.some((n) => n !== 'console')) await makeWritableDir(values.out);
    const { reporter, written, owner } = setUpReporters(names, values.out, io);
    const result = await runScenarios(scenarios, {
      runtime: runtime as 'local' | 'docker' | undefined,
      jobs,
      shard,
      reporter,
      signal: io.signal,
      command: ['mxlab', 'run', ...args],
      capture: names.some((n) => reporters[n as ReporterName].capture),
      update: values.update,
    });
    sayWhere(written(), owner === 'console' ? io.stdout : io.stderr);
    if (io.signal.aborted) return EXIT.sigint;
    const errorExit = Math.max(0, ...result.scenarios.flatMap((sc) => sc.cells).map((c) => (c.error ? exitOf(c.error) : 0)), ...reporter.failures.map(exitOf));
    if (errorExit) return errorExit;
    return result.ok ? EXIT.ok : EXIT.failed;
  },
};

/** Default folder of the file reporters. */
export const DEFAULT_OUT = 'mxlab-report';

/**
 * At most one reporter writes to stdout: the console when it is listed, else a single streaming
 * reporter (json, junit, html) when no --out was given. Every other reporter writes files under
 * --out (default ./mxlab-report/); the paths they wrote are collected for `sayWhere`.
 */
export function setUpReporters(names: string[], out: string | undefined, io: Io, opts: { stdout?: boolean } = {}): { reporter: Required<Reporter> & { failures: unknown[] }; written: () => string[]; owner?: string } {
  const mayOwn = opts.stdout !== false;
  const owner = !mayOwn ? undefined : names.includes('console') ? 'console' : names.length === 1 && !out && reporters[names[0] as ReporterName].stream ? names[0] : undefined;
  // per reporter, listed in the order the reporters were named (they finish writing in any order)
  const written = new Map<string, string[]>(names.map((n) => [n, []]));
  const progress = Number(process.env.MXLAB_PROGRESS_AFTER_MS);
  const reporter = multiplex(
    names.map((name) => ({
      name,
      reporter: reporters[name as ReporterName]({
        stdout: name === owner ? io.stdout : io.stderr,
        stderr: io.stderr,
        tty: io.tty,
        outDir: out ?? DEFAULT_OUT,
        toStdout: name === owner,
        wrote: (p) => written.get(name)!.push(p),
        ...(Number.isFinite(progress) && progress >= 0 ? { progressAfterMs: progress } : {}),
      }),
    })),
    io.stderr,
  );
  return { reporter, written: () => [...written.values()].flat(), owner };
}

/** `reports: mxlab-report/junit.xml, mxlab-report/report.html` — on stdout under the console, else on stderr. */
export function sayWhere(written: string[], stream: NodeJS.WritableStream): void {
  if (!written.length) return;
  const shown = written.length > 6 ? [...written.slice(0, 5), `… ${written.length - 5} more`] : written;
  stream.write(`reports: ${shown.join(', ')}\n`);
}

