import { engineId, engineIdOf, engineUnavailable } from '../../images/docker-cli.js';

/**
 * testcontainers, loaded lazily after its environment is set: the reaper image cannot be
 * pulled here (we sweep by label instead) and `/.dockerenv` would make it pull `alpine` to
 * find the gateway. Only runtime/docker imports testcontainers.
 */
export type Testcontainers = typeof import('testcontainers');
type Client = Awaited<ReturnType<Testcontainers['getContainerRuntimeClient']>>;

let loaded: Promise<Testcontainers> | undefined;
let client: Promise<Client> | undefined;

/** How long testcontainers may take to find the engine (it tries DOCKER_HOST, then local sockets). */
const CONNECT_MS = 30_000;

export function testcontainers(): Promise<Testcontainers> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  if (!process.env.DOCKER_HOST) process.env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';
  loaded ??= import('testcontainers');
  return loaded;
}

/**
 * testcontainers' client for the engine the `docker` CLI talks to (images are built and looked up
 * through the CLI). testcontainers does not stop at an engine that fails to answer at DOCKER_HOST:
 * it falls back to the local socket, and it reads `tc.host` from ~/.testcontainers.properties
 * before DOCKER_HOST. Both would put the containers on another engine than the images, so the
 * engines' identities are compared once per process, and an engine that does not answer is
 * E_DOCKER_UNAVAILABLE within 30 s, naming DOCKER_HOST.
 */
export function runtimeClient(): Promise<Client> {
  client ??= connect().catch((err) => {
    client = undefined;
    throw err;
  });
  return client;
}

async function connect(): Promise<Client> {
  const tc = await testcontainers();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CONNECT_MS / 1000} s`)), CONNECT_MS);
  });
  let c: Client;
  try {
    c = await Promise.race([tc.getContainerRuntimeClient(), timeout]);
  } catch (err) {
    throw await engineUnavailable((err as Error).message);
  } finally {
    clearTimeout(timer);
  }
  const [cli, lib] = await Promise.all([engineId(), c.container.dockerode.info().then(engineIdOf, () => undefined)]);
  if (cli && lib !== cli) {
    const modem = c.container.dockerode.modem as { socketPath?: string; host?: string; port?: string | number };
    const at = modem.socketPath ? `unix://${modem.socketPath}` : `tcp://${modem.host}:${modem.port}`;
    throw await engineUnavailable(
      `the containers would go to another engine (${at}, through testcontainers) than the images (the docker CLI)`,
      'Did you mean to set DOCKER_HOST instead of a docker context? testcontainers follows DOCKER_HOST (after tc.host and docker.host in ~/.testcontainers.properties), not docker contexts, and falls back to the local socket when DOCKER_HOST does not answer',
    );
  }
  return c;
}
