/** manifest.json: what a bundle holds and where, for `mxlab replay`. */
export interface BundleManifest {
  format: 'mxlab-bundle';
  version: 1;
  mxlab: string;
  startedAt: string;
  command?: string[];
  runs: BundleRun[];
}

export interface BundleRun {
  /** the scenario file as given to mxlab run, and its name */
  file: string;
  name: string;
  runtime: 'local' | 'docker';
  label: string;
  cell: Record<string, string>;
  /** the standalone scenario of this run inside the bundle, e.g. `runs/seed/run/scenario.yaml` */
  scenario?: string;
  /** where this run is in result.json: scenarios[s].cells[c] */
  result: [number, number];
}

export const MANIFEST = 'manifest.json';
export const BUNDLE_ROOT = 'mxlab-bundle';

export function isManifest(v: unknown): v is BundleManifest {
  const m = v as BundleManifest;
  return !!m && m.format === 'mxlab-bundle' && m.version === 1 && Array.isArray(m.runs);
}
