import { configSource, configText, deviceDiagnostics, type DeviceCtx } from './firewall-config.js';
import { cellsOver, withCell } from './matrix-cells.js';
import type { FirewallNode, Scenario } from './schema.js';

const SOURCE_FIELDS = ['device', 'config', 'config-file'] as const;

/**
 * The firewalls whose device and config both vary with the matrix (two or more keys among device,
 * config, config-file), with those keys. A value of such a key is not checked against the node as
 * written (no run uses it) but in every combination the runs make: checkDeviceCombinations.
 */
export function combinedFirewalls(s: Scenario): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const key of Object.keys(s.matrix ?? {})) {
    const [name, field] = key.split('.');
    if (!Object.hasOwn(s.nodes, name) || s.nodes[name].role !== 'firewall' || !(SOURCE_FIELDS as readonly string[]).includes(field)) continue;
    out.set(name, [...(out.get(name) ?? []), key]);
  }
  for (const [name, keys] of out) if (keys.length < 2) out.delete(name);
  return out;
}

/**
 * Each combination of a firewall's device and config values that a run makes (`fw.device` ×
 * `fw.config`): a config line the device refuses is an error at the config value ("with pix 7.2(2),
 * config line 4: …"), a problem of the device itself at the device value. The node as written already
 * said its own problems; each problem is said once.
 */
export function checkDeviceCombinations(s: Scenario, c: DeviceCtx, fw: string, keys: string[]): void {
  const known = new Set<string>();
  const node = s.nodes[fw] as FirewallNode;
  deviceDiagnostics({ ...c, errors: [], warnings: [] }, ['nodes', fw], node.device, configSource(node), 'node', known);
  for (const cell of cellsOver(s, keys)) {
    const nodes = withCell(s, cell);
    if (!nodes) continue; // a value the node does not take: an error of its own
    const n = nodes[fw] as FirewallNode;
    const src = configSource(n);
    const issues = c.checkDevice(n.device, configText(src, c.files)).filter((e) => !e.warning);
    const config = cell.find((v) => !v.key.endsWith('.device')) ?? cell[0];
    const device = cell.find((v) => v.key.endsWith('.device')) ?? config;
    const onConfig = (e: (typeof issues)[number]) => e.on === 'config' && e.line > 0;
    deviceDiagnostics(c, ['matrix', config.key, config.j], n.device, src, 'value', known, issues.filter(onConfig));
    deviceDiagnostics(c, ['matrix', device.key, device.j], n.device, src, 'value', known, issues.filter((e) => !onConfig(e)));
  }
}
