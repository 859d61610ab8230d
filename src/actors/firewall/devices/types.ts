import type { CiscoConfig } from '../config/model.js';
import type { RuleSpec } from '../rules/index.js';
import type { Knobs } from './knobs.js';
import type { Release } from './release.js';

export type { DeviceProfile, ReleaseInfo } from '../../../model/device-profile.js';

export type FamilyName =
  | 'none'
  | 'pix-mailhost'
  | 'pix-mailguard'
  | 'asa-inspect-classic'
  | 'asa-default-map'
  | 'isp-stripper'
  | 'zorp'
  | 'f-secure-igk'
  | 'dlink-dfl';

/** What a family is built from: the release row (Cisco devices), the parsed config, the knobs. */
export interface BuildInput {
  release?: Release;
  cfg: CiscoConfig;
  knobs: Knobs;
}

export interface DeviceFamily {
  /** equals the file name */
  name: FamilyName;
  title: string;
  /** device strings of this family, for hints and `mxlab devices` */
  examples: string[];
  /** takes Cisco config (`fixup` / `policy-map` …) */
  cisco: boolean;
  /** the rule list: everything that differs between releases comes from `release.row` */
  build(input: BuildInput): { inspecting: boolean; rules: RuleSpec[] };
}
