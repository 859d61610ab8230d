import type { LoadedScenario } from '../scenario/load.js';
import type { Expectation, MessageSpecV1, Scenario } from '../scenario/schema.js';
import { nodeHostname, type CellPlan, type MessagePlan } from '../model/plan.js';
import type { DeviceProfile } from '../model/device-profile.js';
import { firewallProfile } from './device-check.js';
import { configSource, configText } from '../scenario/firewall-config.js';
import { routesOf, usesLabDns } from '../dns/plan.js';
import { isMailbox } from '../scenario/schema.js';
import { messageFilePath } from '../scenario/message-files.js';

export { nodeHostname, type CellPlan, type MessagePlan, type PlannedExpectation } from '../model/plan.js';

/** Expands the matrix into cells (in declaration order) and selects expectations by `when`. */
export function planCells(loaded: LoadedScenario): CellPlan[] {
  const s = loaded.scenario;
  const keys = Object.keys(s.matrix ?? {});
  let combos: Record<string, string | number | boolean>[] = [{}];
  for (const key of keys) combos = combos.flatMap((c) => (s.matrix?.[key] ?? []).map((v) => ({ ...c, [key]: v })));
  return combos.map((combo, index) => {
    const scenario = applyCell(s, combo);
    const cell = Object.fromEntries(Object.entries(combo).map(([k, v]) => [k, String(v)]));
    return {
      index,
      file: loaded.file,
      name: s.name,
      cell,
      label: Object.entries(cell).map(([k, v]) => `${k}=${v}`).join(' '),
      scenario,
      messages: scenario.messages.map((m) => planMessage(scenario, m, loaded.file)),
      expectations: s.expect
        .map((spec, i) => ({ spec, line: loaded.lineOf(['expect', i]) }))
        .filter(({ spec }) => appliesTo(spec, cell)),
      ...firewallsOf(loaded, scenario),
    };
  });
}

/** Each firewall node's device profile for this cell's device and config (inline, or the config file read at load). */
function firewallsOf(loaded: LoadedScenario, s: Scenario): Pick<CellPlan, 'firewalls' | 'firewallSources'> {
  const firewalls: Record<string, DeviceProfile> = {};
  const firewallSources: CellPlan['firewallSources'] = {};
  for (const [name, n] of Object.entries(s.nodes)) {
    if (n.role !== 'firewall') continue;
    const config = configText(configSource(n), loaded.configFiles);
    firewalls[name] = firewallProfile(name, n.device, config);
    firewallSources[name] = { ...(n.device !== undefined ? { device: n.device } : {}), ...(config !== undefined ? { config } : {}) };
  }
  return { firewalls, firewallSources };
}

export function appliesTo(e: Expectation, cell: Record<string, string>): boolean {
  return Object.entries(e.when ?? {}).every(([k, v]) => (Array.isArray(v) ? v : [v]).some((x) => String(x) === cell[k]));
}

function applyCell(s: Scenario, combo: Record<string, string | number | boolean>): Scenario {
  const nodes = { ...s.nodes };
  for (const [key, value] of Object.entries(combo)) {
    const [name, field] = key.split('.');
    const node: Record<string, unknown> = { ...nodes[name], [field]: value };
    // config and config-file are one setting: the matrix value replaces the other one
    if (field === 'config') delete node['config-file'];
    if (field === 'config-file') delete node.config;
    nodes[name] = node as (typeof nodes)[string];
  }
  return { ...s, nodes };
}

function planMessage(s: Scenario, m: MessageSpecV1, file: string): MessagePlan {
  const fromAddress = m['mail-from'] ?? `${m.from}@${nodeHostname(s, m.from)}`;
  const envelope = (toAddress: string) => ({
    fromAddress,
    toAddress: m['rcpt-to']?.[0] ?? toAddress,
    rcptTo: m['rcpt-to'] ?? [toAddress],
    ...(m.eml !== undefined ? { eml: messageFilePath(file, m.eml) } : {}),
  });
  if (usesLabDns(s)) {
    // routed by the lab DNS: MX records of the recipient's domain (a node's own name has none: its A record)
    const env = envelope(isMailbox(m.to) ? m.to : `postmaster@${nodeHostname(s, m.to)}`);
    const routes = routesOf(s, m.from, env.toAddress);
    return { spec: m, ...env, path: routes[0] ?? [m.from], routes };
  }
  const path = [m.from];
  let cur = s.nodes[m.from];
  while (cur && cur.role !== 'receiver' && path.length < 16) {
    const next: string | undefined = cur.role === 'sender' ? (cur.via ?? m.to) : cur.role === 'firewall' ? cur['forwards-to'] : undefined;
    if (!next) break;
    path.push(next);
    cur = s.nodes[next];
  }
  return { spec: m, ...envelope(`postmaster@${nodeHostname(s, m.to)}`), path };
}

/**
 * The scenario one cell runs, standing alone: the cell's matrix values already in the nodes, no
 * `matrix`, and only the expectations that apply to the cell, without `when`. What a bundle
 * records and `mxlab replay` runs again.
 */
export function cellScenario(plan: CellPlan): Scenario {
  const { matrix: _matrix, ...rest } = plan.scenario;
  // a firewall's config-file becomes the text it held: the scenario stands alone, wherever it is replayed
  const nodes = { ...rest.nodes };
  for (const [name, n] of Object.entries(nodes)) {
    if (n.role !== 'firewall' || n['config-file'] === undefined) continue;
    const { 'config-file': _file, ...node } = n;
    const config = plan.firewallSources?.[name]?.config;
    nodes[name] = { ...node, ...(config !== undefined ? { config } : {}) };
  }
  return { ...rest, nodes, expect: plan.expectations.map(({ spec }) => withoutWhen(spec)) };
}

function withoutWhen(e: Expectation): Expectation {
  const { when: _when, ...rest } = e;
  return rest;
}
