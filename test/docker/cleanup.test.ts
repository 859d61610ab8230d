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

  it('after SIGINT in the middle of a run (exit code, containers and networks removed)', async () => {
    const child = startCli(['run', 'test/docker/fixtures/slow.yaml', '--reporter', 'json']);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdout!.resume();
    await untilContainers(2, child);
    child.kill('SIGINT');
    const [code] = await once(child, 'exit');
    expect(code, stderr).not.toBe(0);
    expect(leftovers()).toEqual({ containers: [], networks: [] });
  });

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
});
