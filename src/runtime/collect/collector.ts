import type { DeliveryResult } from '../../actors/sender/index.js';
import type { DnsQuery, FirewallEvent, Hop, Outcome, Reason, ServerView, SessionResult, TranscriptEntry, WireCapture, WireConnection } from '../../model/result.js';
import type { MessagePlan } from '../../model/plan.js';
import { clientViewFromHop, greetingOf } from './client-view.js';
import type { RecordStore } from './record-store.js';
import type { HopRecord, MtaReceipt, ReceiverRecord } from './records.js';
import { carries, greetingName, messagesIn, span, transactionOf } from './transactions.js';

/**
 * One collector for both runtimes: a session is assembled from the sender's report and the
 * records of the nodes on the message's path, found by port where the sender knows its port (the
 * builtin sender), else by the message's own header in a transcript or a real receiver's log,
 * and — for a connection that never carried the message's header (e.g. deferred before MAIL) —
 * by time among the sender's connections that no message claimed.
 */

/** A node on a message's path after the sender, as the collector reads it. */
export type Station =
  | { kind: 'hop'; node: string; records: RecordStore<HopRecord>; firewall: boolean }
  | { kind: 'receiver'; node: string; records: RecordStore<ReceiverRecord> }
  | { kind: 'mta-receiver'; node: string; receipt(id: string, waitMs: number): Promise<MtaReceipt | undefined> };

/** What a real MTA's own log says about one message. */
export interface MtaReport {
  outcome: Outcome;
  reason: Reason;
  tls: boolean;
  detail?: string;
  log: string[];
  attempts: number;
  /** the EHLO name it uses: picks its connections at a hop */
  hostname: string;
  /** run-clock ms when its final log line arrived */
  at: number;
  /** the DNS queries it made for the message, as the lab resolver logged them */
  dns?: DnsQuery[];
  /** the local port of the connection that carried it, when its log says (Exim) */
  localPort?: number;
  /** the greeting it sent and why, when its log says (Postfix's PIX workaround) */
  greeting?: { verb: 'EHLO' | 'HELO'; why: string };
  /** the address its last connection for the message went to (with the lab DNS: which path it took) */
  relayAddress?: string;
  /** run-clock ms this attempt began, for a later attempt of a queued message: records older than it belong to earlier attempts */
  since?: number;
}

export type SenderReport = { kind: 'builtin'; result: DeliveryResult } | { kind: 'mta'; report: MtaReport };

export interface CollectItem {
  m: MessagePlan;
  report: SenderReport;
  /**
   * the stations after the sender, in path order; a recording hop the runtime put between two
   * real MTAs is a `hop` station with `firewall: false` and the same node as the one after it
   */
  stations: Station[];
  /** how long to wait for a record that is not there yet */
  settleMs: number;
}

type Found = HopRecord | ReceiverRecord | MtaReceipt | undefined;

const inPort = (s: Station, r: Found): number | undefined =>
  !r ? undefined : s.kind === 'hop' ? (r as HopRecord).clientPort : s.kind === 'receiver' ? (r as ReceiverRecord).remotePort : (r as MtaReceipt).remotePort;

/** Assembles the sessions of a batch of messages (one cell's), in the order given. */
export async function collectSessions(items: CollectItem[]): Promise<SessionResult[]> {
  const found = await Promise.all(items.map((it) => anchorAndWalk(it)));
  // connections that carried no message header: attributed by time, each at most once
  const claimed = new Set<HopRecord | ReceiverRecord>();
  for (const f of found) for (const r of f ?? []) if (r && 'id' in r && messagesIn(entriesIn(r)).length) claimed.add(r);
  const pending = items.map((it, i) => ({ it, i })).filter(({ i }) => !found[i]);
  pending.sort((a, b) => at(a.it) - at(b.it));
  for (const { it, i } of pending) found[i] = await fallback(it, claimed);
  return items.map((it, i) => assemble(it, found[i] ?? it.stations.map(() => undefined)));
}

const at = (it: CollectItem) => (it.report.kind === 'mta' ? it.report.report.at : 0);
const entriesIn = (r: HopRecord | ReceiverRecord): TranscriptEntry[] => ('clientHop' in r ? r.clientHop : r.transcript);
/** a record of this attempt, not of an earlier attempt of the same queued message */
const fresh = (it: CollectItem, r: HopRecord | ReceiverRecord): boolean => {
  const since = it.report.kind === 'mta' ? it.report.report.since : undefined;
  return since === undefined || span(entriesIn(r)).start >= since - 5;
};

