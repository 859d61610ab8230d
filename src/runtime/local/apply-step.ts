import type { StartedFirewall } from '../../actors/firewall/index.js';
import type { StartedReceiver } from '../../actors/receiver/index.js';
import type { TimelineStep } from '../../scenario/schema.js';
import { applyFirewallStep, type FirewallState } from '../firewall-state.js';
import { HarnessError } from '../types.js';
import { CODE } from '../../errors.js';

export { firewallState, type FirewallState } from '../firewall-state.js';

/**
 * Applies a timeline step to a running local node: a firewall gets its new rules for the connections
 * that start from now on (FirewallConfigError when the device rejects them: nothing changes); a
 * receiver its new TLS, size or TLS fault; either may be stopped (port closed) or started again.
 */
export async function applyStep(step: TimelineStep, nodes: { firewall?: StartedFirewall; state?: FirewallState; receiver?: StartedReceiver }): Promise<void> {
  const { firewall, state, receiver } = nodes;
  if (firewall && state) {
    const next = applyFirewallStep(state, step, firewall.name);
    if (next !== state) {
      firewall.reconfigure(next);
      Object.assign(state, next);
    }
    if (step.state) await firewall.setListening(step.state === 'started');
    return;
  }
  if (receiver) {
    if (step.tls !== undefined || step.size !== undefined || step['tls-fault'] !== undefined) {
      await receiver.reconfigure({ tls: step.tls, size: step.size, tlsFault: step['tls-fault'] });
    }
    if (step.state) await receiver.setListening(step.state === 'started');
    return;
  }
  throw new HarnessError(CODE.TOPOLOGY, `timeline: node ${step.node} is not running in this cell`);
}
