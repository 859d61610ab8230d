import { HarnessError, type Runtime } from './types.js';
import { CODE } from '../errors.js';

export type RuntimeName = 'local' | 'docker';

/** The runtime table; docker is loaded lazily so the local path never imports testcontainers. */
const runtimes: Record<RuntimeName, () => Promise<Runtime>> = {
  local: async () => new (await import('./local/index.js')).LocalRuntime(),
  docker: async () => {
    const path = './docker/index.js'; // resolved at run time: the docker runtime is optional
    const mod = (await import(path).catch((err: Error) => {
      throw new HarnessError(CODE.DOCKER_RUNTIME, `the docker runtime could not be loaded: ${err.message}`);
    })) as { createDockerRuntime(): Promise<Runtime> | Runtime };
    return mod.createDockerRuntime();
  },
};

export function createRuntime(name: RuntimeName): Promise<Runtime> {
  return runtimes[name]();
}
