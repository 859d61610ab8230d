import { addFaultText, FirewallConfigError, withoutFaultLines, type Faults } from '../actors/firewall/index.js';
import type { TimelineStep } from '../scenario/schema.js';

/** What a firewall node is running now: its device, config and the faults the timeline added. */
export interface FirewallState {
  /** absent: the config's version line names it */
  device?: string;
  config?: string;
  faults: Faults;
}

/** The state a firewall starts in: the device and config text its profile was made from (the cell's plan's firewallSources). */
export function firewallState(src: { device?: string; config?: string }): FirewallState {
  return { ...src, faults: {} };
}

/**
 * The firewall's state after a step: `device` replaces the device, `config` the config,
 * `config-append` adds lines to it, `fault` adds a fault (`none` clears them: the timeline's and the
 * `! mxlab fault` lines of the config). The same object
 * when the step changes none of these (a `state:` step).
 */
export function applyFirewallStep(state: FirewallState, step: TimelineStep, node: string): FirewallState {
  if (step.device === undefined && step.config === undefined && step['config-append'] === undefined && step.fault === undefined) return state;
  const next: FirewallState = { ...state, faults: { ...state.faults } };
  if (step.device !== undefined) next.device = step.device;
  if (step.config !== undefined) next.config = step.config;
  if (step['config-append'] !== undefined) next.config = [next.config, step['config-append']].filter((c) => c && c.trim()).join('\n');
  if (step.fault !== undefined) {
    if (step.fault.trim() === 'none') {
      next.faults = {};
      if (next.config !== undefined) next.config = withoutFaultLines(next.config);
    }
    else {
      const err = addFaultText(next.faults, step.fault);
      if (err) throw new FirewallConfigError(node, [{ line: 0, col: 1, message: `mxlab: ${err}` }]);
    }
  }
  return next;
}
