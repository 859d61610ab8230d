import type { ImageName } from '../../images/catalog.js';
import type { CellPlan } from '../../model/plan.js';
import { HarnessError, type RunContext } from '../types.js';
import type { CellNode } from './cell-node.js';
import { recordsFrom } from './records.js';
import { startNodeContainer } from './containers.js';
import { LABEL, runLabels, sweep } from './labels.js';
import { containerSpec, kindOf } from './node-specs.js';
import { runtimeClient } from './tc.js';
import { faultCertificate, type KeyPair } from '../../tls/certs.js';
import { CODE } from '../../errors.js';

export interface StartedTopology {
  nodes: Map<string, CellNode>;
  containerName(node: string): string;
  /** Date.now() at the run clock's zero: node programs share the run's timeline */
  epochOrigin: number;
  stop(): Promise<void>;
}

/**
 * One cell's stack: networks `outside` and `inside`, both internal (no route out); the firewall
 * on both, senders `via` a firewall on `outside`, everything else on `inside`. All containers
 * start in parallel (names resolve through Docker's DNS when first used). Labelled by run and cell.
 */
export async function startTopology(plan: CellPlan, ctx: RunContext, cellId: string, images: Record<ImageName, string>): Promise<StartedTopology> {
  const s = plan.scenario;
  const prefix = `mxlab-${cellId}`;
  const cellLabel = `${LABEL.cell}=${cellId}`;
  const labels = { ...runLabels(ctx.runId), [LABEL.cell]: cellId };
  const containerName = (node: string) => `${prefix}-${node}`;
  const nodes = new Map<string, CellNode>();
  const stop = async () => {
    await sweep(cellLabel).catch(() => undefined);
  };
  const epochOrigin = Date.now() - ctx.clock.now();
  try {
    const client = await runtimeClient();
    const networkIds: Record<string, string> = {};
    // after an interrupt nothing new is made: the run is being swept
    const stopIfInterrupted = () => {
      if (ctx.signal?.aborted) throw new HarnessError(CODE.INTERRUPTED, 'the run was interrupted');
    };
    for (const side of ['outside', 'inside']) {
      stopIfInterrupted();
      const name = `${prefix}-${side}`;
      const net = await client.network.create({ Name: name, Internal: true, CheckDuplicate: true, Labels: labels });
      networkIds[name] = net.id;
    }
    const networksOf = (node: string) => {
      const n = s.nodes[node];
      if (n.role === 'firewall') return { first: `${prefix}-inside`, extra: [`${prefix}-outside`] };
      if (n.role === 'sender' && n.via) return { first: `${prefix}-outside`, extra: [] };
      return { first: `${prefix}-inside`, extra: [] };
    };
    // a receiver with a certificate fault presents the certificate made for it (real MTAs through their files)
    const receiverCerts: Record<string, KeyPair> = {};
    for (const [n, node] of Object.entries(s.nodes)) if (node.role === 'receiver') receiverCerts[n] = await faultCertificate(ctx.certs, node['tls-fault']);
    const specCtx = { scenario: s, firewalls: plan.firewalls, containerName, networksOf, labels, images, certs: ctx.certs, receiverCerts, dkim: ctx.dkim, epochOrigin };
    const names = Object.keys(s.nodes);
    const specs = names.map((n) => ({ n, kind: kindOf(s.nodes[n]), spec: containerSpec(n, specCtx) }));
    const results = await Promise.allSettled(
      specs.map(async ({ n, kind, spec }) => {
        stopIfInterrupted();
        ctx.progress(`${plan.label || plan.name}: starting ${n} (${spec.image})`);
        const c = await startNodeContainer(spec, networkIds);
        if (kind === 'firewall') nodes.set(n, { kind, c, records: recordsFrom(c.logs) });
        else if (kind === 'receiver') nodes.set(n, { kind, c, records: recordsFrom(c.logs) });
        else nodes.set(n, { kind, c });
      }),
    );
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  } catch (err) {
    await stop();
    throw err;
  }
  return { nodes, containerName, epochOrigin, stop };
}
