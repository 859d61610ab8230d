import { nodeSchema, type NodeSpec, type Scenario } from './schema.js';
import { MAX_RUNS } from './topology.js';

/** One value of a matrix axis: the key (`fw.device`) and the value's index. */
export interface CellValue {
  key: string;
  j: number;
}

/** The matrix keys over these fields of each role (`firewall: ['device']`), in declaration order. */
export function keysOver(s: Scenario, fields: Partial<Record<NodeSpec['role'], readonly string[]>>): string[] {
  return Object.keys(s.matrix ?? {}).filter((k) => {
    const [name, field] = k.split('.');
    const node = Object.hasOwn(s.nodes, name) ? s.nodes[name] : undefined;
    return !!node && !!fields[node.role]?.includes(field);
  });
}

/**
 * The runs of the matrix over these keys (each a list of values), as `mxlab run` makes them; `[[]]`
 * without keys. Stops at MAX_RUNS (a larger matrix is an error of its own).
 */
export function cellsOver(s: Scenario, keys: readonly string[]): CellValue[][] {
  let cells: CellValue[][] = [[]];
  for (const key of keys) {
    const next = cells.flatMap((cell) => (s.matrix?.[key] ?? []).map((_, j) => [...cell, { key, j }]));
    if (next.length > MAX_RUNS) break;
    cells = next;
  }
  return cells;
}

/** The nodes of one run of the matrix; undefined when a value is not one the node takes (an error elsewhere). */
export function withCell(s: Scenario, cell: readonly CellValue[]): Record<string, NodeSpec> | undefined {
  const nodes = { ...s.nodes };
  for (const { key, j } of cell) {
    const [name, field] = key.split('.');
    const parsed = nodeSchema.safeParse({ ...nodes[name], [field]: s.matrix![key][j] });
    if (!parsed.success) return undefined;
    const n = parsed.data as NodeSpec & { config?: string; 'config-file'?: string };
    // a matrix value replaces the node's config source: config and config-file are one setting (run/plan.ts)
    if (field === 'config') delete n['config-file'];
    if (field === 'config-file') delete n.config;
    nodes[name] = n;
  }
  return nodes;
}

/** A matrix value as a run's label names it: `mx.persona=postfix`; a config (several lines) by its index, `fw.config[1]`. */
export function valueText(s: Scenario, v: CellValue): string {
  const value = String(s.matrix![v.key][v.j]);
  return /[\r\n]/.test(value) || value.length > 60 ? `${v.key}[${v.j}]` : `${v.key}=${value}`;
}

/** A run's values as text: `fw.device=pix 7.2(2) fw.config[1]`. */
export const cellText = (s: Scenario, cell: readonly CellValue[]) => cell.map((v) => valueText(s, v)).join(' ');

/** A firewall's own value in a run, where a warning or error about its device and config belongs: a config value before a device value. */
export function ownValue(cell: readonly CellValue[], fw: string): CellValue | undefined {
  const mine = (v: CellValue) => ['device', 'config', 'config-file'].some((f) => v.key === `${fw}.${f}`);
  return cell.find((v) => mine(v) && !v.key.endsWith('.device')) ?? cell.find(mine);
}
