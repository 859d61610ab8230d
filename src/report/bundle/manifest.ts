/** manifest.json: what a bundle holds and where, for `mxlab replay`. */
export interface BundleManifest {
  format: 'mxlab-bundle';
  version: 1;
  mxlab: string;
  startedAt: string;
  command?: string[];
  /** what in a run is random, and whether it is recorded: mxlab seeds nothing that changes a verdict */
  random: string;
  runs: BundleRun[];
}

/** The manifest's `random`: what differs between a run and its replay, and why it changes no verdict. */
export const RANDOM =
  'nothing a verdict depends on: each run makes its own CA, certificates and DKIM key (fresh key bytes, never written to disk or into this bundle), its run id and its ports; transcripts compare with those normalised away';

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
