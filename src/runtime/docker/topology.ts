import type { CellPlan } from '../../model/plan.js';
import { nodeHostname } from '../../model/plan.js';
import { faultCertificate, presentedChain, type KeyPair } from '../../tls/certs.js';
import { HarnessError, type RunContext } from '../types.js';
import { CODE } from '../../errors.js';
import type { CellNode, Recorder } from './cell-node.js';
import { execOk, startNodeContainer } from './containers.js';
import { LABEL, runLabels, sweep } from './labels.js';
import { MtaMailbox } from './mta-mailbox.js';
import { adapterOf } from './mta/index.js';
import { containerSpec, imageKey, imageNeed, kindOf, receiverFor } from './node-specs.js';
import { recordsFrom } from './records.js';
import { runtimeClient } from './tc.js';
import { usesLabDns } from '../../dns/plan.js';
import { addressesOf, loadLabDns, resolverSpec, type DockerLabDns } from './lab-dns.js';

export interface StartedTopology {
  nodes: Map<string, CellNode>;
  /** recording hops, by the hop they record (recorderKey(sender, receiver)): between two real MTAs, and every hop straight into a receiver when the wire is recorded */
  recorders: Map<string, Recorder>;
  /** with the lab DNS: recording hops in front of real MTA receivers (of every receiver when the wire is recorded), by receiver (what inside senders reach) */
  receiverRecorders: Map<string, Recorder>;
  containerName(node: string): string;
  /** Date.now() at the run clock's zero: node programs share the run's timeline */
  epochOrigin: number;
  /** the lab DNS, when the scenario uses it */
  dns?: DockerLabDns;
  /** the network a node is on first (a sender's only network) */
  networkOf(node: string): string;
  stop(): Promise<void>;
}

const READY_JSON = /"type":"ready"/;

/**
 * One cell's stack: networks `outside` and `inside`, both internal (no route out); the firewall
 * on both, senders `via` a firewall on `outside`, everything else on `inside`. All containers
 * start in parallel. A real MTA sender relays to its receiver's host name, which its /etc/hosts
 * points at the next hop; between two real MTAs the runtime puts a recording hop (`mxlab
 * proxy`, device none), so that hop has a transcript too. Labelled by run and cell.
 */
