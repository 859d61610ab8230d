/** The firewall emulator: public surface. */
export type { ConfigError } from './config/model.js';
export { resolveDevice, knownDevices, FAMILIES } from './devices/index.js';
export { offerFacts, type OfferFacts } from './devices/offered-masked.js';
export type { DeviceProfile, DeviceFamily, FamilyName, ResolveResult } from './devices/index.js';
export { DEFAULT_KNOBS, KNOB_NAMES, knobChoices, knobText, setKnob, type Knobs } from './devices/knobs.js';
export { addFaultText, FAULT_NAMES, type Faults } from './devices/faults.js';
export { withoutFaultLines } from './config/mxlab-lines.js';
export { startFirewall, FirewallConfigError } from './proxy.js';
export { profileFromJson } from './profile-json.js';
export type { FirewallConnection, StartedFirewall, StartFirewallOptions } from './proxy.js';
export { ConnectionEngine, type SegmentOutcome } from './engine/engine.js';
export type { Rule, Verdict, Segment, Piece, ConnInfo, RuleContext } from './engine/types.js';
export { RULES, type RuleName, type RuleSpec } from './rules/index.js';
export { RELEASES, DEFECTS, type ReleaseRow, type DefectName, type DialectName, type CiscoFamilyName } from './devices/releases.js';
export { trainsOf, rowsOf, nextRow } from './devices/release.js';
export { showInForce, showEsmtpMap } from './config/show.js';
export type { ConfigReport, ConfigWarning, CiscoConfig } from './config/model.js';