/** Finds one record of the path that belongs to the message for sure, then the others by port. */
async function anchorAndWalk(it: CollectItem): Promise<Found[] | undefined> {
  const { stations, settleMs, m } = it;
  const found: Found[] = stations.map(() => undefined);
  if (!stations.length) return found;
  const id = m.spec.id;
  const port = it.report.kind === 'builtin' ? it.report.result.localPort : it.report.report.localPort;
  if (port !== undefined && stations[0].kind !== 'mta-receiver') {
    found[0] = await byInPort(stations[0], port, id, settleMs);
    if (found[0]) {
      await forward(it, found, 0);
      return found;
    }
  }
  if (it.report.kind === 'builtin') {
    const first = stations[0];
    if (first.kind === 'mta-receiver') found[0] = await first.receipt(id, it.report.result.outcome === 'delivered' ? settleMs : 0);
    return found;
  }
  const delivered = it.report.report.outcome === 'delivered';
  const last = stations.length - 1;
  const end = stations[last];
  if (end.kind === 'receiver') found[last] = await end.records.wait((r) => carries(r.transcript, id) && fresh(it, r), delivered ? settleMs : 0);
  else if (end.kind === 'mta-receiver') found[last] = await end.receipt(id, delivered ? settleMs : 0);
  if (found[last] && (inPort(end, found[last]) !== undefined || last === 0)) {
    await backward(it, found, last);
    return found;
  }
  // a hop that saw the message's header (a receiver that logs no port, or none reached)
  for (let j = last; j >= 0; j--) {
    const s = stations[j];
    if (s.kind !== 'hop') continue;
    const carried = (x: HopRecord) => (carries(x.clientHop, id) || carries(x.serverHop, id)) && fresh(it, x);
    const r = found[last] ? await s.records.wait(carried, settleMs) : s.records.records.find(carried);
    if (!r) continue;
    found[j] = r;
    await backward(it, found, j);
    await forward(it, found, j);
    return found;
  }
  if (found[last]) return found;
  return undefined;
}

async function byInPort(s: Station, port: number, id: string, settleMs: number): Promise<Found> {
  if (s.kind === 'hop') return s.records.wait((r) => r.clientPort === port, settleMs);
  if (s.kind === 'receiver') return s.records.wait((r) => r.remotePort === port, settleMs);
  return s.receipt(id, settleMs);
}

async function forward(it: CollectItem, found: Found[], from: number): Promise<void> {
  for (let j = from + 1; j < it.stations.length; j++) {
    const prev = found[j - 1] as HopRecord | undefined;
    const port = prev?.upstreamLocalPort;
    if (port === undefined) return;
    found[j] = await byInPort(it.stations[j], port, it.m.spec.id, it.settleMs);
    if (!found[j]) return;
  }
}

async function backward(it: CollectItem, found: Found[], from: number): Promise<void> {
  for (let j = from; j > 0; j--) {
    const port = inPort(it.stations[j], found[j]);
    const s = it.stations[j - 1];
    if (port === undefined || s.kind !== 'hop') return;
    found[j - 1] = await s.records.wait((r) => r.upstreamLocalPort === port, it.settleMs);
    if (!found[j - 1]) return;
  }
}

/**
 * A message no transcript names (e.g. deferred at EHLO): the first station's connection from this
 * sender (by its EHLO name) that carried no message and no other message took, closest in time to
 * the sender's final log line; then the rest of the path by port.
 */
async function fallback(it: CollectItem, claimed: Set<HopRecord | ReceiverRecord>): Promise<Found[]> {
  const found: Found[] = it.stations.map(() => undefined);
  const first = it.stations[0];
  if (!first || first.kind === 'mta-receiver' || it.report.kind !== 'mta') return found;
  const { hostname, at: t } = it.report.report;
  const fits = (r: HopRecord | ReceiverRecord) => {
    const e = entriesIn(r);
    return !claimed.has(r) && fresh(it, r) && !messagesIn(e).length && (greetingName(e) ?? hostname) === hostname.toLowerCase();
  };
  const store = first.records as RecordStore<HopRecord | ReceiverRecord>;
  const mine = (r: HopRecord | ReceiverRecord) => carries(entriesIn(r), it.m.spec.id) && fresh(it, r);
  const list = store.records.filter(fits);
  let pick: HopRecord | ReceiverRecord | undefined =
    store.records.find(mine) ?? list.sort((a, b) => Math.abs(span(entriesIn(a)).end - t) - Math.abs(span(entriesIn(b)).end - t))[0];
  pick ??= await store.wait((r) => mine(r) || fits(r), it.settleMs);
  if (!pick) return found;
  claimed.add(pick);
  found[0] = pick;
  await forward(it, found, 0);
  return found;
}

