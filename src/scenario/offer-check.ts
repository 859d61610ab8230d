import { configSource, configText, deviceDiagnostics, type DeviceCtx, type DeviceIssue, type OfferFacts } from './firewall-config.js';
import { cellText, cellsOver, keysOver, ownValue, withCell } from './matrix-cells.js';
import type { FirewallNode, NodeSpec, ReceiverNode, Scenario } from './schema.js';

const DOC = 'docs/devices.md, "A map of your own and the EHLO reply"';

/**
 * An extension a firewall can offer a client and then break: the server's EHLO `keyword` reaches the
 * client, the `verb` the client may then send is masked. One row per kind; the check below is the
 * same for every row.
 */
export interface OfferTrap {
  keyword: string;
  verb: string;
  /** does a receiver with this setting take the verb's session at all (beyond offering the keyword) */
  reaches: (r: ReceiverNode) => boolean;
  /** what the client then gets, after "…, but " */
  effect: string;
  /** the fix, for the map in force (undefined: a device without a map) */
  fix: (map: string | undefined, r: ReceiverNode) => string;
}

export const OFFER_TRAPS: readonly OfferTrap[] = [
  {
    keyword: 'CHUNKING',
    verb: 'BDAT',
    // a receiver that requires TLS refuses MAIL before STARTTLS, and inside TLS the firewall cannot see BDAT
    reaches: (r) => r.tls !== 'required',
    effect: 'masks a clear-text BDAT (CHUNKING is not among the commands ESMTP inspection supports): a client that uses CHUNKING once offered (Exim, Exchange) fails',
    fix: (map) => (map ? `add "match ehlo-reply-parameter others" with "mask" under policy-map type inspect esmtp ${map}` : 'hide CHUNKING from clients'),
  },
  {
    keyword: 'STARTTLS',
    verb: 'STARTTLS',
    reaches: () => true,
    effect: 'masks the STARTTLS command (without allow-tls it is not on the allow-list: the server gets XXXXXXXX and answers with its unknown-command reply): a client that starts TLS once offered goes on in clear text, or defers the mail when it requires TLS',
    fix: (map, r) =>
      map
        ? `add "allow-tls" under "parameters" of policy-map type inspect esmtp ${map} (STARTTLS passes; the firewall no longer inspects the encrypted session)${r.tls === 'required' ? '; the receiver requires TLS, so hiding STARTTLS would stop all mail' : ', or "match ehlo-reply-parameter others" with "mask" (STARTTLS is not offered: mail goes in clear text, inspected)'}`
        : 'let STARTTLS through, or hide it from clients',
  },
];

/** The node fields the check reads: a matrix over any other field leaves its verdict as it is. */
const FIELDS = {
  firewall: ['device', 'config', 'config-file', 'forwards-to'],
  receiver: ['persona', 'mta', 'tls', 'config'],
} as const;

interface Trap {
  kind: OfferTrap;
  fw: string;
  node: FirewallNode;
  receiver: string;
  facts: OfferFacts;
}

type At = { base: PropertyKey[]; value: boolean; prefix: string };
type Report = (t: Trap, nodes: Record<string, NodeSpec>, at: At) => void;

/**
 * A warning (the run goes on: the real device takes such a config) for a firewall that lets a
 * receiver's EHLO keyword through to the client while it masks the command that uses it (OFFER_TRAPS:
 * CHUNKING / BDAT, STARTTLS / STARTTLS) — an ASA with a map of one's own without `match
 * ehlo-reply-parameter others` / `mask` (and, for STARTTLS, without `allow-tls`). It is warned about
 * only when it can happen on a path of the scenario (sender → firewalls → receiver):
 * - the firewall masks the command and every firewall on the path lets the keyword through (one that
 *   masks or removes it hides it from the client: nothing is offered);
 * - the receiver offers the keyword before TLS, and takes such a session (the row's `reaches`).
 * The node as written is checked, then every run of the matrix over the fields above, then each state
 * of the timeline (a firewall's new device or config, a receiver's new `tls:`); each place is warned
 * about once per kind.
 */
export function checkOffers(s: Scenario, c: DeviceCtx): void {
  if (!c.checkDevice.offers || !c.checkDevice.receiverOffers) return;
  const said = new Set<string>();
  const report: Report = (t, nodes, at) => {
    // once per place: the node, a matrix value, a timeline step (the node's own once said, not again for a run)
    const key = `${t.kind.keyword}:${at.value ? JSON.stringify(at.base) : t.fw}`;
    if (said.has(key)) return;
    said.add(key);
    said.add(`${t.kind.keyword}:${t.fw}`);
    const r = nodes[t.receiver] as ReceiverNode;
    const by = r.mta === 'builtin' ? `persona ${r.persona}` : `mta ${r.mta}`;
    const map = t.facts.map;
    const what = map ? `its policy-map type inspect esmtp ${map.name}` : `${t.node.device ?? 'the device'}`;
    const issue: DeviceIssue = {
      line: map?.line ?? 0,
      col: 1,
      on: 'config',
      warning: true,
      message: `${at.prefix}firewall ${t.fw} lets "250 ${t.kind.keyword}" of ${t.receiver} (${by}) reach the client through ${what}, but ${t.kind.effect}`,
      hint: `${t.kind.fix(map?.name, r)} (${DOC})`,
    };
    deviceDiagnostics(c, at.base, t.node.device, configSource(t.node), at.value ? 'value' : 'node', new Set(), [issue]);
  };
  for (const cell of cellsOver(s, keysOver(s, FIELDS))) {
    const nodes = withCell(s, cell);
    if (!nodes) continue;
    for (const t of traps(nodes, c)) {
      const own = ownValue(cell, t.fw);
      const others = cell.filter((v) => !v.key.startsWith(`${t.fw}.`) || v.key.endsWith('.forwards-to'));
      const prefix = others.length ? `with ${cellText(s, others)}: ` : '';
      report(t, nodes, own ? { base: ['matrix', own.key, own.j], value: true, prefix } : { base: ['nodes', t.fw], value: false, prefix });
    }
    const label = cellText(s, cell);
    timelineTraps(s, nodes, c, report, label ? `with ${label}: ` : '');
  }
}

/**
 * The timeline's states in time order (from one run's nodes): a step that gives a firewall a new
 * device or config is warned about at the step; a receiver's new `tls:` at the map, from that step on.
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

/** Every firewall of a path on which a client is offered a keyword and then has its command masked, per kind. */
function traps(nodes: Record<string, NodeSpec>, c: DeviceCtx): Trap[] {
  const { offers, receiverOffers } = c.checkDevice;
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
    if (end?.role !== 'receiver') continue;
    const texts = chain.map(([, fw]) => {
      const src = configSource(fw);
      const text = configText(src, c.files);
      return { fw, text, unread: !!src && text === undefined };
    });
    for (const kind of OFFER_TRAPS) {
      if (!kind.reaches(end) || !receiverOffers!(end, kind.keyword)) continue;
      const facts = texts.map((t) => (t.unread ? undefined : offers!(t.fw.device, t.text, kind.keyword, kind.verb)));
      if (facts.some((f) => !f?.offers)) continue;
      chain.forEach(([fw, node], i) => {
        if (facts[i]!.masks) out.push({ kind, fw, node, receiver: cur!, facts: facts[i]! });
      });
    }
  }
  return out;
}
