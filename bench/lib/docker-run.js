/**
 * One timed `mxlab run … --runtime docker --reporter json` in a child process: wall time (spawn →
 * exit), the JSON result's per-cell durationMs, the phases from `docker events`, and a check that
 * nothing labelled with the child's pid (`mxlab.pid=<pid>`) is left afterwards.
 */
import { leftovers, timedRun } from './docker-cli.js';
import { runPhases, watchEvents } from './docker-events.js';

export async function dockerRun({ cli, args, cwd, env = process.env }) {
  const events = watchEvents();
  let r;
  try {
    r = await timedRun(process.execPath, [cli, 'run', ...args, '--runtime', 'docker', '--reporter', 'json'], { cwd, env });
  } catch (err) {
    await events.stop(0);
    throw err;
  }
  const evs = await events.stop();
  const exitAt = r.at + r.ms;
  let result;
  try {
    result = JSON.parse(r.stdout);
  } catch {
    throw new Error(`mxlab run ${args.join(' ')}: no JSON result (exit ${r.code}): ${r.stderr.trim().slice(-600)}`);
  }
  const cells = result.scenarios.flatMap((s) => s.cells);
  if (r.code !== 0 || !result.ok) {
    const why = cells.map((c) => c.error?.message ?? c.expectations?.filter((e) => !e.ok).map((e) => e.message ?? JSON.stringify(e)).join('; ')).filter(Boolean);
    throw new Error(`mxlab run ${args.join(' ')} did not go as intended (exit ${r.code}): ${why.join(' | ').slice(0, 800)} ${r.stderr.trim().slice(-300)}`);
  }
  const left = await leftovers(`mxlab.pid=${r.pid}`);
  return {
    ms: r.ms,
    runMs: result.durationMs,
    cellMs: cells.map((c) => c.durationMs),
    sessions: cells.reduce((n, c) => n + c.sessions.length, 0),
    left,
    phases: runPhases(evs, { pid: r.pid, spawnAt: r.at, exitAt }),
  };
}

/**
 * A bench's runs by variant key: `run(key, args, env?)` makes the variant's round (dockerRun, its
 * result kept under `runs[key]`, returns the wall ms); `assertNoLeaks()` throws if any run left something.
 */
export function variantRuns(snap) {
  const runs = {};
  const leaks = [];
  const run = (key, args, env) => async () => {
    const r = await dockerRun({ cli: snap.cli, args, cwd: snap.dir, ...(env ? { env } : {}) });
    if (r.left.containers.length || r.left.networks.length) leaks.push(`${key}: ${[...r.left.containers, ...r.left.networks].join(' ')}`);
    (runs[key] ??= []).push(r);
    return r.ms;
  };
  const assertNoLeaks = () => {
    if (leaks.length) throw new Error(`docker runs left containers or networks behind: ${leaks.join('; ')}`);
  };
  return { runs, run, assertNoLeaks };
}
