import { $ } from 'zx';
import { CODE, HarnessError } from '../errors.js';

/** Thin wrappers around the `docker` CLI (legacy builder: the daemon here is 20.10). */
export const docker = $({ quiet: true, nothrow: true, env: { ...process.env, DOCKER_BUILDKIT: '0' } });

export const DOCKER_HINT =
  'start the Docker engine (as root: scripts/docker-engine.sh, which installs docker.io and runs dockerd), or set DOCKER_HOST';

/** Throws E_DOCKER_UNAVAILABLE when no daemon answers. */
export async function assertDocker(): Promise<string> {
  const r = await docker`docker info --format {{.ServerVersion}}`.timeout('15s');
  if (r.exitCode !== 0) {
    throw new HarnessError(CODE.DOCKER_UNAVAILABLE, `Docker is not available: ${r.stderr.trim().split('\n').pop() ?? 'no answer'}`, DOCKER_HINT);
  }
  return r.stdout.trim();
}

/** The image id (sha256:…) of a local image, or undefined. */
export async function imageId(ref: string): Promise<string | undefined> {
  const r = await docker`docker image inspect --format {{.Id}} ${ref}`;
  return r.exitCode === 0 ? r.stdout.trim() : undefined;
}
