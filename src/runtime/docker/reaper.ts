import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/**
 * Our Ryuk (testcontainers' reaper image cannot be pulled here): a detached process that sweeps
 * everything carrying `label` a few times over the next seconds, so what a request already on its
 * way to the daemon creates after the run exits is removed too. Used when the run stops before
 * every container start it began has settled (an interrupt, a forced exit).
 */
export function spawnReaper(label: string): void {
  const self = fileURLToPath(import.meta.url);
  const main = self.replace(/reaper(\.[cm]?[jt]s)$/, `reaper-main$1`);
  if (main === self) return;
  try {
    const child = spawn(process.execPath, [...process.execArgv, main, label], { detached: true, stdio: 'ignore', env: process.env });
    child.on('error', () => undefined);
    child.unref();
  } catch {
    /* the stale sweep of the next run is the fallback */
  }
}
