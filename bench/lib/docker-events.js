/**
 * Where a docker run's time goes, from the daemon's own event stream (`docker events`): per cell,
 * networks + container create/start, the wait for readiness log lines, delivery, and teardown.
 */
import { spawn } from 'node:child_process';

/** Streams `docker events` from now on; stop() ends the stream (its own child only) and returns the events. */
export function watchEvents() {
  const since = (Date.now() / 1000 - 0.5).toFixed(3);
  const child = spawn('docker', ['events', '--since', since, '--format', '{{json .}}'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const events = [];
  let rest = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop();
    for (const line of parts) {
      try {
        const e = JSON.parse(line);
        events.push({ t: e.timeNano / 1e6, type: e.Type, action: String(e.Action), attrs: e.Actor?.Attributes ?? {} });
      } catch {
        /* not JSON: ignore */
      }
    }
  });
  child.on('error', () => {});
  const closed = new Promise((resolve) => child.on('close', resolve));
  return {
    /** `settleMs` lets the daemon's last events of the run arrive before the stream is cut. */
    async stop(settleMs = 300) {
      await new Promise((r) => setTimeout(r, settleMs));
      child.kill('SIGTERM');
      await closed;
      return events;
    },
  };
}

const verb = (e) => e.action.split(':')[0];

/**
 * Phases of every cell a run (the process `pid`) made, in ms: containers (first network created →
 * last container started), ready (→ the first exec or file copy after that: the readiness log waits),
 * deliver (→ the first container killed: submission, the MTA's delivery, collecting records),
 * teardown (→ the last network removed). Plus setup (spawn → first network) and exit (→ process exit).
 */
export function runPhases(events, { pid, spawnAt, exitAt }) {
  const mine = events.filter((e) => e.type === 'container' && e.attrs['mxlab.pid'] === String(pid));
  const cellIds = [...new Set(mine.map((e) => e.attrs['mxlab.cell']).filter(Boolean))];
  const cells = cellIds.map((id) => {
    const prefix = `mxlab-${id}-`;
    const cs = mine.filter((e) => e.attrs['mxlab.cell'] === id);
    const ns = events.filter((e) => e.type === 'network' && String(e.attrs.name ?? '').startsWith(prefix) && /^(outside|inside)$/.test(e.attrs.name.slice(prefix.length)));
    const first = (list, pred) => list.filter(pred).reduce((m, e) => Math.min(m, e.t), Infinity);
    const last = (list, pred) => list.filter(pred).reduce((m, e) => Math.max(m, e.t), -Infinity);
    const netCreate = first(ns, (e) => e.action === 'create');
    const lastStart = last(cs, (e) => e.action === 'start');
    const readyEnd = first(cs, (e) => e.t > lastStart && (verb(e) === 'exec_create' || e.action === 'extract-to-dir'));
    const firstKill = first(cs, (e) => e.action === 'kill' || e.action === 'destroy');
    const end = Math.max(last(ns, (e) => e.action === 'destroy'), last(cs, (e) => e.action === 'destroy'));
    return {
      id,
      containers: cs.filter((e) => e.action === 'start').length,
      start: netCreate,
      end,
      phases: { containers: lastStart - netCreate, ready: readyEnd - lastStart, deliver: firstKill - readyEnd, teardown: end - firstKill },
    };
  });
  cells.sort((a, b) => a.start - b.start);
  const firstNet = Math.min(...cells.map((c) => c.start));
  const lastEnd = Math.max(...cells.map((c) => c.end));
  return { cells, setup: firstNet - spawnAt, exit: exitAt - lastEnd };
}

/** Sums of phases over the cells of a run (for runs with more than one cell, jobs > 1 overlaps them). */
export function phaseSums(cells) {
  const out = { containers: 0, ready: 0, deliver: 0, teardown: 0 };
  for (const c of cells) for (const k of Object.keys(out)) out[k] += c.phases[k];
  return out;
}
