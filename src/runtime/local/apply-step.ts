import { addFaultText, FirewallConfigError, type Faults, type StartedFirewall } from '../../actors/firewall/index.js';
import type { StartedReceiver } from '../../actors/receiver/index.js';
import type { TimelineStep } from '../../scenario/schema.js';
import { HarnessError } from '../types.js';

/** What a firewall node is running now: its device, config and timeline faults. */
export interface FirewallState {
  /** absent: the config's version line names it */
  device?: string;
  config?: string;
  faults: Faults;
}

/** The state a firewall starts in: the device and config text its profile was made from (the cell's plan). */
export function firewallState(src: { device?: string; config?: string }): FirewallState {
  return { ...src, faults: {} };
}

/**
 * Applies a timeline step to a running local node: a firewall gets its new rules for the connections
 * that start from now on (FirewallConfigError when the device rejects them: nothing changes); a
 * receiver its new TLS, size or TLS fault; either may be stopped (port closed) or started again.
 */
export async function applyStep(step: TimelineStep, nodes: { firewall?: StartedFirewall; state?: FirewallState; receiver?: StartedReceiver }): Promise<void> {
  const { firewall, state, receiver } = nodes;
  if (firewall && state) {
    const next: FirewallState = { ...state, faults: { ...state.faults } };
    if (step.device !== undefined) next.device = step.device;
    if (step.config !== undefined) next.config = step.config;
    if (step['config-append'] !== undefined) next.config = [next.config, step['config-append']].filter((c) => c && c.trim()).join('\n');
    if (step.fault !== undefined) {
      if (step.fault.trim() === 'none') next.faults = {};
      else {
        const err = addFaultText(next.faults, step.fault);
        if (err) throw new FirewallConfigError(firewall.name, [{ line: 0, col: 1, message: `mxlab: ${err}` }]);
      }
    }
    if (step.device !== undefined || step.config !== undefined || step['config-append'] !== undefined || step.fault !== undefined) {
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
  throw new HarnessError('E_TOPOLOGY', `timeline: node ${step.node} is not running in this cell`);
}
