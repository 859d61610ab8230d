import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { runScenarios } from '../../src/run/runner.js';
import { loadScenario } from '../../src/scenario/load.js';
import type { RunResult, SessionResult } from '../../src/model/result.js';
import { sessionOf } from '../../src/vitest/index.js';

/**
 * Whether a Docker engine answers. Under CI=true a missing engine is a failure, never a skip:
 * the caller throws instead of skipping.
 */
export function dockerAvailable(): boolean {
  try {
    // `docker info` exits 0 with an empty version when something else answers at DOCKER_HOST
    const version = execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { stdio: 'pipe', timeout: 15_000, encoding: 'utf8' });
    if (!version.trim()) throw new Error('no server version');
    return true;
  } catch {
    if (process.env.CI === 'true') throw new Error('CI=true but Docker is not available: run scripts/docker-engine.sh first');
    console.warn('docker tests skipped: no Docker engine answers `docker info` (start one with scripts/docker-engine.sh; under CI=true this is a failure)');
    return false;
  }
}

export const root = resolve(import.meta.dirname, '..', '..');

/** Runs scenario files on the docker runtime with a silent reporter; progress lines are kept. */
export async function runDocker(files: string[], opts: { signal?: AbortSignal } = {}): Promise<{ result: RunResult; progress: string[] }> {
  const loaded = await Promise.all(files.map((f) => loadScenario(resolve(root, f))));
  const progress: string[] = [];
  const noop = () => {};
  const result = await runScenarios(loaded, {
    runtime: 'docker',
    jobs: 1,
    signal: opts.signal,
    reporter: { onRunStart: noop, onProgress: (l) => progress.push(l), onCellStart: noop, onSession: noop, onCellEnd: noop, onRunEnd: noop },
  });
  return { result, progress };
}

/** sessionOf (mxlab/vitest), with the runs' harness errors in the message when there is no session. */
export function session(result: RunResult, id: string): SessionResult {
  try {
    return sessionOf(result, id);
  } catch (err) {
    throw new Error(`${(err as Error).message} Run errors: ${JSON.stringify(result.scenarios.map((x) => x.cells.map((c) => c.error)))}`);
  }
}

/** Names of mxlab containers / networks still present (optionally of one run). */
export function leftovers(runLabel = 'mxlab=true'): { containers: string[]; networks: string[] } {
  const list = (args: string[]) =>
    execFileSync('docker', args, { encoding: 'utf8' }).split('\n').map((l) => l.trim()).filter(Boolean);
  return {
    containers: list(['ps', '-a', '--filter', `label=${runLabel}`, '--format', '{{.Names}}']),
    networks: list(['network', 'ls', '--filter', `label=${runLabel}`, '--format', '{{.Name}}']),
  };
}

