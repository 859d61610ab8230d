import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MXLAB = fileURLToPath(new URL('../../bin/mxlab.js', import.meta.url));
const RELAY = fileURLToPath(new URL('./relay-main.js', import.meta.url));

/**
 * Starts a hop as its own process, the way users run it: `mxlab proxy --device D --json` for an
 * emulator, `relay-main.js` for the plain relay (`device` undefined). Resolves once it printed its
 * ready line. `rss()` reads the child's resident set from /proc (Linux), `stop()` sends SIGTERM and
 * waits for the exit (SIGKILL after 5 s).
 */
export async function startHopProcess({ device, upstream }) {
  const target = `${upstream.host}:${upstream.port}`;
  const args = device === undefined ? [RELAY, target] : [MXLAB, 'proxy', '--device', device, '--listen', '127.0.0.1:0', '--upstream', target, '--json'];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // the hop never outlives the bench process (a worker killed by its timeout included, see data-worker.js)
  const orphan = () => child.kill('SIGKILL');
  process.once('exit', orphan);
  let stderr = '';
  child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const exited = new Promise((resolve) => child.once('exit', resolve)).finally(() => process.off('exit', orphan));
  const ready = await new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (l) => {
      const m = l.startsWith('{') ? JSON.parse(l) : undefined;
      if (m?.type === 'ready') resolve(m);
    });
    child.once('exit', (code) => reject(new Error(`hop process ${args.slice(1).join(' ')} exited (${code}) before it was ready: ${stderr.trim()}`)));
  });
  child.stdout.resume();
  return {
    host: ready.host,
    port: ready.port,
    pid: child.pid,
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
