import type { CiscoConfig } from '../config/model.js';
import type { RuleSpec } from '../rules/index.js';
import type { Knobs } from './knobs.js';
import type { ParsedDevice } from './version.js';

/** What a device string and its config expand to: the rule list the version really had. */
export interface DeviceProfile {
  /** normalised device, e.g. `asa 9.12(4)` */
  device: string;
  family: string;
  /** prefix of the device's log lines, `%PIX` / `%ASA` / `mxlab` */
  syslogPrefix: string;
  /** SMTP inspection is active (false: pass-through) */
  inspecting: boolean;
  rules: RuleSpec[];
  knobs: Knobs;
  /** one line per rule, for `mxlab devices` and reports */
  summary: string[];
}

export interface DeviceFamily {
  /** equals the file name */
  name: string;
  title: string;
  /** device strings that select this family, for hints and `mxlab devices` */
  examples: string[];
  matches(d: ParsedDevice): boolean;
  /** takes Cisco config (`fixup` / `policy-map` …) */
  cisco: boolean;
  build(d: ParsedDevice, cfg: CiscoConfig, knobs: Knobs): { inspecting: boolean; rules: RuleSpec[] };
}
