import { didYouMean, oneOf } from './diagnostics.js';
import { attemptsWithin, MAX_ATTEMPTS, queuePolicy } from './queue-policy.js';
import type { DeviceChecker } from './references.js';
import type { NodeSpec, Scenario, TimelineStep } from './schema.js';
import { cellText, cellsOver, keysOver, withCell } from './matrix-cells.js';

type Diag = (path: PropertyKey[], message: string, hint?: string, key?: boolean) => void;

/** The change fields a timeline step may set on a node of each role. */
const FIELDS: Record<NodeSpec['role'], (keyof TimelineStep)[]> = {
  firewall: ['config', 'config-append', 'device', 'fault', 'state'],
  receiver: ['tls', 'size', 'tls-fault', 'state'],
  sender: ['state'],
};
const CHANGES: (keyof TimelineStep)[] = ['config', 'config-append', 'device', 'fault', 'tls', 'size', 'tls-fault', 'state'];

/**
 * What a schema cannot say about `retry:`, `queue-lifetime:` and `timeline:`: delays of at least a
 * second and a bounded number of attempts; each step names a node and only fields of its role; a
 * firewall's device, config and faults after each step are ones the emulator takes (in time order),
 * in every run of the matrix over the firewalls' device, config and config-file.
 */
export function checkTimeline(s: Scenario, diag: Diag, checkDevice?: DeviceChecker, configOf: (node: { config?: string; 'config-file'?: string }) => string | undefined = (n) => n.config): void {
  for (const [name, node] of Object.entries(s.nodes)) {
    if (node.role !== 'sender') continue;
    node.retry?.forEach((d, i) => {
      if (d < 1000) diag(['nodes', name, 'retry', i], `expected a delay of at least 1s, got ${d}ms`, 'real MTAs wait minutes between attempts (Postfix minimal_backoff_time 300s)');
    });
    const policy = queuePolicy(node);
    if (policy && (node.retry ?? []).every((d) => d >= 1000) && attemptsWithin(policy) > MAX_ATTEMPTS) {
      diag(['nodes', name, node.retry ? 'retry' : 'queue-lifetime'], `expected at most ${MAX_ATTEMPTS.toLocaleString('en-US')} attempts per message, got more with these retry delays over the queue lifetime (${node['queue-lifetime'] === undefined ? 'default 5d' : 'queue-lifetime'})`, 'make the delays longer or the queue-lifetime shorter', true);
    }
  }

  // each run of the matrix over the firewalls' device and config has its own timeline states (the node as
  // written is not run when the matrix replaces the field): one problem is said once, for the first run
  const cells = cellsOver(s, keysOver(s, { firewall: ['device', 'config', 'config-file'] }));
  const said = new Set<string>();
  let shaped = false; // the steps' own problems are the same in every run (the matrix changes no role): said once
  for (const cell of cells) {
    const nodes = withCell(s, cell);
    if (!nodes) continue;
    const label = cellText(s, cell);
    const once: Diag = (path, message, hint, key) => {
      const id = `${String(path)}\n${message}`;
      if (said.has(id)) return;
      said.add(id);
      diag(path, label ? `in the run ${label}, ${message}` : message, hint, key);
    };
    checkSteps(s, nodes, shaped ? undefined : diag, once, checkDevice, configOf);
    shaped = true;
  }
  // no run could be made (a matrix value the node does not take, an error of its own): the steps still are checked
  if (!shaped) checkSteps(s, s.nodes, diag, () => {}, undefined, configOf);
}

/**
 * The steps in time order over one run's nodes: `shape` (the first run) gets what the step itself gets
 * wrong, `device` what the device and config after it get wrong.
 */
function checkSteps(s: Scenario, nodes: Record<string, NodeSpec>, shape: Diag | undefined, device: Diag, checkDevice: DeviceChecker | undefined, configOf: (node: { config?: string; 'config-file'?: string }) => string | undefined): void {
  const steps = (s.timeline ?? []).map((step, i) => ({ step, i })).sort((a, b) => a.step.at - b.step.at || a.i - b.i);
  const firewalls = new Map<string, { device?: string; config?: string; faults: string[] }>();
  for (const { step, i } of steps) {
    const node = Object.hasOwn(nodes, step.node) ? nodes[step.node] : undefined;
    if (!node) {
      shape?.(['timeline', i, 'node'], `expected a node (${oneOf(Object.keys(nodes))}), got "${step.node}"`, didYouMean(step.node, Object.keys(nodes)));
      continue;
    }
    const allowed = FIELDS[node.role];
    let fits = true;
    for (const k of CHANGES) {
      if (step[k] === undefined || allowed.includes(k)) continue;
      fits = false;
      shape?.(['timeline', i, k], `expected a change a ${node.role} takes (${oneOf(allowed)}), got "${k}"`, `${step.node} is a ${node.role}`, true);
    }
    if (!fits || node.role !== 'firewall' || !checkDevice) continue;
    if (step.config === undefined && step['config-append'] === undefined && step.device === undefined && step.fault === undefined) continue;
    const cur = firewalls.get(step.node) ?? { device: node.device, config: configOf(node), faults: [] };
    const before = new Set(checkDevice(cur.device, withFaults(cur.config, cur.faults)).map((e) => e.message));
    const next = { ...cur, faults: [...cur.faults] };
    if (step.device !== undefined) next.device = step.device;
    if (step.config !== undefined) next.config = step.config;
    if (step['config-append'] !== undefined) next.config = [next.config, step['config-append']].filter((c) => c && c.trim()).join('\n');
    // (`none` also drops the config's own fault lines when it runs; they are comments to the device, so
    // keeping them here changes no verdict of this check)
    if (step.fault !== undefined) next.faults = step.fault.trim() === 'none' ? [] : [...next.faults, step.fault.trim()];
    const field: keyof TimelineStep = step.fault !== undefined ? 'fault' : step['config-append'] !== undefined ? 'config-append' : step.config !== undefined ? 'config' : 'device';
    const text = withFaults(next.config, next.faults);
    const configLines = (text ?? '').split(/\r?\n/);
    for (const e of checkDevice(next.device, text)) {
      if (e.warning || before.has(e.message)) continue; // the node's own config already said so
      const where = e.on === 'config' && e.line > 0 && e.line <= configLines.length ? `, config line ${e.line} ("${configLines[e.line - 1].trim()}")` : '';
      device(['timeline', i, field], `with ${next.device ?? 'the device its version line names'}${where} after this step: ${e.message}`, e.hint);
    }
    firewalls.set(step.node, next);
  }
}

/** The timeline's faults as `! mxlab fault` lines after the config (how the emulator reads them). */
function withFaults(config: string | undefined, faults: string[]): string | undefined {
  if (!faults.length) return config;
  return [config, ...faults.map((f) => `! mxlab fault ${f}`)].filter((c) => c && c.trim()).join('\n');
}
