import { randomBytes } from 'node:crypto';
import { evaluate, type CheckContext } from '../assertions/index.js';
import { createDkimKey } from '../actors/sender/index.js';
import { monotonicClock, ScenarioClock, type Clock } from '../model/clock.js';
import { runSchedule, scheduleDriver } from './schedule.js';
import { runSignal } from './run-signal.js';
import type { CellResult, RunResult, ScenarioResult, SessionResult } from '../model/result.js';
import type { Reporter } from '../report/types.js';
import { createRuntime, type RuntimeName } from '../runtime/index.js';
import { HarnessError, type RunContext, type Runtime } from '../runtime/types.js';
import type { LoadedScenario } from '../scenario/load.js';
import { generateRunCertificates } from '../tls/certs.js';
import { cellScenario, nodeHostname, planCells, type CellPlan } from './plan.js';
import { policyHostNames } from '../dns/plan.js';
import { VERSION } from '../version.js';
import { CODE, isErrorCode } from '../errors.js';

export interface RunOptions {
  /** overrides `runtime:` of the files */
  runtime?: RuntimeName;
  /** cells run at once (default 2) */
  jobs?: number;
  /** `--shard i/n`: keep every n-th cell starting at i (1-based) */
  shard?: { index: number; total: number };
  reporter: Required<Reporter>;
  signal?: AbortSignal;
  clock?: Clock;
  /** the command line, recorded in the result (bundles show it) */
  command?: string[];
  /** mxlab run --update: write missing or changed golden files */
  update?: boolean;
  /** record every hop's raw bytes and the TLS key log (the pcap and bundle reporters ask for it); off by default: it costs memory */
  capture?: boolean;
}

/** Runs every cell of every scenario and returns the RunResult; never throws for a failing cell. */
export async function runScenarios(scenarios: LoadedScenario[], opts: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const clock = opts.clock ?? monotonicClock();
  const runtimeOf = (l: LoadedScenario): RuntimeName => opts.runtime ?? l.scenario.runtime ?? 'local';
  let index = 0;
  const plans = scenarios.map((l) => ({
    loaded: l,
    cells: planCells(l).filter(() => {
      const i = index++;
      return !opts.shard || i % opts.shard.total === opts.shard.index - 1;
    }),
  }));
  opts.reporter.onRunStart({
    runtime: [...new Set(scenarios.map(runtimeOf))].join(', ') || 'local',
    scenarios: plans.map((p) => ({ file: p.loaded.file, name: p.loaded.scenario.name, cells: p.cells.length })),
  });

  // every node's name, and the MTA-STS policy hosts the lab serves with the run's certificate
  const hostnames = scenarios.flatMap((l) => [...Object.keys(l.scenario.nodes).map((n) => nodeHostname(l.scenario, n)), ...policyHostNames(l.scenario)]);
  const certs = await generateRunCertificates(hostnames);
  const signal = runSignal(opts.signal, { messages: Math.max(0, ...plans.flatMap((p) => p.cells.map((c) => c.messages.length))), jobs: Math.max(1, opts.jobs ?? 2) });
  const ctx: RunContext = {
    runId: `${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`,
    clock,
    certs,
    dkim: createDkimKey('mxlab.example'),
    progress: (line) => opts.reporter.onProgress(line),
    signal: signal.signal,
    capture: opts.capture === true,
  };

  // one runtime per kind, created and prepared once even when cells start in parallel
  const runtimes = new Map<RuntimeName, Promise<Runtime>>();
  const runtimeFor = (name: RuntimeName) => {
    let r = runtimes.get(name);
    if (!r) {
      r = createRuntime(name).then(async (runtime) => {
        await runtime.prepare?.(plans.filter((q) => runtimeOf(q.loaded) === name).flatMap((q) => q.cells), ctx);
        return runtime;
      });
      runtimes.set(name, r);
    }
    return r;
  };
  const goldenWritten = new Map<string, string>();
  const results: ScenarioResult[] = plans.map((p) => ({
    file: p.loaded.file,
    name: p.loaded.scenario.name,
    runtime: runtimeOf(p.loaded),
    ok: true,
    cells: [],
  }));
  try {
    const queue: (() => Promise<void>)[] = [];
    for (const [i, p] of plans.entries()) {
      const name = runtimeOf(p.loaded);
      for (const [j, plan] of p.cells.entries()) {
        queue.push(async () => {
          results[i].cells[j] = await runCell(plan, () => runtimeFor(name), ctx, opts.reporter, { file: plan.file, update: opts.update === true, written: goldenWritten });
        });
      }
    }
    await pool(queue, Math.max(1, opts.jobs ?? 2), opts.signal);
  } finally {
    for (const r of runtimes.values()) await r.then((x) => x.dispose?.()).catch(() => undefined);
    signal.release();
  }

  const planned = plans.reduce((n, p) => n + p.cells.length, 0);
  for (const r of results) {
    r.cells = r.cells.filter(Boolean);
    r.ok = r.cells.every((c) => c.ok);
  }
  const cells = results.flatMap((r) => r.cells);
  const expectations = cells.flatMap((c) => c.expectations);
  const result: RunResult = {
    mxlab: VERSION,
    ...(opts.command ? { command: opts.command } : {}),
    ...(opts.shard ? { shard: opts.shard } : {}),
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    ok: results.every((r) => r.ok),
    summary: {
      scenarios: results.length,
      cells: cells.length,
      expectations: expectations.length,
      failed: expectations.filter((e) => !e.ok).length,
      errors: cells.filter((c) => c.error).length,
    },
    scenarios: results,
    ...(opts.signal?.aborted ? { interrupted: { signal: signalName(opts.signal), notRun: planned - cells.length } } : {}),
  };
  await opts.reporter.onRunEnd(result);
  return result;
}

