import { $ } from 'zx';
import { CODE, HarnessError } from '../errors.js';

/**
 * Thin wrappers around the `docker` CLI (legacy builder: the daemon here is 20.10). The CLI
 * follows DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH from the environment, as
 * testcontainers does, so a remote engine (`DOCKER_HOST=tcp://…`) gets the builds (the CLI sends
 * the context), the imports and the containers alike.
 */
export const docker = $({ quiet: true, nothrow: true, env: { ...process.env, DOCKER_BUILDKIT: '0' } });

export const DOCKER_HINT =
  'start the Docker engine (as root: scripts/docker-engine.sh, which installs docker.io and runs dockerd), or set DOCKER_HOST';

/** How long one question to the engine may take before it counts as not answering. */
const ANSWER_S = 15;

/** The engine the CLI talks to, as a user would name it: DOCKER_HOST, else the docker context's endpoint. */
export async function engineName(): Promise<string> {
  if (process.env.DOCKER_HOST) return process.env.DOCKER_HOST;
  const r = await docker`docker context inspect --format {{.Endpoints.docker.Host}}`.timeout('5s');
  return (r.exitCode === 0 && r.stdout.trim()) || 'unix:///var/run/docker.sock';
}

/** The last line the CLI printed about a failure ("Cannot connect to …", "request returned 404 …"). */
function reason(stderr: string, fallback: string): string {
  return stderr.trim().split('\n').filter(Boolean).pop()?.replace(/^(Error|error during connect):\s*/, '').replace(/[.\s]+$/, '') || fallback;
}

const TLS_QUESTION = 'Did you forget DOCKER_TLS_VERIFY=1 and DOCKER_CERT_PATH (a folder with ca.pem, cert.pem, key.pem) for an engine that speaks TLS?';

/** Killed at the timeout (the docker CLI exits 1 on SIGTERM, so the signal is not always what shows). */
function timedOut(r: { signal: NodeJS.Signals | null; stderr: string }, t0: number): boolean {
  return r.signal !== null || (!r.stderr.trim() && Date.now() - t0 >= ANSWER_S * 1000 - 50);
}

async function unavailable(why: string, question = 'Did you forget to start dockerd there, or mean another DOCKER_HOST?'): Promise<HarnessError> {
  const where = await engineName();
  return new HarnessError(
    CODE.DOCKER_UNAVAILABLE,
    `Failed to reach the Docker engine at ${where}: ${why}${/[?!]$/.test(why) ? '' : '.'} ${question}`,
    DOCKER_HINT,
  );
}

/**
 * The engine's version; E_DOCKER_UNAVAILABLE naming the engine when none answers within 15 s.
 * Something else answering at DOCKER_HOST (an HTTP server, a proxy: `docker info` then exits 0
 * with an empty version) is not an engine either.
 */
export async function assertDocker(): Promise<string> {
  const t0 = Date.now();
  const r = await docker`docker version --format {{.Server.Version}}`.timeout(`${ANSWER_S}s`);
  const version = r.stdout.trim();
  if (r.exitCode === 0 && version) return version;
  const why = timedOut(r, t0) ? `no answer within ${ANSWER_S} s` : reason(r.stderr, 'it gave no server version');
  throw await unavailable(why, /HTTPS server|x509|certificate|tls/i.test(why) ? TLS_QUESTION : undefined);
}

/**
 * The image id (sha256:…) of an image on the engine, or undefined when it has none of that name.
 * Any other failure (the engine went away) is E_DOCKER_UNAVAILABLE, not "missing": a missing image
 * starts a pull or a build.
 */
export async function imageId(ref: string): Promise<string | undefined> {
  const t0 = Date.now();
  const r = await docker`docker image inspect --format {{.Id}} ${ref}`.timeout(`${ANSWER_S}s`);
  if (r.exitCode === 0) return r.stdout.trim();
  if (/no such (image|object)/i.test(r.stderr)) return undefined;
  throw await unavailable(timedOut(r, t0) ? `no answer within ${ANSWER_S} s to docker image inspect ${ref}` : reason(r.stderr, `docker image inspect ${ref} failed`));
}

/**
 * Which engine the CLI talks to: `ID|Name|DockerRootDir` from `docker info` (the ID alone does not
 * tell two daemons of one machine apart: dockerd 20.10 derives it from /etc/docker/key.json), or
 * undefined when the CLI cannot say.
 */
export async function engineId(): Promise<string | undefined> {
  const r = await docker`docker info --format ${'{{.ID}}|{{.Name}}|{{.DockerRootDir}}'}`.timeout(`${ANSWER_S}s`);
  const id = r.exitCode === 0 ? r.stdout.trim() : '';
  return id.replace(/\|/g, '') ? id : undefined;
}

/** The same identity from an engine's /info answer. */
export function engineIdOf(info: { ID?: string; Name?: string; DockerRootDir?: string }): string {
  return `${info.ID ?? ''}|${info.Name ?? ''}|${info.DockerRootDir ?? ''}`;
}

/** E_DOCKER_UNAVAILABLE for the engine the CLI talks to, with `why`. */
export { unavailable as engineUnavailable };
