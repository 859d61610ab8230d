import type { NodeVersion, SessionResult } from '../../model/result.js';
import { describeDockerNodes } from './describe.js';
import type { CellPlan, MessagePlan } from '../../model/plan.js';
import { nodeHostname, pathVia } from '../../model/plan.js';
import type { SenderNode } from '../../scenario/schema.js';
import { collectSessions, type CollectItem, type Station } from '../collect/collector.js';
import { HarnessError, type DeliverHooks, type RunContext, type StartedCell } from '../types.js';
import { CODE } from '../../errors.js';
import type { CellNode } from './cell-node.js';
import { emlMessageId } from './message-text.js';
import { submitBuiltin, submitMta, type QueuedMessage } from './submit.js';
import { recorderKey, type StartedTopology } from './topology.js';
import type { TimelineStep } from '../../scenario/schema.js';
import { DockerSteps } from './apply-step.js';
import { shiftSession } from '../shift-session.js';

/** How long to wait for the far side's connection record after the sender is done. */
const SETTLE_MS = 5_000;
/** OpenSMTPD keeps its last connection open ~10 s before QUIT. */
const SETTLE_OPENSMTPD_MS = 13_000;

/** A started cell: its containers on the cell's internal networks. */
export class DockerCell implements StartedCell {
  private readonly steps: DockerSteps;
  /** message id → a deferred message a real MTA keeps queued for its next attempt */
  private readonly queued = new Map<string, QueuedMessage>();
  /** a delivery or step failed: the containers may hold what it left (a queued message, a half-applied change) */
  private failed = false;
  private stopped?: Promise<void>;

  constructor(
    private readonly plan: CellPlan,
    private readonly ctx: RunContext,
    private readonly topo: StartedTopology,
    /** gives the stack back to the runtime: for the next cells when `reusable`, else removed */
    private readonly release: (reusable: boolean) => Promise<void>,
  ) {
    this.steps = new DockerSteps(plan, topo.nodes, ctx.certs, (receiver) => [...[...topo.recorders].filter(([key]) => key.endsWith(`>${receiver}`)).map(([, r]) => r), ...[topo.receiverRecorders.get(receiver)].filter((r) => r !== undefined)]);
  }

  /** What ran as each node, read from the running containers (versions, image tags and ids). */
  describe(): Promise<Record<string, NodeVersion>> {
    return describeDockerNodes(this.plan, this.topo);
  }

  apply(step: TimelineStep): Promise<void> {
    return this.steps.apply(step).catch((err: unknown) => {
      this.failed = true;
      throw err;
    });
  }

  /**
   * Every sender gets all of its messages at once. The builtin sender reports each message as it
   * finishes, and its session is collected then (progress in a long cell); a real MTA's sessions
   * are collected together once its log has settled every message.
   */
  async deliver(messages: MessagePlan[], hooks: DeliverHooks = {}): Promise<SessionResult[]> {
    const bySender = new Map<string, MessagePlan[]>();
    for (const m of messages) bySender.set(m.path[0], [...(bySender.get(m.path[0]) ?? []), m]);
    const sessions = new Map<string, SessionResult>();
    // the containers keep real time; the scenario clock may have jumped over idle time before these attempts
    const skipped = (this.ctx.clock as { skippedMs?: number }).skippedMs ?? 0;
    const results = await Promise.allSettled(
      [...bySender].map(([name, ms]) =>
        this.deliverFrom(name, ms, (x) => {
          const s = shiftSession(x, skipped);
          sessions.set(s.message, s);
          hooks.onSession?.(s);
        }),
      ),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) {
      this.failed = true;
      throw failed.reason;
    }
    return messages.map((m) => sessions.get(m.spec.id)!);
  }

