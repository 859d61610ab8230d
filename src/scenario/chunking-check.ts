import { configSource, configText, deviceDiagnostics, type ChunkingFacts, type DeviceCtx, type DeviceIssue } from './firewall-config.js';
import { nodeSchema, type FirewallNode, type NodeSpec, type ReceiverNode, type Scenario } from './schema.js';
import { MAX_RUNS } from './topology.js';

/** The node fields the check reads: a matrix over any other field leaves its verdict as it is. */
const FIELDS: Partial<Record<NodeSpec['role'], string[]>> = {
  firewall: ['device', 'config', 'config-file', 'forwards-to'],
  receiver: ['persona', 'mta', 'tls', 'config'],
};

const DOC = 'docs/devices.md, "A map of your own and the EHLO reply"';

interface Trap {
  fw: string;
  node: FirewallNode;
  receiver: string;
  facts: ChunkingFacts;
}

/**
 * A warning (the run goes on: the real device takes such a config) for a firewall that lets a
 * receiver's `250 CHUNKING` through to the client while it masks a clear-text `BDAT` — an ASA with a
 * map of one's own without `match ehlo-reply-parameter others` / `mask`. RFC 3030 lets a client send
 * BDAT once CHUNKING is offered, so a client that does (Exim, Exchange) fails. It is warned about
 * only when it can happen on a path of the scenario (sender → firewalls → receiver):
 * - the firewall masks BDAT and every firewall on the path lets CHUNKING through (one that masks or
 *   removes it hides it from the client: nothing is offered);
 * - the receiver offers CHUNKING (personas postfix and exchange; real Postfix and Exim; not
 *   asyncos, sendmail, generic, OpenSMTPD);
 * - a clear-text session can carry mail: the receiver's `tls:` is not `required` (a receiver that
 *   requires TLS refuses MAIL before STARTTLS, and inside TLS the firewall cannot see BDAT).
 * The node as written is checked, then every run of the matrix over the fields above (device,
 * config, forwards-to; persona, mta, tls, config), then each state of the timeline (a firewall's new
 * device or config, a receiver's new `tls:`); each firewall's device and config is warned about once.
 */
export function checkChunking(s: Scenario, c: DeviceCtx): void {
  const { chunking, receiverChunking } = c.checkDevice;
  if (!chunking || !receiverChunking) return;
  const keys = Object.keys(s.matrix ?? {}).filter((k) => {
    const [name, field] = k.split('.');
    const node = Object.hasOwn(s.nodes, name) ? s.nodes[name] : undefined;
    return !!node && !!FIELDS[node.role]?.includes(field);
  });
  let cells: { key: string; j: number }[][] = [[]];
  for (const key of keys) {
    const next = cells.flatMap((cell) => (s.matrix?.[key] ?? []).map((_, j) => [...cell, { key, j }]));
    if (next.length > MAX_RUNS) break; // the matrix itself is an error then
    cells = next;
  }
  const said = new Set<string>();
  const report = (t: Trap, nodes: Record<string, NodeSpec>, at: { base: PropertyKey[]; value: boolean; prefix: string }) => {
    const src = configSource(t.node);
    // once per place: the node, a matrix value, a timeline step (the node's own once said, not again for a run)
    const key = at.value ? JSON.stringify(at.base) : t.fw;
    if (said.has(key)) return;
    said.add(key);
    said.add(t.fw);
    const r = nodes[t.receiver] as ReceiverNode;
    const by = r.mta === 'builtin' ? `persona ${r.persona}` : `mta ${r.mta}`;
    const map = t.facts.map;
    const what = map ? `its policy-map type inspect esmtp ${map.name}` : `${t.node.device ?? 'the device'}`;
    const issue: DeviceIssue = {
      line: map?.line ?? 0,
      col: 1,
      on: 'config',
      warning: true,
      message: `${at.prefix}firewall ${t.fw} lets "250 CHUNKING" of ${t.receiver} (${by}) reach the client through ${what}, but masks a clear-text BDAT (CHUNKING is not among the commands ESMTP inspection supports): a client that uses CHUNKING once offered (Exim, Exchange) fails`,
      hint: map ? `add "match ehlo-reply-parameter others" with "mask" under policy-map type inspect esmtp ${map.name} (${DOC})` : `hide CHUNKING from clients (${DOC})`,
    };
    deviceDiagnostics(c, at.base, t.node.device, src, at.value ? 'value' : 'node', new Set(), [issue]);
  };
  for (const cell of cells) {
    const nodes = withCell(s, cell);
    if (!nodes) continue;
    for (const t of traps(nodes, c)) {
      const mine = (v: { key: string }) => ['device', 'config', 'config-file'].some((f) => v.key === `${t.fw}.${f}`);
      // a config value before a device value: the warning points at the map
      const own = cell.find((v) => mine(v) && !v.key.endsWith('.device')) ?? cell.find(mine);
      const others = cell.filter((v) => !mine(v)).map((v) => valueText(s, v));
      const prefix = others.length ? `with ${others.join(' ')}: ` : '';
      report(t, nodes, own ? { base: ['matrix', own.key, own.j], value: true, prefix } : { base: ['nodes', t.fw], value: false, prefix });
    }
    const label = cell.map((v) => valueText(s, v)).join(' ');
    timelineTraps(s, nodes, c, report, label ? `with ${label}: ` : '');
  }
}

