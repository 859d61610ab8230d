/** Child processes for the docker bench: timed runs with timestamped output lines, and leftover checks. */
import { execFile, spawn } from 'node:child_process';

const LEGACY = { ...process.env, DOCKER_BUILDKIT: '0' };

/** Runs a command to its end: { code, stdout, stderr } (never rejects on a non-zero exit). */
export function sh(cmd, args, { env = LEGACY, cwd, timeoutMs = 60_000 } = {}) {
  return new Promise((resolve) => {
    execFile(cmd, args, { env, cwd, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout: String(stdout), stderr: String(stderr || err?.message || '') });
    });
  });
}

/**
 * Spawns a command and times it from spawn to exit. Every output line carries the ms (since spawn)
 * at which it arrived, so a build log can be split into its steps. `at` is Date.now() at spawn.
 */
export function timedRun(cmd, args, { env = LEGACY, cwd, timeoutMs = 600_000 } = {}) {
  return new Promise((resolve, reject) => {
    const at = Date.now();
    const t0 = performance.now();
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = { stdout: [], stderr: [], lines: [] };
    for (const name of ['stdout', 'stderr']) {
      let rest = '';
      child[name].setEncoding('utf8');
      child[name].on('data', (chunk) => {
        out[name].push(chunk);
        const parts = (rest + chunk).split('\n');
        rest = parts.pop();
        const t = performance.now() - t0;
        for (const text of parts) out.lines.push({ t, text });
      });
    }
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? 1, signal, ms: performance.now() - t0, at, pid: child.pid, stdout: out.stdout.join(''), stderr: out.stderr.join(''), lines: out.lines });
    });
  });
}

/** Why Docker cannot be benched, or undefined when an engine answers. */
export async function dockerSkipReason() {
  if (process.env.BENCH_DOCKER === '0') return 'BENCH_DOCKER=0';
  const r = await sh('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 15_000 }).catch((err) => ({ code: 1, stderr: err.message }));
  if (r.code !== 0) {
    const why = r.stderr.trim().split('\n').pop() || 'no answer';
    return `no Docker engine answers (${why}); as root, scripts/docker-engine.sh starts one`;
  }
  return undefined;
}

/** mxlab containers and networks present now carrying `label` (e.g. `mxlab.pid=123` or `mxlab=true`). */
export async function leftovers(label) {
  const list = async (args) => (await sh('docker', args)).stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const [containers, networks] = await Promise.all([
    list(['ps', '-a', '--filter', `label=${label}`, '--format', '{{.Names}}']),
    list(['network', 'ls', '--filter', `label=${label}`, '--format', '{{.Name}}']),
  ]);
  return { containers, networks };
}

/** Image ids of a repository (e.g. `mxlab/postfix`): to show the real tags were left alone. */
export async function imageIds(repo) {
  const r = await sh('docker', ['images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}', repo]);
  return r.stdout.split('\n').map((l) => l.trim()).filter(Boolean).sort();
}
