import { lstat, mkdir, mkdtemp, readdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { CODE, MxlabError } from '../../errors.js';
import type { RunResult } from '../../model/result.js';
import { BUNDLE_ROOT, isManifest, MANIFEST, type BundleManifest } from '../../report/bundle/manifest.js';
import { readTarGz } from '../../report/bundle/tar.js';
import { readInputBytes } from '../../scenario/input-file.js';

/** Largest bundle file replay reads (pcaps of a few messages fit many times over). */
export const MAX_BUNDLE_BYTES = 512 * 1024 * 1024;

export interface OpenedBundle {
  manifest: BundleManifest;
  result: RunResult;
  /** a temporary folder holding the bundle's runs/ (scenario.yaml and golden files); remove it when done */
  dir: string;
}

/** Members of a bundle that replay reads. */
const MAX_MEMBERS = 100_000;

/**
 * Reads a bundle — the .tar.gz, or the folder it was unpacked into (to edit a run's scenario and
 * replay): its manifest, the recorded result, and the runs' scenario files written to a temporary folder.
 */
export async function openBundle(file: string): Promise<OpenedBundle> {
  const wanted = (name: string) => {
    const rest = name.startsWith(`${BUNDLE_ROOT}/`) ? name.slice(BUNDLE_ROOT.length + 1) : name;
    return rest === MANIFEST || rest === 'result.json' || rest.startsWith('runs/');
  };
  const isDir = await stat(file).then((st) => st.isDirectory(), () => false);
  const modes = new Map<string, number>();
  const files = isDir
    ? await readFolder(file, modes)
    : await readTarGz(await readInputBytes(file, 'bundle (mxlab-bundle.tar.gz)', MAX_BUNDLE_BYTES), file, { totalBytes: 1 << 30, entries: MAX_MEMBERS, keep: wanted, modes });
  const root = files.has(`${BUNDLE_ROOT}/${MANIFEST}`) ? `${BUNDLE_ROOT}/` : files.has(MANIFEST) ? '' : undefined;
  if (root === undefined) throw new MxlabError(CODE.BUNDLE, `Failed to replay ${file}: it holds no ${MANIFEST}, so it is not an mxlab bundle (or one written before mxlab replay existed). Did you mean a bundle from mxlab run --reporter bundle?`);
  const json = (name: string): unknown => {
    const data = files.get(root + name);
    if (!data) throw new MxlabError(CODE.BUNDLE, `Failed to replay ${file}: ${name} is missing from the bundle.`);
    try {
      return JSON.parse(data.toString('utf8'));
    } catch (err) {
      throw new MxlabError(CODE.BUNDLE, `Failed to replay ${file}: ${name} is not valid JSON (${(err as Error).message}).`);
    }
  };
  const manifest = json(MANIFEST);
  if (!isManifest(manifest)) throw new MxlabError(CODE.BUNDLE, `Failed to replay ${file}: ${MANIFEST} is not an mxlab bundle manifest (format mxlab-bundle, version 1).`);
  const result = json('result.json') as RunResult;
  if (!Array.isArray(result?.scenarios)) throw new MxlabError(CODE.BUNDLE, `Failed to replay ${file}: result.json holds no scenarios.`);
  for (const run of manifest.runs) {
    const [s, c] = Array.isArray(run.result) ? run.result : [];
    if (!result.scenarios[s as number]?.cells?.[c as number]) throw new MxlabError(CODE.BUNDLE, `Failed to replay ${file}: ${MANIFEST} names a run that result.json does not have.`);
  }
  const dir = await mkdtemp(join(tmpdir(), 'mxlab-replay-'));
  for (const [name, data] of files) {
    if (!name.startsWith(`${root}runs/`)) continue;
    const path = join(dir, name.slice(root.length));
    await mkdir(dirname(path), { recursive: true });
    // a build context's scripts keep their executable bit
    await writeFile(path, data, { mode: (modes.get(name) ?? 0o644) & 0o111 ? 0o755 : 0o644 });
  }
  return { manifest, result, dir };
}

/**
 * An unpacked bundle: `manifest.json`, `result.json` and `runs/…` of the folder (or of its
 * `mxlab-bundle/`), regular files only (a link is refused, as in the archive), within the same limits.
 */
async function readFolder(dir: string, modes: Map<string, number>): Promise<Map<string, Buffer>> {
  const fail = (reason: string) => new MxlabError(CODE.BUNDLE, `Failed to replay ${dir}: ${reason}. Did you mean the folder a bundle (mxlab-bundle.tar.gz) was unpacked into?`);
  const root = (await lstat(join(dir, MANIFEST)).then(() => true, () => false)) ? dir : join(dir, BUNDLE_ROOT);
  const files = new Map<string, Buffer>();
  let total = 0;
  const take = async (rel: string) => {
    const path = join(root, rel);
    const st = await lstat(path).catch(() => undefined);
    if (!st) return;
    if (st.isSymbolicLink()) throw fail(`${rel} is a link; a bundle holds regular files only`);
    if (st.isDirectory()) {
      for (const e of (await readdir(path)).sort()) await take(`${rel}/${e}`);
      return;
    }
    if (!st.isFile()) throw fail(`${rel} is not a regular file`);
    if (files.size >= MAX_MEMBERS) throw fail(`more than ${MAX_MEMBERS} files`);
    const data = await readInputBytes(path, 'bundle member', MAX_BUNDLE_BYTES);
    total += data.length;
    if (total > MAX_BUNDLE_BYTES) throw fail(`more than ${MAX_BUNDLE_BYTES} bytes`);
    files.set(rel, data);
    modes.set(rel, st.mode);
  };
  for (const rel of [MANIFEST, 'result.json', 'runs']) await take(rel);
  return files;
}
