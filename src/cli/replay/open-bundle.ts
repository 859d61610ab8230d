import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
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

/** Reads a bundle: its manifest, the recorded result, and the runs' scenario files written to a temporary folder. */
export async function openBundle(file: string): Promise<OpenedBundle> {
  const wanted = (name: string) => {
    const rest = name.startsWith(`${BUNDLE_ROOT}/`) ? name.slice(BUNDLE_ROOT.length + 1) : name;
    return rest === MANIFEST || rest === 'result.json' || rest.startsWith('runs/');
  };
  const files = await readTarGz(await readInputBytes(file, 'bundle (mxlab-bundle.tar.gz)', MAX_BUNDLE_BYTES), file, { totalBytes: 1 << 30, entries: 100_000, keep: wanted });
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
    await writeFile(path, data);
  }
  return { manifest, result, dir };
}
