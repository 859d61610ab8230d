import { join } from 'node:path';
import { CODE, HarnessError } from '../errors.js';
import { resolveBase, type BaseImage } from './base.js';
import { IMAGE_NAMES, imageTag, type ImageName } from './catalog.js';
import { assertDocker, docker, imageId } from './docker-cli.js';
import { contextHash } from './hash.js';
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
    const hash = name === 'node' ? await nodeContextHash(base.id) : await contextHash(join(packageRoot(), 'containers', name), [base.id]);
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
