/**
 * testcontainers, loaded lazily after its environment is set: the reaper image cannot be
 * pulled here (we sweep by label instead) and `/.dockerenv` would make it pull `alpine` to
 * find the gateway. Only runtime/docker imports testcontainers.
 */
export type Testcontainers = typeof import('testcontainers');

let loaded: Promise<Testcontainers> | undefined;

export function testcontainers(): Promise<Testcontainers> {
  process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';
  if (!process.env.DOCKER_HOST) process.env.TESTCONTAINERS_HOST_OVERRIDE ??= 'localhost';
  loaded ??= import('testcontainers');
  return loaded;
}

export async function runtimeClient() {
  const tc = await testcontainers();
  return tc.getContainerRuntimeClient();
}
