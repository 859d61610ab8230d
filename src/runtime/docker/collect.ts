import type { DeliveryResult } from '../../actors/sender/index.js';
import type { FirewallEvent, Hop, ServerView, SessionResult, TranscriptEntry } from '../../model/result.js';
import type { MessagePlan } from '../../model/plan.js';
import { clientViewFromHop } from './client-view.js';
import type { NodeContainer } from './containers.js';
import type { MtaVerdict } from './mta/index.js';
import { records, waitRecord, type FirewallRecord, type ReceiverRecord } from './node-records.js';
import { postfixReceiverView, waitPostfixReceived } from './postfix-receiver.js';

/** A running node of a cell, with how it reports. */
export interface CellNode {
  kind: 'firewall' | 'receiver' | 'postfix-receiver' | 'builtin-sender' | 'mta-sender';
  c: NodeContainer;
}

/** What the sender reported: the builtin sender's DeliveryResult, or a real MTA's verdict. */
export type SenderReport = { kind: 'builtin'; result: DeliveryResult } | { kind: 'mta'; verdict: MtaVerdict; attempts: number };

const start = (r: FirewallRecord | ReceiverRecord): number =>
  ('clientHop' in r ? r.clientHop[0]?.t : r.transcript[0]?.t) ?? Number.POSITIVE_INFINITY;
const hasHeader = (r: ReceiverRecord, id: string) => (r.view.headers ?? []).some((h) => h.replace(/\s+/g, ' ').trim() === `X-Mxlab-Message: ${id}`);

/**
 * Follows one message through the cell's nodes (by port for the builtin sender; by the
 * X-Mxlab-Message header or the time of submission for real MTAs) and assembles the session.
 */
export async function collectSession(
  m: MessagePlan,
  nodes: Map<string, CellNode>,
  report: SenderReport,
  t0: number,
  settleMs: number,
): Promise<SessionResult> {
  const hops: Hop[] = [];
  const events: FirewallEvent[] = [];
  let port = report.kind === 'builtin' ? report.result.localPort : undefined;
  let serverView: ServerView = { commands: [], tls: false, accepted: false };
  let firstHop: TranscriptEntry[] | undefined = report.kind === 'builtin' ? report.result.transcript : undefined;
  let lastEntries: TranscriptEntry[] = [];
  const extraLog: string[] = [];

  for (let i = 1; i < m.path.length; i++) {
    const node = nodes.get(m.path[i]);
    if (!node) break;
    const first = i === 1 && report.kind === 'mta';
    if (!first && port === undefined) break;
    if (node.kind === 'firewall') {
      const rec = await waitRecord<FirewallRecord>(node.c.logs, (r) => (first ? start(r) >= t0 - 5 : r.clientPort === port), settleMs);
      const chosen = first ? latestAfter(records<FirewallRecord>(node.c.logs).filter((r) => 'clientHop' in r), t0) ?? rec : rec;
      if (!chosen) break;
      if (i === 1) firstHop ??= chosen.clientHop;
      events.push(...chosen.events.map((e) => ({ ...e, node: m.path[i] })));
      lastEntries = chosen.serverHop;
      hops.push({ from: m.path[i], to: m.path[i + 1] ?? '?', entries: chosen.serverHop });
      port = chosen.upstreamLocalPort;
      if (port === undefined) break;
    } else if (node.kind === 'receiver') {
      const rec = await waitRecord<ReceiverRecord>(
        node.c.logs,
        (r) => (first ? hasHeader(r, m.spec.id) || start(r) >= t0 - 5 : r.remotePort === port),
        settleMs,
      );
      const chosen = first ? records<ReceiverRecord>(node.c.logs).find((r) => hasHeader(r, m.spec.id)) ?? rec : rec;
      if (!chosen) break;
      if (i === 1) firstHop ??= chosen.transcript;
      serverView = chosen.view;
      if (hops.length) hops[hops.length - 1].entries = chosen.transcript;
      break;
    } else if (node.kind === 'postfix-receiver') {
      const delivered = (report.kind === 'builtin' ? report.result.outcome : report.verdict.outcome) === 'delivered';
      if (delivered) await waitPostfixReceived(node.c.logs, m.spec.id, settleMs);
      const found = postfixReceiverView(node.c.logs, m.spec.id);
      if (found) {
        serverView = { ...found.view, commands: commandsOf(lastEntries.length ? lastEntries : firstHop ?? []) };
        extraLog.push(...found.log.map((l) => `${m.path[i]}: ${l}`));
      }
      break;
    }
  }
  hops.unshift({ from: m.path[0], to: m.path[1], entries: firstHop ?? [] });
  if (hops.length > m.path.length - 1) hops.length = m.path.length - 1;

  const base = { message: m.spec.id, from: m.spec.from, to: m.spec.to, serverView, hops, firewall: { events } };
  if (report.kind === 'builtin') {
    const r = report.result;
    return { ...base, outcome: r.outcome, reason: r.reason, tls: r.tls, detail: r.detail, attempts: 1, clientView: r.clientView, log: [...r.log, ...extraLog] };
  }
  const v = report.verdict;
  return {
    ...base,
    outcome: v.outcome,
    reason: v.reason,
    tls: v.tls,
    ...(v.detail !== undefined ? { detail: v.detail } : {}),
    attempts: report.attempts,
    clientView: clientViewFromHop(firstHop ?? []),
    log: [...v.log, ...extraLog],
  };
}

function latestAfter(rs: FirewallRecord[], t0: number): FirewallRecord | undefined {
  return rs.filter((r) => start(r) >= t0 - 5).pop();
}

/** The commands a receiver got, from the transcript of the hop into it (plaintext part). */
function commandsOf(entries: TranscriptEntry[]): string[] {
  return entries.filter((e) => e.dir === 'c2s' && !e.text.startsWith('<')).map((e) => e.text);
}