async function runCell(plan: CellPlan, getRuntime: () => Promise<Runtime>, ctx: RunContext, reporter: Required<Reporter>, checks: CheckContext): Promise<CellResult> {
  const info = { file: plan.file, name: plan.name, label: plan.label };
  reporter.onCellStart(info);
  const t0 = Date.now();
  const sessions: SessionResult[] = [];
  const timing = { startMs: 0, stopMs: 0 };
  let nodes: CellResult['nodes'];
  let error: CellResult['error'];
  let scheduled: Awaited<ReturnType<typeof runSchedule>> | undefined;
  // every t the cell records is its scenario time (ms from the cell's start; jumps over idle queue time)
  const clock = new ScenarioClock();
  const cellCtx: RunContext = { ...ctx, clock };
  try {
    if (ctx.signal?.aborted) throw interrupted(ctx.signal);
    const runtime = await abortable(getRuntime(), ctx.signal);
    const t1 = Date.now();
    const starting = runtime.startCell(plan, cellCtx);
    // an interrupt does not wait for the nodes to come up: they are stopped once they did
    const cell = await abortable(starting, ctx.signal, () => void starting.then((c) => c.stop()).catch(() => undefined));
    timing.startMs = Date.now() - t1;
    try {
      // what runs as each node (in docker, read from the containers) while the messages go
      const describing = cell.describe?.().catch(() => undefined);
      // one schedule for every cell: the messages' attempts and the timeline's steps in scenario time
      // (without retry: or timeline:, every message once, all at once); sessions kept in the scenario's order
      const done = new Set<SessionResult>();
      try {
        // an interrupt does not wait for the deliveries: stopping the cell ends them
        scheduled = await abortable(
          runSchedule(plan, scheduleDriver(cell, runtime.name), clock, {
            onSession: (s) => {
              done.add(s);
              reporter.onSession(info, s);
            },
            signal: ctx.signal,
          }),
          ctx.signal,
        );
      } finally {
        nodes = await describing;
        sessions.push(...plan.messages.map((m) => [...done].find((s) => s.message === m.spec.id)).filter((s): s is SessionResult => !!s));
      }
    } finally {
      const t3 = Date.now();
      await cell.stop();
      timing.stopMs = Date.now() - t3;
    }
  } catch (err) {
    // after an interrupt, whatever failed (a container removed under its start, a socket closed
    // under a delivery) failed because of it: the run says so instead
    const e = (ctx.signal?.aborted ? interrupted(ctx.signal) : err) as Error & { code?: string; hint?: string };
    error = { code: isErrorCode(e.code) ? e.code : CODE.INTERNAL, message: e.hint ? `${e.message} — ${e.hint}` : e.message };
  }
  // an interrupted run's expectations are not judged: its messages were cut short by the user
  const expectations = error?.code === CODE.INTERRUPTED ? [] : plan.expectations.map(({ spec, line }) => evaluate(spec, sessions.find((s) => s.message === spec.message), line, checks));
  const result: CellResult = {
    ...(plan.index !== undefined ? { index: plan.index } : {}),
    cell: plan.cell,
    label: plan.label,
    ok: !error && expectations.every((e) => e.ok),
    ...(error ? { error } : {}),
    sessions,
    expectations,
    durationMs: Date.now() - t0,
    timing,
    scenario: cellScenario(plan),
    ...(nodes ? { nodes } : {}),
    ...(scheduled ? { timeline: scheduled.timeline, scenarioMs: scheduled.endMs } : {}),
  };
  reporter.onCellEnd(info, result, { file: plan.file, name: plan.name });
  return result;
}

function signalName(signal: AbortSignal): string {
  return typeof signal.reason === 'string' && signal.reason.startsWith('SIG') ? signal.reason : 'SIGINT';
}

function interrupted(signal: AbortSignal): HarnessError {
  return new HarnessError(CODE.INTERRUPTED, `interrupted by ${signalName(signal)} before this run finished`);
}

/** `p`, or an E_INTERRUPTED rejection as soon as `signal` aborts (then `onAbandon` runs; `p` goes on unobserved). */
function abortable<T>(p: Promise<T>, signal: AbortSignal | undefined, onAbandon?: () => void): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) {
    p.catch(() => undefined);
    onAbandon?.();
    return Promise.reject(interrupted(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      p.catch(() => undefined);
      onAbandon?.();
      reject(interrupted(signal));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => (signal.removeEventListener('abort', onAbort), resolve(v)),
      (e) => (signal.removeEventListener('abort', onAbort), reject(e)),
    );
  });
}

async function pool(tasks: (() => Promise<void>)[], jobs: number, signal?: AbortSignal): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length && !signal?.aborted) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(jobs, tasks.length) }, worker));
}
