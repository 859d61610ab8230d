import { didYouMean, describeValue, oneOf, type Diagnostic } from './diagnostics.js';
import { configSource, configText, deviceDiagnostics, type ConfigFiles, type DeviceChecker } from './firewall-config.js';
import { checkMessages, type MessageFiles } from './message-files.js';
import type { PositionIndex } from './positions.js';
import { checkTimeline } from './timeline-check.js';
import { checkDnsReferences } from './dns-references.js';
import { isMailbox, nodeSchema, type NodeSpec, type Scenario } from './schema.js';
import { checkMtaNodes } from './mta-checks.js';
import { checkOffers } from './offer-check.js';
import { checkDeviceCombinations, combinedFirewalls } from './matrix-devices.js';
import { forwardingLoops, loopText, MAX_RUNS, runCount } from './topology.js';

export type { DeviceChecker } from './firewall-config.js';

type Role = NodeSpec['role'];

/**
 * Cross-reference checks that a schema cannot express: every name points at a node of the right role;
 * devices and configs (with `checkDevice`; `config-file:` texts from `files`). Warnings come back
 * with `severity: 'warning'`.
 */
export function checkReferences(file: string, s: Scenario, pos: PositionIndex, source: string, checkDevice?: DeviceChecker, files?: ConfigFiles, messageFiles?: MessageFiles): Diagnostic[] {
  const out: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const dev = checkDevice ? { file, pos, source, files, checkDevice, errors: out, warnings } : undefined;
  const names = Object.keys(s.nodes);
  const ofRole = (...roles: Role[]) => names.filter((n) => roles.includes(s.nodes[n].role));
  const diag = (path: PropertyKey[], message: string, hint?: string, key = false) =>
    out.push({ file, ...pos.at(path, { key }), path: path.map(String).join('.').replace(/\.(\d+)(?=\.|$)/g, '[$1]'), message, hint });

  const ref = (path: PropertyKey[], name: string | undefined, roles: Role[], what: string) => {
    if (name === undefined) return;
    const node = s.nodes[name];
    const candidates = ofRole(...roles);
    if (!node) diag(path, `expected ${what} (${candidates.length ? oneOf(candidates) : `no ${roles.join('/')} node is defined`}), got "${name}"`, didYouMean(name, candidates) ?? (candidates.length ? undefined : `define a node with role: ${roles[0]}`));
    else if (!roles.includes(node.role)) diag(path, `expected ${what}, got "${name}" which has role ${node.role}`, candidates.length ? `use ${oneOf(candidates)}` : undefined);
  };

  for (const [name, node] of Object.entries(s.nodes)) {
    if (node.role === 'sender' && node.mta !== 'builtin' && node['plaintext-fallback'] !== undefined) {
      diag(['nodes', name, 'plaintext-fallback'], `expected no plaintext-fallback on mta: ${node.mta}, got "${node['plaintext-fallback']}"`, `a real MTA falls back to plaintext by its own rules (docs/tls-faults.md); plaintext-fallback models them for mta: builtin`, true);
    }
    if (node.role === 'receiver' && node.mta !== 'builtin' && (node['tls-fault'] === 'handshake-abort' || node['tls-fault'] === 'tls1.0-only')) {
      diag(['nodes', name, 'tls-fault'], `expected a certificate fault on mta: ${node.mta} (expired, not-yet-valid, wrong-name, unknown-ca, self-signed), got "${node['tls-fault']}"`, 'a real MTA takes certificate faults through its certificate files; use a persona receiver (mta: builtin) for handshake faults');
    }
    if (node.role === 'sender') ref(['nodes', name, 'via'], node.via, ['firewall'], 'a firewall node');
    if (node.role === 'firewall') {
      ref(['nodes', name, 'forwards-to'], node['forwards-to'], ['receiver', 'firewall'], 'a receiver or firewall node');
      if (node['forwards-to'] === name) diag(['nodes', name, 'forwards-to'], `expected another node, got "${name}" itself`);
      if (node.config !== undefined && node['config-file'] !== undefined) diag(['nodes', name, 'config-file'], 'expected config: or config-file:, got both', 'keep one: config-file: for a pasted show running-config, config: for a few lines', true);
      else if (dev) deviceDiagnostics(dev, ['nodes', name], node.device, configSource(node));
    }
  }

  checkMtaNodes(s, diag);

  for (const loop of forwardingLoops(s.nodes)) {
    if (loop.length > 1) diag(['nodes', loop[0], 'forwards-to'], `expected forwards-to to lead to a receiver, got a forwarding loop ${loopText(loop)}`, `point one of ${loop.join(', ')} at a receiver`);
  }

  checkMessages(file, s, pos, messageFiles, out);
  const ids = new Map<string, number>();
  s.messages.forEach((m, i) => {
    if (ids.has(m.id)) diag(['messages', i, 'id'], `expected a unique message id, got "${m.id}" again (first at messages[${ids.get(m.id)}])`);
    else ids.set(m.id, i);
    ref(['messages', i, 'from'], m.from, ['sender'], 'a sender node');
    if (isMailbox(m.to)) return; // routed by the lab DNS: wherever the domain's MX records lead
    ref(['messages', i, 'to'], m.to, ['receiver'], 'a receiver node, or an address user@domain');
    const sender = s.nodes[m.from];
    if (sender?.role === 'sender' && s.nodes[m.to]?.role === 'receiver') {
      const end = pathEnd(s, m.from);
      if (end && end !== m.to) diag(['messages', i, 'to'], `expected the receiver that ${m.from} reaches ("${end}"), got "${m.to}"`, `${m.from} goes via ${sender.via} which forwards to ${end}`);
    }
  });

  checkDnsReferences(s, diag, ref);

  const matrixKeys = Object.keys(s.matrix ?? {});
  const before = out.length;
  const combined = combinedFirewalls(s);
  for (const key of matrixKeys) checkMatrixKey(s, key, combined.has(key.split('.')[0]) ? undefined : dev, diag, ref);
  if (dev) for (const [fw, keys] of combined) checkDeviceCombinations(s, dev, fw, keys);
  const runs = runCount(s.matrix);
  if (runs > MAX_RUNS) diag(['matrix'], `expected a matrix of at most ${MAX_RUNS} runs, got ${runs.toLocaleString('en-US')} (${matrixKeys.map((k) => s.matrix![k].length).join(' × ')})`, 'split it into several scenario files, or narrow an axis with --matrix');
  else if (out.length === before) checkCellRoutes(s, diag);

  checkTimeline(s, diag, checkDevice, (n) => configText(configSource(n), files));
  if (dev && out.length === 0) checkOffers(s, dev);

  s.expect.forEach((e, i) => {
    if (!ids.has(e.message)) diag(['expect', i, 'message'], `expected a message id (${oneOf([...ids.keys()])}), got "${e.message}"`, didYouMean(e.message, [...ids.keys()]));
    for (const [k, v] of Object.entries(e.when ?? {})) {
      if (!matrixKeys.includes(k)) {
        diag(['expect', i, 'when', k], `expected a matrix key (${matrixKeys.length ? oneOf(matrixKeys) : 'the scenario has no matrix'}), got "${k}"`, didYouMean(k, matrixKeys), true);
        continue;
      }
      const allowed = (s.matrix?.[k] ?? []).map(String);
      for (const val of (Array.isArray(v) ? v : [v]).map(String)) {
        if (!allowed.includes(val)) diag(['expect', i, 'when', k], `expected values of matrix ${k} (${oneOf(allowed)}), got "${val}"`, didYouMean(val, allowed));
      }
    }
  });
  return [...out, ...warnings.filter((w, i) => warnings.findIndex((x) => x.file === w.file && x.line === w.line && x.message === w.message) === i)];
}