type Report = (t: Trap, nodes: Record<string, NodeSpec>, at: { base: PropertyKey[]; value: boolean; prefix: string }) => void;

/**
 * The timeline's states in time order (from one run's nodes): a step that gives a
 * firewall a new device or config is warned about at the step; a receiver's new `tls:` at the map, from
 * that step on.
 */
function timelineTraps(s: Scenario, start: Record<string, NodeSpec>, c: DeviceCtx, report: Report, cell: string): void {
  const steps = (s.timeline ?? []).map((step, i) => ({ step, i })).sort((a, b) => a.step.at - b.step.at || a.i - b.i);
  const nodes = { ...start };
  const changedAt = new Map<string, { i: number; field: string }>();
  for (const { step, i } of steps) {
    const node = Object.hasOwn(nodes, step.node) ? nodes[step.node] : undefined;
    let receiverStep = false;
    if (node?.role === 'firewall' && (step.device !== undefined || step.config !== undefined || step['config-append'] !== undefined)) {
      const next: FirewallNode = { ...node, device: step.device ?? node.device };
      if (step.config !== undefined || step['config-append'] !== undefined) {
        const before = configText(configSource(node), c.files);
        next.config = step.config ?? [before, step['config-append']].filter((t) => t && t.trim()).join('\n');
        delete next['config-file'];
      }
      nodes[step.node] = next;
      changedAt.set(step.node, { i, field: step.config !== undefined ? 'config' : step['config-append'] !== undefined ? 'config-append' : 'device' });
    } else if (node?.role === 'receiver' && step.tls !== undefined) {
      nodes[step.node] = { ...node, tls: step.tls };
      receiverStep = true;
    } else continue;
    for (const t of traps(nodes, c)) {
      const at = changedAt.get(t.fw);
      if (at) report(t, nodes, { base: ['timeline', at.i, at.field], value: true, prefix: `${cell}after this step: ` });
      else if (receiverStep) report(t, nodes, { base: ['nodes', t.fw], value: false, prefix: `${cell}from timeline[${i}] (${step.node} tls: ${step.tls}) on: ` });
    }
  }
}

/** A matrix value as a run's label names it: `mx.persona=postfix`; a config (several lines) by its index, `fw.config[1]`. */
function valueText(s: Scenario, v: { key: string; j: number }): string {
  const value = String(s.matrix![v.key][v.j]);
  return /[\r\n]/.test(value) || value.length > 60 ? `${v.key}[${v.j}]` : `${v.key}=${value}`;
}

/** The nodes of one run of the matrix; undefined when a value is not one the node takes (an error elsewhere). */
function withCell(s: Scenario, cell: { key: string; j: number }[]): Record<string, NodeSpec> | undefined {
  const nodes = { ...s.nodes };
  for (const { key, j } of cell) {
    const [name, field] = key.split('.');
    const parsed = nodeSchema.safeParse({ ...nodes[name], [field]: s.matrix![key][j] });
    if (!parsed.success) return undefined;
    const n = parsed.data as NodeSpec & { config?: string; 'config-file'?: string };
    // a matrix value replaces the node's config source: config and config-file are one setting
    if (field === 'config') delete n['config-file'];
    if (field === 'config-file') delete n.config;
    nodes[name] = n;
  }
  return nodes;
}

/** Every firewall of a path on which a client is offered CHUNKING and then has its BDAT masked. */
function traps(nodes: Record<string, NodeSpec>, c: DeviceCtx): Trap[] {
  const { chunking, receiverChunking } = c.checkDevice;
  const forwarded = new Set(Object.values(nodes).flatMap((n) => (n.role === 'firewall' ? [n['forwards-to']] : [])));
  const entries = Object.keys(nodes).filter((name) => {
    if (nodes[name].role !== 'firewall') return false;
    return !forwarded.has(name) || Object.values(nodes).some((n) => n.role === 'sender' && n.via === name);
  });
  const out: Trap[] = [];
  for (const entry of entries) {
    const chain: [string, FirewallNode][] = [];
    let cur: string | undefined = entry;
    while (cur !== undefined && Object.hasOwn(nodes, cur) && nodes[cur].role === 'firewall' && !chain.some(([n]) => n === cur)) {
      const fw = nodes[cur] as FirewallNode;
      chain.push([cur, fw]);
      cur = fw['forwards-to'];
    }
    const end = cur !== undefined && Object.hasOwn(nodes, cur) ? nodes[cur] : undefined;
    if (end?.role !== 'receiver' || end.tls === 'required' || !receiverChunking!(end)) continue;
    const facts = chain.map(([, fw]) => {
      const src = configSource(fw);
      const text = configText(src, c.files);
      return src && text === undefined ? undefined : chunking!(fw.device, text);
    });
    if (facts.some((f) => !f?.offers)) continue;
    chain.forEach(([fw, node], i) => {
      if (facts[i]!.masksBdat) out.push({ fw, node, receiver: cur!, facts: facts[i]! });
    });
  }
  return out;
}
