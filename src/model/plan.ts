import type { Expectation, MessageSpecV1, Scenario } from '../scenario/schema.js';
import type { DeviceProfile } from './device-profile.js';

/** One message of a cell, with addresses and the node path it takes. */
export interface MessagePlan {
  spec: MessageSpecV1;
  /** envelope sender, e.g. partner@partner.example */
  fromAddress: string;
  /** envelope recipient, e.g. postmaster@esa.example.com */
  toAddress: string;
  /** node names from the sender to the receiver, e.g. ['partner', 'fw', 'esa'] */
  path: string[];
  /** which delivery attempt this is (1-based; absent: the first), for senders whose behaviour depends on it */
  attempt?: number;
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

/** A node's DNS/EHLO name: its `hostname:`, else `<node>.example.com` for receivers and `<node>.example` otherwise. */
export function nodeHostname(s: Scenario, name: string): string {
  const n = s.nodes[name];
  if (n?.role === 'receiver') return n.hostname ?? `${name}.example.com`;
  if (n?.role === 'sender') return n.hostname ?? `${name}.example`;
  return `${name}.example`;
}