/** The session: hops by edge of the path, the views, the events and logs. */
function assemble(it: CollectItem, found: Found[]): SessionResult {
  const { m, stations, report } = it;
  const id = m.spec.id;
  const hops: Hop[] = [];
  const events: FirewallEvent[] = [];
  const extraLog: string[] = [];
  let serverView: ServerView = { commands: [], tls: false, accepted: false };
  let edge: TranscriptEntry[] | undefined = report.kind === 'builtin' ? report.result.transcript : undefined;
  let from = m.path[0];
  // the raw bytes of the edge being walked: the previous proxy's upstream side, else the next proxy's client side
  const wire: WireCapture[] = [];
  let edgeWire: WireConnection | undefined;
  const keylog = new Set(report.kind === 'builtin' ? (report.result.keylog ?? []) : []);
  const pushHop = (to: string) => {
    if (edgeWire) wire.push({ hop: hops.length, ...edgeWire });
    hops.push({ from, to, entries: edge ?? [] });
  };
  for (let j = 0; j < stations.length; j++) {
    const s = stations[j];
    const r = found[j];
    const recording = s.kind === 'hop' && !s.firewall;
    if (s.kind === 'hop') {
      const h = r as HopRecord | undefined;
      edge ??= h ? transactionOf(h.clientHop, id) : undefined;
      edgeWire ??= h?.clientWire;
      if (!recording) {
        pushHop(s.node);
        from = s.node;
        if (h) events.push(...h.events.map((e) => ({ ...e, node: s.node })));
      }
      edge = h ? transactionOf(h.serverHop, id) : undefined;
      edgeWire = h?.serverWire;
      continue;
    }
    if (s.kind === 'receiver') {
      const rec = r as ReceiverRecord | undefined;
      if (rec) {
        edge = transactionOf(rec.transcript, id);
        serverView = viewOf(rec.view, id);
        for (const k of rec.keylog ?? []) keylog.add(k);
      }
    } else {
      const receipt = r as MtaReceipt | undefined;
      if (receipt) {
        serverView = { ...receipt.view, commands: commandsOf(edge ?? []) };
        extraLog.push(...receipt.log.map((l) => `${s.node}: ${l}`));
      }
    }
    pushHop(s.node);
    break;
  }
  const captured = wire.length || keylog.size ? { wire, keylog: [...keylog] } : {};
  const base = { message: id, from: m.spec.from, to: m.spec.to, serverView, hops, firewall: { events }, ...captured };
  if (report.kind === 'builtin') {
    const r = report.result;
    const greeting = r.helo ? { verb: 'HELO' as const, why: `EHLO refused: ${r.helo.ehloReply.join(' ')}` } : greetingOf(r.transcript);
    const clientView = greeting ? { ...r.clientView, greeting } : r.clientView;
    return { ...base, outcome: r.outcome, reason: r.reason, tls: r.tls, ...(r.detail !== undefined ? { detail: r.detail } : {}), attempts: 1, clientView, ...(r.sent ? { sent: r.sent } : {}), log: [...r.log, ...extraLog], ...(r.dns ? { dns: r.dns } : {}) };
  }
  const v = report.report;
  return {
    ...base,
    outcome: v.outcome,
    reason: v.reason,
    tls: v.tls,
    ...(v.detail !== undefined ? { detail: v.detail } : {}),
    attempts: v.attempts,
    clientView: withGreeting(clientViewFromHop(hops[0]?.entries ?? []), hops[0]?.entries ?? [], v.greeting?.why),
    log: [...v.log, ...extraLog],
    ...(v.dns ? { dns: v.dns } : {}),
  };
}

/** A receiver's view for one message: on a connection that carried several, that message's size and hash. */
function viewOf(view: ServerView, id: string): ServerView {
  const { messages, ...rest } = view;
  const mine = messages?.find((x) => x.id === id);
  return mine ? { ...rest, size: mine.size, sha256: mine.sha256 } : rest;
}

/** The commands a real receiver got, from the transcript of the hop into it (its plaintext part, message content left out). */
function commandsOf(entries: TranscriptEntry[]): string[] {
  const out: string[] = [];
  let content = false;
  for (const e of entries) {
    if (e.dir === 's2c') {
      if (e.text.startsWith('354')) content = true;
      continue;
    }
    if (content) {
      if (e.text === '.') content = false;
      continue;
    }
    if (!e.text.startsWith('<')) out.push(e.text);
  }
  return out;
}

/** The greeting the sender sent (from the transcript) and why, when its own log says. */
function withGreeting(view: ReturnType<typeof clientViewFromHop>, entries: TranscriptEntry[], why: string | undefined) {
  const g = greetingOf(entries);
  return g ? { ...view, greeting: { ...g, ...(why && g.verb === 'HELO' ? { why } : {}) } } : view;
}
