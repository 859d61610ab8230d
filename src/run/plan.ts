import type { LoadedScenario } from '../scenario/load.js';
import type { Expectation, MessageSpecV1, Scenario } from '../scenario/schema.js';

/** One message of a cell, with addresses and the node path it takes. */
export interface MessagePlan {
  spec: MessageSpecV1;
  /** envelope sender, e.g. partner@partner.example */
  fromAddress: string;
  /** envelope recipient, e.g. postmaster@esa.example.com */
  toAddress: string;
  /** node names from the sender to the receiver, e.g. ['partner', 'fw', 'esa'] */
  path: string[];
}

export interface PlannedExpectation {
  spec: Expectation;
  line: number;
}

/** One run of a scenario: the matrix values applied to the nodes. */
export interface CellPlan {
  file: string;
  name: string;
  cell: Record<string, string>;
  label: string;
  scenario: Scenario;
  messages: MessagePlan[];
  expectations: PlannedExpectation[];
}

/** Expands the matrix into cells (in declaration order) and selects expectations by `when`. */
export function planCells(loaded: LoadedScenario): CellPlan[] {
  const s = loaded.scenario;
  const keys = Object.keys(s.matrix ?? {});
  let combos: Record<string, string | number | boolean>[] = [{}];
  for (const key of keys) combos = combos.flatMap((c) => (s.matrix?.[key] ?? []).map((v) => ({ ...c, [key]: v })));
  return combos.map((combo) => {
    const scenario = applyCell(s, combo);
    const cell = Object.fromEntries(Object.entries(combo).map(([k, v]) => [k, String(v)]));
    return {
      file: loaded.file,
      name: s.name,
      cell,
      label: Object.entries(cell).map(([k, v]) => `${k}=${v}`).join(' '),
      scenario,
      messages: scenario.messages.map((m) => planMessage(scenario, m)),
      expectations: s.expect
        .map((spec, i) => ({ spec, line: loaded.lineOf(['expect', i]) }))
        .filter(({ spec }) => appliesTo(spec, cell)),
    };
  });
}

export function appliesTo(e: Expectation, cell: Record<string, string>): boolean {
  return Object.entries(e.when ?? {}).every(([k, v]) => (Array.isArray(v) ? v : [v]).includes(cell[k]));
}

function applyCell(s: Scenario, combo: Record<string, string | number | boolean>): Scenario {
  const nodes = { ...s.nodes };
  for (const [key, value] of Object.entries(combo)) {
    const [name, field] = key.split('.');
    nodes[name] = { ...nodes[name], [field]: value } as (typeof nodes)[string];
  }
  return { ...s, nodes };
}

export function nodeHostname(s: Scenario, name: string): string {
  const n = s.nodes[name];
  if (n?.role === 'receiver') return n.hostname ?? `${name}.example.com`;
  if (n?.role === 'sender') return n.hostname ?? `${name}.example`;
  return `${name}.example`;
}

function planMessage(s: Scenario, m: MessageSpecV1): MessagePlan {
  const path = [m.from];
  let cur = s.nodes[m.from];
  while (cur && cur.role !== 'receiver' && path.length < 16) {
    const next: string | undefined = cur.role === 'sender' ? (cur.via ?? m.to) : cur.role === 'firewall' ? cur['forwards-to'] : undefined;
    if (!next) break;
    path.push(next);
    cur = s.nodes[next];
  }
  return { spec: m, fromAddress: `${m.from}@${nodeHostname(s, m.from)}`, toAddress: `postmaster@${nodeHostname(s, m.to)}`, path };
}