/** The receiver a sender's path ends at, following via / forwards-to (cycle-safe). */
export function pathEnd(s: Scenario, from: string): string | undefined {
  const seen = new Set<string>();
  let cur: string | undefined = from;
  while (cur && !seen.has(cur)) {
    seen.add(cur);
    const n: NodeSpec | undefined = s.nodes[cur];
    if (!n) return undefined;
    if (n.role === 'receiver') return cur;
    cur = n.role === 'sender' ? (n.via ?? undefined) : n.role === 'firewall' ? n['forwards-to'] : undefined;
    if (cur === undefined && n.role === 'sender') return undefined;
  }
  return undefined;
}

type Diag = (path: PropertyKey[], message: string, hint?: string, key?: boolean) => void;
type Ref = (path: PropertyKey[], name: string | undefined, roles: Role[], what: string) => void;

/** A matrix over forwards-to or via rewires the nodes: every run must still end at its messages' receivers, without a loop. */
function checkCellRoutes(s: Scenario, diag: Diag): void {
  const routing = Object.keys(s.matrix ?? {}).filter((k) => /\.(forwards-to|via)$/.test(k));
  if (!routing.length) return;
  const seen = new Set<string>();
  let cells: Record<string, unknown>[] = [{}];
  for (const key of routing) cells = cells.flatMap((c) => (s.matrix?.[key] ?? []).map((v) => ({ ...c, [key]: v })));
  for (const cell of cells) {
    const nodes = { ...s.nodes };
    for (const [key, value] of Object.entries(cell)) {
      const [name, field] = key.split('.');
      nodes[name] = { ...nodes[name], [field]: value } as NodeSpec;
    }
    const label = Object.entries(cell).map(([k, v]) => `${k}=${String(v)}`).join(' ');
    for (const loop of forwardingLoops(nodes)) {
      const text = loopText(loop);
      if (seen.has(text)) continue;
      seen.add(text);
      const key = routing.find((k) => loop.includes(k.split('.')[0])) ?? routing[0];
      diag(['matrix', key], `with ${label}: expected forwards-to to lead to a receiver, got a forwarding loop ${text}`, 'take the looping value out of the matrix', true);
    }
    const rewired = { ...s, nodes };
    for (const m of s.messages) {
      if (isMailbox(m.to)) continue;
      const end = pathEnd(rewired, m.from);
      const problem = `${m.id}:${end}`;
      if (end && end !== m.to && !seen.has(problem)) {
        seen.add(problem);
        diag(['matrix', routing[0]], `with ${label}: expected message ${m.id} to reach its receiver "${m.to}", got a path to "${end}"`, 'a matrix may rewire the firewalls, not change which receiver a message reaches', true);
      }
    }
  }
}

