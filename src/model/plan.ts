import type { Expectation, MessageSpecV1, Scenario } from '../scenario/schema.js';
import type { DeviceProfile } from './device-profile.js';

/** One message of a cell, with addresses and the node path it takes. */
export interface MessagePlan {
  spec: MessageSpecV1;
  /** envelope sender, e.g. partner@partner.example */
  fromAddress: string;
  /** envelope recipient, e.g. postmaster@esa.example.com (the first of `rcptTo`) */
  toAddress: string;
  /** every envelope recipient (`rcpt-to:`); absent: [toAddress] */
  rcptTo?: string[];
  /** `eml:` resolved against the scenario file's folder */
  eml?: string;
  /** node names from the sender to the receiver, e.g. ['partner', 'fw', 'esa']: the first of `routes` when the lab DNS routes it */
  path: string[];
  /** which delivery attempt this is (1-based; absent: the first), for senders whose behaviour depends on it */
  attempt?: number;
  /**
   * with the lab DNS: the paths the message may take in MX order (a sender that falls back to the
   * next MX host ends on a later one); the runtime takes the one whose first node the sender reached
   */
  routes?: string[][];
}

/**
 * The path of a message routed by the lab DNS whose sender connected to `node` first: the route
 * through it, or just the sender when it reached no node (`''`: every lookup or connection failed).
 * Without routes, the planned path.
 */
export function pathVia(m: MessagePlan, node: string): string[] {
  if (!m.routes) return m.path;
  return m.routes.find((r) => r[1] === node) ?? [m.path[0]];
}

export interface PlannedExpectation {
  spec: Expectation;
  line: number;
}

/** One run of a scenario: the matrix values applied to the nodes. What the runner hands a runtime. */
export interface CellPlan {
  /** position among the scenario's runs in matrix order (the same in every shard) */
  index?: number;
  file: string;
  name: string;
  cell: Record<string, string>;
  label: string;
  scenario: Scenario;
  messages: MessagePlan[];
  expectations: PlannedExpectation[];
  /** each firewall node's device, resolved once for this cell (device + config + knobs): the runtime starts it as is */
  firewalls: Record<string, DeviceProfile>;
  /** what each firewall's profile was made from (device, config text): a timeline step changes them and resolves again */
  firewallSources: Record<string, { device?: string; config?: string }>;
}

export { nodeHostname } from '../scenario/hostnames.js';
