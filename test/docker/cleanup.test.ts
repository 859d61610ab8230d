import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { dockerAvailable, leftovers, root, runDocker } from './helpers.js';

const docker = dockerAvailable();

function startCli(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'test/docker/fixtures/cli.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Polls `docker ps` until `n` mxlab containers run (the docker CLI has no event for "labelled container started" we can await portably). */
async function untilContainers(n: number, child: ChildProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`mxlab exited early with ${child.exitCode}`);
    if (leftovers().containers.length >= n) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('containers did not appear');
}

/** Polls until no mxlab container or network is left (up to 15 s), then says what is left. */
async function gone(timeoutMs = 15_000): Promise<{ containers: string[]; networks: string[] }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = leftovers();
    if ((!left.containers.length && !left.networks.length) || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe.skipIf(!docker)('nothing is left behind', () => {
  it('after a run whose expectation fails', async () => {
    const { result } = await runDocker(['test/docker/fixtures/failing.yaml']);
    expect(result.ok).toBe(false);
    expect(result.summary.failed).toBe(1);
    expect(leftovers()).toEqual({ containers: [], networks: [] });
  });

  it('after a cell that fails with a harness error', async () => {
    const { result } = await runDocker(['test/docker/fixtures/broken.yaml']);
    const cell = result.scenarios[0].cells[0];
    expect(cell.error?.code).toBe('E_TOPOLOGY');
    expect(leftovers()).toEqual({ containers: [], networks: [] });
  });

  it('after SIGINT in the middle of a run (exit 130 within 2 s, said plainly, containers and networks removed)', async () => {
    const child = startCli(['run', 'test/docker/fixtures/slow.yaml']);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    await untilContainers(2, child);
    const t0 = performance.now();
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code, stderr).toBe(130);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(stdout).toMatch(/interrupted by SIGINT: 0 runs finished, 1 not in /);
    expect(stdout + stderr).not.toMatch(/E_CONTAINER_START|409|marked for removal|internal error|expectations held/);
    expect(await gone()).toEqual({ containers: [], networks: [] });
  });

  it('after SIGINT while a matrix cell runs on containers an earlier cell left (reused stack)', async () => {
    const child = startCli(['run', 'test/docker/fixtures/slow-matrix.yaml', '--jobs', '1']);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    const deadline = Date.now() + 120_000;
    while (!/reusing pf /.test(stdout)) {
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no cell reused the stack: ${stdout}${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const t0 = performance.now();
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code, stderr).toBe(130);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(stdout).toMatch(/interrupted by SIGINT: 1 run finished, 2 not in /);
    expect(await gone()).toEqual({ containers: [], networks: [] });
  });

  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    it(`after a double ${sig} while the containers start (exit ${code} at once, nothing left a few seconds later)`, async () => {
      const child = startCli(['run', 'test/docker/fixtures/slow.yaml']);
      let stderr = '';
      child.stdout!.resume();
      child.stderr!.on('data', (d) => (stderr += d));
      await untilContainers(1, child);
      const t0 = performance.now();
      child.kill(sig);
      await new Promise((r) => setTimeout(r, 50));
      child.kill(sig);
      const [exit] = await once(child, 'exit');
      expect(exit, stderr).toBe(code);
      expect(performance.now() - t0).toBeLessThan(2000);
      expect(stderr).toContain(`mxlab: ${sig} again, removing what the run made and exiting`);
      // the reaper (src/runtime/docker/reaper.ts) removes what requests still on their way made
      expect(await gone()).toEqual({ containers: [], networks: [] });
    });
  }

  it('after SIGKILL, the next run sweeps what the killed one left', async () => {
    const child = startCli(['run', 'test/docker/fixtures/slow.yaml', '--reporter', 'json']);
    child.stdout!.resume();
    child.stderr!.resume();
    await untilContainers(2, child);
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(leftovers().containers.length).toBeGreaterThan(0);
    const { result, progress } = await runDocker(['test/docker/fixtures/failing.yaml']);
    expect(result.summary.cells).toBe(1);
    expect(progress.some((l) => /removed \d+ containers and \d+ networks left by an earlier run/.test(l))).toBe(true);
    expect(leftovers()).toEqual({ containers: [], networks: [] });
    // nothing of the killed run is left on the daemon either
    expect(execFileSync('docker', ['ps', '-aq', '--filter', 'label=mxlab=true'], { encoding: 'utf8' }).trim()).toBe('');
  });

  it('every container leaves its networks, one endpoint at a time, before it is killed and removed (moby#42119)', async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    // the seed: a firewall on both networks, a sender on each
    const { result } = await runDocker(['scenarios/seed-esa-behind-pix.yaml']);
    expect(result.ok).toBe(true);
    const until = Math.floor(Date.now() / 1000) + 1;
    expect(leftovers()).toEqual({ containers: [], networks: [] });
    type Ev = { Type: string; Action: string; Actor: { ID: string; Attributes: Record<string, string> }; timeNano: number };
    const events = execFileSync('docker', ['events', '--since', String(since), '--until', String(until), '--format', '{{json .}}', '--filter', 'type=network', '--filter', 'type=container'], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Ev);
    const ours = (e: Ev) => e.Type === 'container' && e.Actor.Attributes['mxlab.run'] !== undefined;
    const killed = new Map(events.filter((e) => ours(e) && e.Action === 'kill').map((e) => [e.Actor.ID, e.timeNano]));
    const leaves = events.filter((e) => e.Type === 'network' && e.Action === 'disconnect' && /^mxlab-/.test(e.Actor.Attributes.name ?? ''));
    expect(killed.size).toBeGreaterThanOrEqual(3);
    for (const [id, at] of killed) {
      const left = leaves.filter((e) => e.Actor.Attributes.container === id);
      expect(left.length, `container ${id.slice(0, 12)} left no network`).toBeGreaterThan(0);
      for (const e of left) expect(e.timeNano, `container ${id.slice(0, 12)} left ${e.Actor.Attributes.name} after its kill`).toBeLessThan(at);
    }
  });
});