function checkMatrixKey(s: Scenario, key: string, dev: Parameters<typeof deviceDiagnostics>[0] | undefined, diag: Diag, ref: Ref): void {
  const [nodeName, field] = key.split('.');
  const node = s.nodes[nodeName];
  if (!node) {
    diag(['matrix', key], `expected node.field with a defined node, got node "${nodeName}"`, didYouMean(nodeName, Object.keys(s.nodes)), true);
    return;
  }
  const fields = Object.keys((nodeSchema._zod.def.options.find((o) => o.shape.role.value === node.role)!).shape).filter((f) => f !== 'role');
  if (!fields.includes(field)) {
    diag(['matrix', key], `expected a field of a ${node.role} node (${oneOf(fields)}), got "${field}"`, didYouMean(field, fields), true);
    return;
  }
  (s.matrix?.[key] ?? []).forEach((value, j) => {
    const trial = nodeSchema.safeParse({ ...node, [field]: value });
    if (!trial.success) {
      const issue = trial.error.issues[0];
      const values = issue.code === 'invalid_value' ? issue.values.map(String) : [];
      diag(['matrix', key, j], `expected a valid ${key} (${values.length ? oneOf(values) : issue.message}), got ${describeValue(value)}`, typeof value === 'string' ? didYouMean(value, values) : undefined);
      return;
    }
    if (field === 'forwards-to' && typeof value === 'string') {
      ref(['matrix', key, j], value, ['receiver', 'firewall'], 'a receiver or firewall node');
      if (value === nodeName) diag(['matrix', key, j], `expected another node, got "${nodeName}" itself`);
    }
    if (field === 'via' && typeof value === 'string') ref(['matrix', key, j], value, ['firewall'], 'a firewall node');
    if (node.role === 'firewall' && dev && (field === 'device' || field === 'config' || field === 'config-file')) {
      const t = trial.data as typeof node;
      // a matrix value replaces the node's config source: config and config-file are one setting
      const src = field === 'config' ? { inline: t.config! } : field === 'config-file' ? { file: t['config-file']! } : configSource(node);
      const own = new Set<string>();
      deviceDiagnostics({ ...dev, errors: [], warnings: [] }, ['nodes', nodeName], node.device, configSource(node), 'node', own);
      deviceDiagnostics(dev, ['matrix', key, j], t.device, src, 'value', own);
    }
  });
}