  private async deliverFrom(senderName: string, ms: MessagePlan[], onSession: (s: SessionResult) => void): Promise<void> {
    const sender = this.plan.scenario.nodes[senderName] as SenderNode;
    const node = this.topo.nodes.get(senderName);
    if (!node) throw new HarnessError(CODE.TOPOLOGY, `message ${ms[0].spec.id}: sender ${senderName} is not running`);
    for (const m of ms) if (m.path.length > 1 && !this.topo.nodes.has(m.path[1])) throw new HarnessError(CODE.TOPOLOGY, `message ${m.spec.id}: node ${m.path[1]} is not running`);
    const settleMs = sender.mta === 'opensmtpd' ? SETTLE_OPENSMTPD_MS : SETTLE_MS;
    if (node.kind !== 'builtin-sender' && node.kind !== 'mta-sender') throw new HarnessError(CODE.TOPOLOGY, `node ${senderName} is not a sender`);
    const hostname = sender.hostname ?? nodeHostname(this.plan.scenario, senderName);
    const env = { plan: this.plan, ctx: this.ctx, topo: this.topo, queued: this.queued };
    if (sender.mta === 'builtin') {
      // the builtin sender knows its port: each session is found on its own (with the lab DNS, on the path
      // it took), as soon as its message is done
      const collecting: Promise<void>[] = [];
      try {
        await submitBuiltin(env, node, sender, hostname, ms, (id, result) => {
          const m = ms.find((x) => x.spec.id === id)!;
          const routed = { ...m, path: pathVia(m, result.nextHop ?? '') };
          collecting.push(collectSessions([{ m: routed, report: { kind: 'builtin', result }, stations: this.stations(routed), settleMs }]).then(([s]) => onSession(s)));
        });
      } finally {
        await Promise.allSettled(collecting);
      }
      await Promise.all(collecting);
      return;
    }
    if (node.kind !== 'mta-sender') throw new HarnessError(CODE.TOPOLOGY, `node ${senderName} is not a real MTA sender`);
    const reports = await submitMta(env, node, sender, hostname, ms);
    // a message not delivered leaves state in the MTA (a host marked down, a retry time, an envelope still in
    // flight, as OpenSMTPD's after `smtpctl remove all`): its stack is not passed on
    if ([...reports.values()].some((r) => r.outcome !== 'delivered')) node.c.unclean = true;
    const items: CollectItem[] = ms.map((m) => {
      const report = reports.get(m.spec.id)!;
      // routed by the lab DNS: the path through the node its last connection went to
      const reached = report.relayAddress ? this.topo.dns?.nodeAt[report.relayAddress] : undefined;
      const routed = m.routes ? { ...m, path: pathVia(m, reached ?? m.path[1] ?? '') } : m;
      return { m: routed, report: { kind: 'mta', report }, stations: this.stations(routed), settleMs };
    });
    for (const s of await collectSessions(items)) onSession(s);
  }

  /** The nodes after the sender on a message's path, as the collector reads them. */
  private stations(m: MessagePlan): Station[] {
    // a recording hop (between two real MTAs, or any sender and receiver when the wire is recorded; with
    // the lab DNS in front of the receiver) records the hop into the receiver
    const rec = m.path.length === 2 ? (this.topo.recorders.get(recorderKey(m.path[0], m.path[1])) ?? this.topo.receiverRecorders.get(m.path[1])) : undefined;
    const relay: Station[] = rec ? [{ kind: 'hop', node: m.path[1], records: rec.records, firewall: false }] : [];
    return [...relay, ...m.path.slice(1).map((name): Station => {
      const n: CellNode | undefined = this.topo.nodes.get(name);
      if (!n) throw new HarnessError(CODE.TOPOLOGY, `message ${m.spec.id}: node ${name} is not running`);
      if (n.kind === 'firewall') return { kind: 'hop', node: name, records: n.records, firewall: true };
      if (n.kind === 'receiver') return { kind: 'receiver', node: name, records: n.records };
      if (n.kind === 'mta-receiver') return { kind: 'mta-receiver', node: name, receipt: async (id, waitMs) => n.mailbox.receipt(id, waitMs, await emlMessageId(m.eml)) };
      throw new HarnessError(CODE.TOPOLOGY, `message ${m.spec.id}: node ${name} (${n.kind}) cannot be on a path`);
    })];
  }

  /** Idempotent: the first call gives the stack back (reusable unless something failed, the run was interrupted or the cell used the lab DNS). */
  stop(): Promise<void> {
    // a lab DNS cell's resolver holds this cell's zones: its stack is not passed on
    this.stopped ??= this.release(!this.failed && !this.ctx.signal?.aborted && !this.topo.dns);
    return this.stopped;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
