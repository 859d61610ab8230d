import type { MessageSpec } from '../../actors/sender/index.js';
import type { SessionResult } from '../../model/result.js';
import type { CellPlan, MessagePlan } from '../../model/plan.js';
import { nodeHostname } from '../../model/plan.js';
import type { SenderNode } from '../../scenario/schema.js';
import { messageSpecOf } from '../message-spec.js';
import { HarnessError, type RunContext, type StartedCell } from '../types.js';
import { collectSession, type CellNode, type SenderReport } from './collect.js';
import { execOk } from './containers.js';
import { messageIdOf, messageText } from './message-text.js';
import { mtaAdapters } from './mta/index.js';
import { deliverArgv } from './node-specs.js';
import type { StartedTopology } from './topology.js';

/** How long to wait for the far side's connection record after the sender is done. */
const SETTLE_MS = 5_000;
/** OpenSMTPD keeps its last connection open ~10 s before QUIT. */
const SETTLE_OPENSMTPD_MS = 13_000;

/** A started cell: its containers on the cell's internal networks. */
export class DockerCell implements StartedCell {
  constructor(
    private readonly plan: CellPlan,
    private readonly ctx: RunContext,
    private readonly topo: StartedTopology,
  ) {}

  async deliver(m: MessagePlan): Promise<SessionResult> {
    const senderName = m.path[0];
    const sender = this.plan.scenario.nodes[senderName] as SenderNode;
    const node = this.topo.nodes.get(senderName);
    if (!node) throw new HarnessError('E_TOPOLOGY', `message ${m.spec.id}: sender ${senderName} is not running`);
    const next = m.path[1];
    if (!this.topo.nodes.has(next)) throw new HarnessError('E_TOPOLOGY', `message ${m.spec.id}: node ${next} is not running`);
    const spec = messageSpecOf(m);
    const t0 = this.ctx.clock.now();
    const report = sender.mta === 'builtin' ? await this.deliverBuiltin(node, sender, spec, m) : await this.deliverMta(node, sender, spec);
    const settle = sender.mta === 'opensmtpd' ? SETTLE_OPENSMTPD_MS : SETTLE_MS;
    return collectSession(m, this.topo.nodes, report, t0, settle);
  }

  private async deliverBuiltin(node: CellNode, sender: SenderNode, spec: MessageSpec, m: MessagePlan): Promise<SenderReport> {
    const s = this.plan.scenario;
    const argv = deliverArgv({
      sender: { name: m.path[0], hostname: sender.hostname ?? nodeHostname(s, m.path[0]), tls: sender.tls, timeoutMs: sender.timeout, ...(sender['plaintext-fallback'] ? { plaintextFallback: sender['plaintext-fallback'] } : {}) },
      message: spec,
      target: `${this.topo.containerName(m.path[1])}:25`,
      node: m.path[1],
      servername: nodeHostname(s, m.spec.to),
      epochOrigin: this.topo.epochOrigin,
    });
    const out = await execOk(node.c, argv, `mxlab deliver ${spec.id}`);
    const line = out.trim().split('\n').reverse().find((l) => l.startsWith('{'));
    if (!line) throw new HarnessError('E_SENDER_OUTPUT', `mxlab deliver printed no result for ${spec.id}: ${out.slice(-300)}`);
    return { kind: 'builtin', result: JSON.parse(line) };
  }

  private async deliverMta(node: CellNode, sender: SenderNode, spec: MessageSpec): Promise<SenderReport> {
    const adapter = mtaAdapters[sender.mta as keyof typeof mtaAdapters];
    const hostname = sender.hostname ?? nodeHostname(this.plan.scenario, node.c.node);
    const file = `/tmp/mxlab-${spec.id}.eml`;
    await node.c.container.copyContentToContainer([{ content: messageText(spec, hostname, this.ctx.dkim), target: file }]);
    const sub = { id: spec.id, messageId: messageIdOf(spec, hostname), from: spec.from, to: spec.to };
    const from = node.c.logs.length;
    await execOk(node.c, adapter.submit(sub, file), `submitting ${spec.id} to ${sender.mta}`);
    const timeoutMs = Math.min(180_000, 6 * sender.timeout + 15_000);
    const verdict = await adapter.follow(node.c.logs, from, sub, timeoutMs, this.ctx.signal);
    if (verdict.outcome !== 'delivered' && verdict.queueId) await node.c.container.exec(adapter.drop(verdict.queueId)).catch(() => undefined);
    return { kind: 'mta', verdict, attempts: 1 };
  }

  stop(): Promise<void> {
    return this.topo.stop();
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
