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
 * config, forwards-to; persona, mta, tls, config); each firewall's config is warned about once.
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
  for (const cell of cells) {
    const nodes = withCell(s, cell);
    if (!nodes) continue;
    for (const t of traps(nodes, c)) {
      const own = cell.find((v) => v.key.startsWith(`${t.fw}.`) && v.key !== `${t.fw}.forwards-to`);
      const src = configSource(t.node);
      const key = `${t.fw}\n${t.node.device ?? ''}\n${configText(src, c.files) ?? ''}`;
      if (said.has(key) || said.has(t.fw) && !own) continue;
      said.add(key);
      said.add(t.fw);
      const r = nodes[t.receiver] as ReceiverNode;
      const by = r.mta === 'builtin' ? `persona ${r.persona}` : `mta ${r.mta}`;
      const others = cell.filter((v) => v !== own).map((v) => `${v.key}=${String(s.matrix![v.key][v.j])}`);
      const map = t.facts.map;
      const what = map ? `its policy-map type inspect esmtp ${map.name}` : `${t.node.device ?? 'the device'}`;
      const issue: DeviceIssue = {
        line: map?.line ?? 0,
        col: 1,
        on: 'config',
        warning: true,
        message: `${others.length ? `with ${others.join(' ')}: ` : ''}firewall ${t.fw} lets "250 CHUNKING" of ${t.receiver} (${by}) reach the client through ${what}, but masks a clear-text BDAT (CHUNKING is not among the commands ESMTP inspection supports): a client that uses CHUNKING once offered (Exim, Exchange) fails`,
        hint: map ? `add "match ehlo-reply-parameter others" with "mask" under policy-map type inspect esmtp ${map.name} (${DOC})` : `hide CHUNKING from clients (${DOC})`,
      };
      if (own) deviceDiagnostics(c, ['matrix', own.key, own.j], t.node.device, src, 'value', new Set(), [issue]);
      else deviceDiagnostics(c, ['nodes', t.fw], t.node.device, src, 'node', new Set(), [issue]);
    }
  }
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
