import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MXLAB = fileURLToPath(new URL('../../bin/mxlab.js', import.meta.url));
const RELAY = fileURLToPath(new URL('./relay-main.js', import.meta.url));
/** clock ticks per second of /proc/PID/stat's times (USER_HZ: 100 on every Linux this runs on) */
const CLK_TCK = 100;

/**
 * Starts a hop as its own process, the way users run it: `mxlab proxy --device D --json` for an
 * emulator, `relay-main.js` for the plain relay (`device` undefined). Resolves once it printed its
 * ready line. `rss()` reads the child's resident set from /proc (Linux), `stop()` sends SIGTERM and
 * waits for the exit (SIGKILL after 5 s).
 */
export async function startHopProcess({ device, upstream }) {
  const target = `${upstream.host}:${upstream.port}`;
  const args = device === undefined ? [RELAY, target] : [MXLAB, 'proxy', '--device', device, '--listen', '127.0.0.1:0', '--upstream', target, '--json'];
  return startReadyProcess(args);
}

/** the children alive, killed when the bench process exits (one 'exit' listener for all of them) */
const children = new Set();
const killAll = () => {
  for (const c of children) c.kill('SIGKILL');
};

/** `mxlab ARGS…` as its own process (see startReadyProcess). */
export const startMxlabProcess = (args) => startReadyProcess([MXLAB, ...args]);

/**
 * `node ARGS…` as a child that prints a JSON ready line {"type":"ready","host","port"} on stdout (what
 * `mxlab proxy --json`, `mxlab receiver --json` and the bench's *-main.js print); the rest of its stdout is read
 * and dropped. Same `rss()`/`stop()` as startHopProcess.
 */
export async function startReadyProcess(args) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // the hop never outlives the bench process (a worker killed by its timeout included, see data-worker.js)
  children.add(child);
  if (children.size === 1) process.on('exit', killAll);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise((resolve) => child.once('exit', resolve)).finally(() => {
    children.delete(child);
    if (children.size === 0) process.off('exit', killAll);
  });
  const lines = createInterface({ input: child.stdout });
  const ready = await new Promise((resolve, reject) => {
    lines.on('line', (l) => {
      const m = l.startsWith('{"type":"ready"') ? JSON.parse(l) : undefined;
      if (m) resolve(m);
    });
    child.once('exit', (code) => reject(new Error(`hop process ${args.slice(1).join(' ')} exited (${code}) before it was ready: ${stderr.trim()}`)));
  });
  // what it prints afterwards (a connection record per session) is read and dropped, never parsed: the
  // bench must not pay for it, and a server whose stdout pipe fills blocks (stdout pipes are synchronous)
  lines.close();
  child.stdout.on('data', () => undefined);
  return {
    host: ready.host,
    port: ready.port,
    pid: child.pid,
    /** user + system CPU ms the child has used so far (/proc, Linux) */
    cpu: () => {
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
    },
    rss: () => {
      const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : NaN;
    },
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}
