/**
 * Exit codes that mean one thing, through the built CLI: a reader that leaves (`| head -1`) ends
 * the output quietly with the run's own code; an interrupt ends a run within 2 s with 130 or 143,
 * says it was interrupted, and judges nothing it cut short.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

const BIN = fileURLToPath(new URL('../bin/mxlab.js', import.meta.url));
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mxlab-signals-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** `mxlab ARGS | head -1` in bash: mxlab's own exit status, its stderr, and what head printed. */
function piped(args: string, head = 'head -1'): { code: number; stdout: string; stderr: string } {
  const r = spawnSync('bash', ['-c', `node ${BIN} ${args} 2>"$ERR" | ${head}; exit \${PIPESTATUS[0]}`], { cwd: ROOT, env: { ...process.env, ERR: join(dir, 'stderr'), NO_COLOR: '1' }, encoding: 'utf8', timeout: 120_000 });
  const stderr = spawnSync('cat', [join(dir, 'stderr')], { encoding: 'utf8' }).stdout;
  return { code: r.status ?? -1, stdout: r.stdout, stderr };
}

describe('a reader that leaves', () => {
  it('mxlab devices | head -1 exits 0 without a stack', () => {
    const r = piped('devices');
    expect(r.stdout).toBe('Emulated devices (product and version select the behaviour):\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('mxlab run … | head -1 exits with the run own code (0: every expectation held)', () => {
    const r = piped('run scenarios/fix-allow-tls.yaml');
    expect(r.stdout).toMatch(/^mxlab · runtime local · 1 scenario/);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = piped('run scenarios/fix-allow-tls.yaml --reporter json', 'head -c 20');
    expect(json.stderr).toBe('');
    expect(json.code).toBe(0);
  });
});

const slow = `name: slow
nodes:
  esa: { role: receiver, persona: asyncos }
  fw: { role: firewall, device: none, forwards-to: esa, config: "! mxlab fault blackhole 0" }
  lan: { role: sender, via: fw, timeout: 60000 }
messages:
  - { id: m1, from: lan, to: esa }
matrix:
  esa.persona: [asyncos, postfix, sendmail]
expect:
  - { message: m1, outcome: delivered }
`;

/** Runs `mxlab run FILE`, signals it once `ready` matches its stdout, and times the exit. */
async function interrupt(file: string, sig: NodeJS.Signals, ready: RegExp, afterMs = 0): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const child = spawn(process.execPath, [BIN, 'run', file], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((res) => child.on('exit', (code) => res(code)));
  let t0 = 0;
  await new Promise<void>((res) => {
    child.stdout.on('data', (d) => {
      stdout += d;
      if (!t0 && ready.test(stdout)) {
        t0 = -1;
        setTimeout(() => {
          t0 = performance.now();
          child.kill(sig);
          res();
        }, afterMs);
      }
    });
  });
  const kill = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const code = await exited;
  clearTimeout(kill);
  return { code, stdout, stderr, ms: performance.now() - t0 };
}

describe('an interrupted run (local runtime)', () => {
  it('SIGINT while messages are on the way: exit 130 within 2 s, interrupted, nothing judged', async () => {
    const f = join(dir, 'slow.yaml');
    await writeFile(f, slow);
    const r = await interrupt(f, 'SIGINT', /runtime local/, 1000);
    expect(r.code).toBe(130);
    expect(r.ms).toBeLessThan(2000);
    expect(r.stderr).toBe('\nmxlab: SIGINT received, stopping and cleaning up (again to force)…\n');
    expect(r.stdout).toMatch(/interrupted by SIGINT: 0 runs finished, 3 not in /);
    expect(r.stdout).not.toMatch(/expectations (held|failed)|internal error/);
  });

  it('SIGTERM before any run finished: exit 143, and no "all 0 expectations held"', async () => {
    const f = join(dir, 'slow2.yaml');
    await writeFile(f, slow);
    const r = await interrupt(f, 'SIGTERM', /runtime local/);
    expect(r.code).toBe(143);
    expect(r.ms).toBeLessThan(2000);
    expect(r.stdout).toMatch(/interrupted by SIGTERM: 0 runs finished, 3 not in /);
    expect(r.stdout).not.toContain('expectations held');
  });
});
