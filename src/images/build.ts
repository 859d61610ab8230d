import { join } from 'node:path';
import { CODE, HarnessError } from '../errors.js';
import { resolveBase, type BaseImage } from './base.js';
import { IMAGE_NAMES, imageTag, type ImageName } from './catalog.js';
import { assertDocker, docker, imageId } from './docker-cli.js';
import { contextHash, dockerIgnored } from './hash.js';
import { nodeContextHash, stageNodeContext } from './node-context.js';
import { packageRoot } from './paths.js';

export interface EnsureOptions {
  progress?: (line: string) => void;
  /** bootstrap the base image with debootstrap when it is missing (default true) */
  bootstrap?: boolean;
  signal?: AbortSignal;
}

export interface BuiltImage {
  name: ImageName;
  tag: string;
  built: boolean;
  ms: number;
}

/** The tag each image would have now (content hash + base id), without building. */
export async function imageTags(names: readonly ImageName[], base: BaseImage): Promise<Record<ImageName, string>> {
  const out = {} as Record<ImageName, string>;
  for (const name of names) {
    const dir = join(packageRoot(), 'containers', name);
    const hash = name === 'node' ? await nodeContextHash(base.id) : await contextHash(dir, [base.id], await dockerIgnored(dir));
    out[name] = imageTag(name, hash);
  }
  return out;
}

/**
 * Builds the missing images in parallel (legacy builder, never --no-cache) and returns their
 * tags. An image whose tag exists is skipped: warm runs cost well under a second.
 */
export async function ensureImages(names: readonly ImageName[] = IMAGE_NAMES, opts: EnsureOptions = {}): Promise<BuiltImage[]> {
  const progress = opts.progress ?? (() => {});
  await assertDocker();
  const base = await resolveBase(progress, { bootstrap: opts.bootstrap });
  const tags = await imageTags([...new Set(names)], base);
  const results = await Promise.allSettled(
    Object.entries(tags).map(async ([name, tag]) => buildOne(name as ImageName, tag, base, progress, opts.signal)),
  );
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed.length) throw failed[0].reason;
  return results.map((r) => (r as PromiseFulfilledResult<BuiltImage>).value);
}

async function buildOne(name: ImageName, tag: string, base: BaseImage, progress: (l: string) => void, signal?: AbortSignal): Promise<BuiltImage> {
  const t0 = Date.now();
  if (await imageId(tag)) return { name, tag, built: false, ms: Date.now() - t0 };
  progress(`image ${tag}: building`);
  const ctx = name === 'node' ? await stageNodeContext(progress) : join(packageRoot(), 'containers', name);
  const p = docker`docker build --build-arg ${`BASE=${base.ref}`} --label mxlab.image=${name} -t ${tag} ${ctx}`;
  const onAbort = () => void p.kill();
  signal?.addEventListener('abort', onAbort, { once: true });
  const r = await p.finally(() => signal?.removeEventListener('abort', onAbort));
  if (r.exitCode !== 0) {
    const tail = (r.stdout + r.stderr).trim().split('\n').slice(-8).join('\n');
    throw new HarnessError(CODE.IMAGE_BUILD, `building ${tag} failed:\n${tail}`, `see \`DOCKER_BUILDKIT=0 docker build ${ctx}\``);
  }
  const ms = Date.now() - t0;
  progress(`image ${tag}: built in ${(ms / 1000).toFixed(1)} s`);
  return { name, tag, built: true, ms };
}

/**
 * A `build:` context of a scenario (the vendor's own Dockerfile), built like mxlab's images:
 * tagged `mxlab/byo-<folder>:<hash of its files and the base image id>`, skipped when that tag
 * exists, `BASE` passed as a build argument (a Dockerfile may use it or not).
 */
export async function ensureContextImage(dir: string, opts: EnsureOptions = {}): Promise<string> {
  const progress = opts.progress ?? (() => {});
  await assertDocker();
  const { existsSync } = await import('node:fs');
  if (!existsSync(join(dir, 'Dockerfile'))) {
    throw new HarnessError(CODE.INPUT_FILE, `Failed to build ${dir}: it holds no Dockerfile. Did you mean another build: folder (relative to the scenario file)?`);
  }
  const base = await resolveBase(progress, { bootstrap: opts.bootstrap });
  const name = dir.split('/').filter(Boolean).pop()!.toLowerCase().replace(/[^a-z0-9._-]/g, '-');
  const tag = `mxlab/byo-${name}:${await contextHash(dir, [base.id], await dockerIgnored(dir))}`;
  if (await imageId(tag)) return tag;
  progress(`image ${tag}: building ${dir}`);
  const t0 = Date.now();
  const p = docker`docker build --build-arg ${`BASE=${base.ref}`} --label mxlab.image=byo -t ${tag} ${dir}`;
  const onAbort = () => void p.kill();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  const r = await p.finally(() => opts.signal?.removeEventListener('abort', onAbort));
  if (r.exitCode !== 0) {
    const tail = (r.stdout + r.stderr).trim().split('\n').slice(-8).join('\n');
    throw new HarnessError(CODE.IMAGE_BUILD, `building ${dir} failed:\n${tail}`, `see \`DOCKER_BUILDKIT=0 docker build ${dir}\``);
  }
  progress(`image ${tag}: built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return tag;
}

/** A local image a scenario names (`image:`): its id, or an error that says how to get it there. */
export async function assertLocalImage(ref: string): Promise<void> {
  if (await imageId(ref)) return;
  throw new HarnessError(CODE.IMAGE_MISSING, `Failed to find image ${ref} on the Docker engine. Did you forget to build or load it (docker build -t ${ref} …, docker load)?`, 'mxlab never pulls: a node\'s image: must exist on the engine (DOCKER_HOST) already');
}
