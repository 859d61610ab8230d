import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { $ } from 'zx';
import { CODE, HarnessError } from '../errors.js';
import { cacheDir } from './paths.js';
import { docker, imageId } from './docker-cli.js';

/** The tag `mxlab images bootstrap-base` gives the image it makes offline. */
export const BOOTSTRAP_TAG = 'mxlab/base:bookworm';
export const REGISTRY_BASE = 'debian:bookworm-slim';

export interface BaseImage {
  ref: string;
  id: string;
}

type Progress = (line: string) => void;

/**
 * Finds the base image: `MXLAB_BASE_IMAGE`, else a local `debian:bookworm-slim`, else the
 * bootstrapped `mxlab/base:bookworm`, else a pull, else (root + debootstrap) a bootstrap.
 */
export async function resolveBase(progress: Progress, opts: { bootstrap?: boolean } = {}): Promise<BaseImage> {
  const wanted = process.env.MXLAB_BASE_IMAGE;
  for (const ref of wanted ? [wanted] : [REGISTRY_BASE, BOOTSTRAP_TAG]) {
    const id = await imageId(ref);
    if (id) return { ref, id };
  }
  const pullRef = wanted ?? REGISTRY_BASE;
  progress(`base image: pulling ${pullRef}`);
  const pulled = await docker`docker pull ${pullRef}`.timeout('60s');
  const id = pulled.exitCode === 0 ? await imageId(pullRef) : undefined;
  if (id) return { ref: pullRef, id };
  if (!wanted && opts.bootstrap !== false && canBootstrap()) {
    progress(`base image: ${pullRef} cannot be pulled; bootstrapping ${BOOTSTRAP_TAG} with debootstrap (~40 s, once)`);
    return bootstrapBase(progress);
  }
  throw new HarnessError(
    CODE.BASE_IMAGE_MISSING,
    `no base image: ${pullRef} is not present and cannot be pulled`,
    `run \`mxlab images bootstrap-base\` as root (debootstrap + docker import, no registry needed), or set MXLAB_BASE_IMAGE to a local Debian bookworm image`,
  );
}

export function canBootstrap(): boolean {
  return process.getuid?.() === 0 && ['/usr/sbin/debootstrap', '/usr/bin/debootstrap'].some((p) => existsSync(p));
}

/** The Debian mirror from the machine's apt sources (deb822 or one-line), else deb.debian.org. */
export function debianMirror(): string {
  const files = ['/etc/apt/sources.list'];
  const d = '/etc/apt/sources.list.d';
  if (existsSync(d)) files.push(...readdirSync(d).map((f) => join(d, f)));
  for (const f of files) {
    let text = '';
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    const m = /^\s*(?:URIs:|deb)\s+(?:\[[^\]]*\]\s+)?(https?:\/\/\S+\/debian)\/?\s*$/m.exec(text)
      ?? /^\s*(?:URIs:|deb)\s+(?:\[[^\]]*\]\s+)?(https?:\/\/\S+\/debian)\/?\s+bookworm/m.exec(text);
    if (m) return m[1];
  }
  return 'http://deb.debian.org/debian';
}

/** debootstrap --variant=minbase bookworm, then `docker import` as mxlab/base:bookworm. Idempotent. */
export async function bootstrapBase(progress: Progress, opts: { force?: boolean } = {}): Promise<BaseImage> {
  const existing = await imageId(BOOTSTRAP_TAG);
  if (existing && !opts.force) {
    progress(`base image: ${BOOTSTRAP_TAG} present`);
    return { ref: BOOTSTRAP_TAG, id: existing };
  }
  if (!canBootstrap()) {
    throw new HarnessError(CODE.BOOTSTRAP, 'bootstrapping the base image needs root and debootstrap', 'apt-get install -y debootstrap, then run as root');
  }
  const mirror = debianMirror();
  const rootfs = join(cacheDir(), `rootfs-${process.pid}`);
  await rm(rootfs, { recursive: true, force: true });
  await mkdir(rootfs, { recursive: true });
  try {
    const t0 = Date.now();
    progress(`base image: debootstrap bookworm from ${mirror}`);
    const q = $({ quiet: true, nothrow: true });
    const boot = await q`debootstrap --variant=minbase bookworm ${rootfs} ${mirror}`;
    if (boot.exitCode !== 0) {
      throw new HarnessError(CODE.BOOTSTRAP, `debootstrap failed: ${boot.stderr.trim().split('\n').slice(-3).join(' ')}`, 'check the Debian mirror in /etc/apt/sources.list');
    }
    const security = mirror.replace(/\/debian$/, '/debian-security');
    await writeFile(
      join(rootfs, 'etc/apt/sources.list'),
      `deb ${mirror} bookworm main\ndeb ${mirror} bookworm-updates main\ndeb ${security} bookworm-security main\n`,
    );
    await q`sh -c ${'rm -rf "$0"/var/cache/apt/archives/*.deb "$0"/var/lib/apt/lists/*'} ${rootfs}`;
    progress(`base image: debootstrap done in ${((Date.now() - t0) / 1000).toFixed(0)} s; docker import ${BOOTSTRAP_TAG}`);
    const imp = await docker`tar -C ${rootfs} -c . | docker import --change ${'ENV DEBIAN_FRONTEND=noninteractive'} - ${BOOTSTRAP_TAG}`;
    if (imp.exitCode !== 0) throw new HarnessError(CODE.BOOTSTRAP, `docker import failed: ${imp.stderr.trim()}`);
  } finally {
    await rm(rootfs, { recursive: true, force: true });
  }
  const id = await imageId(BOOTSTRAP_TAG);
  if (!id) throw new HarnessError(CODE.BOOTSTRAP, `${BOOTSTRAP_TAG} missing after import`);
  progress(`base image: ${BOOTSTRAP_TAG} ready`);
  return { ref: BOOTSTRAP_TAG, id };
}