export async function startTopology(plan: CellPlan, ctx: RunContext, cellId: string, images: Record<string, string>): Promise<StartedTopology> {
  const s = plan.scenario;
  const prefix = `mxlab-${cellId}`;
  const cellLabel = `${LABEL.cell}=${cellId}`;
  const labels = { ...runLabels(ctx.runId), [LABEL.cell]: cellId };
  const containerName = (node: string) => `${prefix}-${node}`;
  const nodes = new Map<string, CellNode>();
  const recorders = new Map<string, Recorder>();
  const receiverRecorders = new Map<string, Recorder>();
  const stop = async () => {
    await sweep(cellLabel).catch(() => undefined);
  };
  const epochOrigin = Date.now() - ctx.clock.now();
  let dns: DockerLabDns | undefined;
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
    // the lab resolver starts first: the real MTAs start with its address in their resolv.conf
    const inside = `${prefix}-inside`;
    const outside = `${prefix}-outside`;
    let resolver: { c: Awaited<ReturnType<typeof startNodeContainer>>; at: Record<string, string> } | undefined;
    if (usesLabDns(s)) {
      ctx.progress(`${plan.label || plan.name}: starting the lab resolver`);
      const c = await startNodeContainer(resolverSpec({ name: `${prefix}_lab-dns`, image: images.node, inside, outside, labels, certs: ctx.certs, epochOrigin }), networkIds);
      resolver = { c, at: await addressesOf(c) };
    }
    // a receiver with a certificate fault presents the certificate made for it (real MTAs through their files)
    const receiverCerts: Record<string, KeyPair> = {};
    // (with the run CA after a leaf it issued: the chain a real server sends, and DANE-TA needs)
    for (const [n, node] of Object.entries(s.nodes)) {
      if (node.role !== 'receiver') continue;
      const pair = await faultCertificate(ctx.certs, node['tls-fault']);
      receiverCerts[n] = { key: pair.key, cert: presentedChain(ctx.certs, pair) };
    }
    const imageOf = (n: string) => {
      const tag = images[imageKey(imageNeed(s.nodes[n], plan.file))];
      if (!tag) throw new HarnessError(CODE.INTERNAL, `no image resolved for node ${n}`);
      return tag;
    };
    const resolverOf = resolver ? (node: string) => resolver!.at[networksOf(node).first] : undefined;
    const specCtx = { scenario: s, firewalls: plan.firewalls, containerName, networksOf, labels, imageOf, certs: ctx.certs, receiverCerts, dkim: ctx.dkim, epochOrigin, capture: Boolean(ctx.capture), ...(resolverOf ? { resolverOf } : {}) };
    // real MTA → real MTA: a recording hop in between (the sender relays to it), so that hop has a
    // transcript; when the run records the wire (pcap, bundle), every hop straight from a sender
    // into a receiver gets one, so each hop has its bytes (as the local runtime's recording relay).
    // With the lab DNS a sender routes by MX, not to one relay: the recording hops stand in front of
    // the receivers instead (below)
    const recorded = resolver ? [] : recordedEdges(s, Boolean(ctx.capture));
    const nextHop = (sender: string) => {
      const n = s.nodes[sender];
      if (n.role !== 'sender') return sender;
      if (n.via) return n.via;
      const receiver = receiverFor(s, sender);
      return recorded.some((r) => r.sender === sender && r.receiver === receiver) ? recorderName(sender, receiver) : receiver;
    };
    const names = Object.keys(s.nodes);
    const starts = names.map(async (n) => {
      stopIfInterrupted();
      const kind = kindOf(s.nodes[n]);
      const spec = containerSpec(n, specCtx);
      ctx.progress(`${plan.label || plan.name}: starting ${n} (${spec.image})`);
      const c = await startNodeContainer(spec, networkIds);
      const node = s.nodes[n];
      if (kind === 'firewall') nodes.set(n, { kind, c, records: recordsFrom(c.logs) });
      else if (kind === 'receiver') nodes.set(n, { kind, c, records: recordsFrom(c.logs) });
      else if (kind === 'mta-receiver' && node.role === 'receiver') nodes.set(n, { kind, c, adapter: adapterOf(node), mailbox: new MtaMailbox(c, adapterOf(node)) });
      else if (kind === 'mta-sender' && node.role === 'sender') nodes.set(n, { kind, c, adapter: adapterOf(node) });
      else nodes.set(n, { kind: 'builtin-sender', c });
    });
    const startRecorder = async (name: string, receiver: string): Promise<Recorder> => {
      stopIfInterrupted();
      const spec = {
        node: name,
        name: containerName(name),
        image: images.node,
        network: `${prefix}-inside`,
        labels,
        command: ['proxy', '--device', 'none', '--listen', '0.0.0.0:25', '--upstream', `${containerName(receiver)}:25`, '--json', '--epoch-origin', String(epochOrigin), ...(ctx.capture ? ['--capture'] : [])],
        ready: READY_JSON,
      };
      ctx.progress(`${plan.label || plan.name}: starting ${name} (recording hop into ${receiver})`);
      const c = await startNodeContainer(spec, networkIds);
      return { c, records: recordsFrom(c.logs) };
    };
    // with the lab DNS, senders inside reach a real MTA receiver (and, when the wire is recorded, any
    // receiver) by its name: one recording hop in front of it, which the inside view publishes under that
    // name (the path through a firewall keeps the firewall's records)
    const inFront = resolver ? Object.entries(s.nodes).filter(([, n]) => n.role === 'receiver' && (n.mta !== 'builtin' || ctx.capture)).map(([n]) => n) : [];
    const recs = [
      ...recorded.map(async ({ sender, receiver }) => recorders.set(recorderKey(sender, receiver), await startRecorder(recorderName(sender, receiver), receiver))),
      ...inFront.map(async (receiver) => receiverRecorders.set(receiver, await startRecorder(`${receiver}-rec`, receiver))),
    ];
    const results = await Promise.allSettled([...starts, ...recs]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
    // each real MTA sender resolves its receiver's name to its next hop (with the lab DNS: through the lab resolver)
    if (!resolver) {
      await Promise.all(
        [...nodes].filter(([, n]) => n.kind === 'mta-sender').map(async ([n, node]) => {
          const hop = nextHop(n);
          const target = nodes.get(hop)?.c ?? recorders.get(recorderKey(n, receiverFor(s, n)))?.c;
          if (!target) throw new HarnessError(CODE.TOPOLOGY, `node ${n}: its next hop ${hop} is not running`);
          const ip = await ipOn(target, networksOf(n).first);
          const name = nodeHostname(s, receiverFor(s, n));
          await execOk(node.c, ['sh', '-c', 'echo "$1 $2" >> /etc/hosts', 'sh', ip, name], `pointing ${name} at ${hop}`);
        }),
      );
    } else {
      const addresses: Record<string, Record<string, string>> = {};
      await Promise.all([...nodes].map(async ([n, node]) => (addresses[n] = await addressesOf(node.c))));
      // a receiver with a recording hop in front is at that hop's address, for senders inside
      await Promise.all([...receiverRecorders].map(async ([n, rec]) => (addresses[n] = await addressesOf(rec.c))));
      dns = await loadLabDns({ scenario: s, certs: ctx.certs, resolver: resolver.c, resolverAddresses: resolver.at, addresses, inside, outside });
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const networkOf = (node: string) => (s.nodes[node]?.role === 'sender' && (s.nodes[node] as { via?: string }).via ? `${prefix}-outside` : `${prefix}-inside`);
  return { nodes, recorders, receiverRecorders, containerName, epochOrigin, ...(dns ? { dns } : {}), networkOf, stop };
}

/** The recording hops' key in StartedTopology.recorders: the hop from `sender` into `receiver`. */
export const recorderKey = (sender: string, receiver: string) => `${sender}>${receiver}`;
/** A recording hop's node and container name. */
export const recorderName = (sender: string, receiver: string) => `${sender}-rec-${receiver}`;

/**
 * The hops straight from a sender into a receiver that get a recording hop: between two real MTAs
 * always; every one when the run records the wire. (A hop through a firewall is recorded by it.)
 */
export function recordedEdges(s: CellPlan['scenario'], capture: boolean): { sender: string; receiver: string }[] {
  const edges: { sender: string; receiver: string }[] = [];
  for (const [name, n] of Object.entries(s.nodes)) {
    if (n.role !== 'sender' || n.via) continue;
    const receivers = n.mta === 'builtin' ? [...new Set(s.messages.filter((m) => m.from === name).map((m) => m.to))] : [receiverFor(s, name)];
    for (const receiver of receivers) {
      const r = s.nodes[receiver];
      if (r?.role !== 'receiver') continue;
      if (capture || (n.mta !== 'builtin' && r.mta !== 'builtin')) edges.push({ sender: name, receiver });
    }
  }
  return edges;
}

/** A container's address on one network, read from the engine now (networks attached after start count). */
async function ipOn(c: { container: { getId(): string } }, network: string): Promise<string> {
  const client = await runtimeClient();
  const info = await client.container.dockerode.getContainer(c.container.getId()).inspect();
  const ip = info.NetworkSettings.Networks[network]?.IPAddress;
  if (!ip) throw new HarnessError(CODE.TOPOLOGY, `container ${info.Name} has no address on ${network}`);
  return ip;
}
