import type { CellPlan } from '../../model/plan.js';
import { nodeHostname } from '../../model/plan.js';
import { faultCertificate, presentedChain, type KeyPair } from '../../tls/certs.js';
import { HarnessError, type RunContext } from '../types.js';
import { CODE } from '../../errors.js';
import type { CellNode, Recorder } from './cell-node.js';
import { execOk, type NodeContainer, type NodeContainerSpec } from './containers.js';
import { MtaMailbox } from './mta-mailbox.js';
import { adapterOf } from './mta/index.js';
import { containerSpec, imageKey, imageNeed, kindOf, receiverFor } from './node-specs.js';
import { recordsFrom } from './records.js';
import type { Stack, Wanted } from './stack.js';
import { restartDelivery } from './reuse.js';
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
  /** the stack the cell runs on */
  stack: Stack;
}

const READY_JSON = /"type":"ready"/;

/** The lab resolver's key on a stack (no node name starts with `_`). */
const RESOLVER = '_lab-dns';

/**
 * What one cell runs, as container specs on a given stack: the firewall on both networks, senders
 * `via` a firewall on `outside`, everything else on `inside`. A real MTA sender relays to its
 * receiver's host name, which its /etc/hosts points at the next hop; between two real MTAs a
 * recording hop (`mxlab proxy`, device none, `SENDER-rec-RECEIVER`) gives that hop a transcript too
 * (every hop straight into a receiver when the run records the wire).
 * With the lab DNS: the lab resolver (key `_lab-dns`; the specs name its address per network once
 * it runs: `resolverAt`), and instead of those hops one in front of each real MTA receiver
 * (`RECEIVER-rec`), which the inside view publishes under the receiver's name.
 */
export async function cellWants(plan: CellPlan, ctx: RunContext, images: Record<string, string>, epochOrigin: number) {
  const s = plan.scenario;
  const lab = usesLabDns(s);
  // a receiver with a certificate fault presents the certificate made for it (real MTAs through their files),
  // with the run CA after a leaf it issued: the chain a real server sends, and DANE-TA needs
  const receiverCerts: Record<string, KeyPair> = {};
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
  // real MTA → real MTA: a recording hop in between (the sender relays to it), so that hop has a
  // transcript; when the run records the wire (pcap, bundle), every hop straight from a sender
  // into a receiver gets one, so each hop has its bytes (as the local runtime's recording relay).
  // With the lab DNS a sender routes by MX, not to one relay: the recording hops stand in front of
  // the receivers instead
  const capture = Boolean(ctx.capture);
  const recorded = lab ? [] : recordedEdges(s, capture);
  const inFront = lab ? Object.entries(s.nodes).filter(([, n]) => n.role === 'receiver' && (n.mta !== 'builtin' || capture)).map(([n]) => n) : [];
  const nextHop = (sender: string) => {
    const n = s.nodes[sender];
    if (n.role !== 'sender') return sender;
    if (n.via) return n.via;
    const receiver = receiverFor(s, sender);
    return recorded.some((r) => r.sender === sender && r.receiver === receiver) ? recorderName(sender, receiver) : receiver;
  };
  for (const n of Object.values(s.nodes)) kindOf(n);
  const resolver = (stack: Stack) => resolverSpec({ name: stack.containerName(RESOLVER), image: images.node, inside: stack.network('inside'), outside: stack.network('outside'), labels: stack.labels, certs: ctx.certs, epochOrigin });
  /** everything the cell runs; with the lab DNS only once the resolver runs (`resolverAt`: its address per network) */
  const wants = (stack: Stack, resolverAt?: Record<string, string>): Wanted => {
    if (lab && !resolverAt) throw new HarnessError(CODE.INTERNAL, 'the lab DNS cell\'s containers were asked for before its resolver had an address');
    const networksOf = (node: string) => {
      const n = s.nodes[node];
      if (n.role === 'firewall') return { first: stack.network('inside'), extra: [stack.network('outside')] };
      if (n.role === 'sender' && n.via) return { first: stack.network('outside'), extra: [] };
      return { first: stack.network('inside'), extra: [] };
    };
    const resolverOf = resolverAt ? (node: string) => resolverAt[networksOf(node).first] : undefined;
    const specCtx = { scenario: s, firewalls: plan.firewalls, containerName: (n: string) => stack.containerName(n), networksOf, labels: stack.labels, imageOf, certs: ctx.certs, receiverCerts, dkim: ctx.dkim, epochOrigin, capture, ...(resolverOf ? { resolverOf } : {}) };
    const out: Wanted = new Map(Object.keys(s.nodes).map((n) => [n, containerSpec(n, specCtx)]));
    if (lab) out.set(RESOLVER, resolver(stack));
    const recorder = (key: string, receiver: string) =>
      out.set(key, {
        node: key,
        name: stack.containerName(key),
        image: images.node,
        network: stack.network('inside'),
        labels: stack.labels,
        command: ['proxy', '--device', 'none', '--listen', '0.0.0.0:25', '--upstream', `${stack.containerName(receiver)}:25`, '--json', '--epoch-origin', String(epochOrigin), ...(capture ? ['--capture'] : [])],
        ready: READY_JSON,
        origin: epochOrigin,
        reload: { how: 'signal' },
      });
    for (const { sender, receiver } of recorded) recorder(recorderName(sender, receiver), receiver);
    for (const receiver of inFront) recorder(`${receiver}-rec`, receiver);
    return out;
  };
  return { wants, resolver, nextHop, recorded, inFront, lab };
}

/**
 * Brings `stack` to what the cell wants (stack.ts: reused, reloaded or started containers, every
 * log fenced) and makes the cell's nodes of it: each node program's records moved onto this cell's
 * clock, a real receiver's mailbox, a real MTA sender's /etc/hosts pointing its receiver's name at
 * its next hop — or, with the lab DNS, the resolver first (the real MTAs start with its address in
 * their resolv.conf) and its zones loaded once every node has its address.
 */
export async function startTopology(plan: CellPlan, ctx: RunContext, stack: Stack, images: Record<string, string>): Promise<StartedTopology> {
  const s = plan.scenario;
  const epochOrigin = Date.now() - ctx.clock.now();
  const { wants, resolver, nextHop, recorded, inFront, lab } = await cellWants(plan, ctx, images, epochOrigin);
  const label = plan.label || plan.name;
  const progress = (key: string, spec: NodeContainerSpec, how: 'start' | 'reuse') => ctx.progress(`${label}: ${how === 'start' ? 'starting' : 'reusing'} ${key === RESOLVER ? 'the lab resolver' : key} (${spec.image})`);
  let resolverAt: Record<string, string> | undefined;
  if (lab) {
    // the real MTAs' specs name the resolver's address: it runs first (on a new stack: lab cells take none from the pool)
    const first = await stack.bring(new Map([[RESOLVER, resolver(stack)]]), ctx, progress);
    resolverAt = await addressesOf(first.get(RESOLVER)!);
  }
  const want = wants(stack, resolverAt);
  const held = await stack.bring(want, ctx, progress);
  const shift = (c: NodeContainer) => (c.origin ?? epochOrigin) - epochOrigin;
  const nodes = new Map<string, CellNode>();
  for (const n of Object.keys(s.nodes)) {
    const c = held.get(n)!;
    const node = s.nodes[n];
    const kind = kindOf(node);
    if (kind === 'firewall') nodes.set(n, { kind, c, records: recordsFrom(c.logs, shift(c)) });
    else if (kind === 'receiver') nodes.set(n, { kind, c, records: recordsFrom(c.logs, shift(c)) });
    else if (kind === 'mta-receiver' && node.role === 'receiver') nodes.set(n, { kind, c, adapter: adapterOf(node), mailbox: new MtaMailbox(c, adapterOf(node)) });
    else if (kind === 'mta-sender' && node.role === 'sender') nodes.set(n, { kind, c, adapter: adapterOf(node) });
    else nodes.set(n, { kind: 'builtin-sender', c });
  }
  const recorderOf = (key: string): Recorder => {
    const c = held.get(key)!;
    return { c, records: recordsFrom(c.logs, shift(c)) };
  };
  const recorders = new Map<string, Recorder>(recorded.map(({ sender, receiver }) => [recorderKey(sender, receiver), recorderOf(recorderName(sender, receiver))]));
  const receiverRecorders = new Map<string, Recorder>(inFront.map((receiver) => [receiver, recorderOf(`${receiver}-rec`)]));
  let dns: DockerLabDns | undefined;
  if (resolverAt) {
    const addresses: Record<string, Record<string, string>> = {};
    await Promise.all([...nodes].map(async ([n, node]) => (addresses[n] = await addressesOf(node.c))));
    // a receiver with a recording hop in front is at that hop's address, for senders inside
    await Promise.all([...receiverRecorders].map(async ([n, rec]) => (addresses[n] = await addressesOf(rec.c))));
    dns = await loadLabDns({ scenario: s, certs: ctx.certs, resolver: held.get(RESOLVER)!, resolverAddresses: resolverAt, addresses, inside: stack.network('inside'), outside: stack.network('outside') });
  } else {
    // each real MTA sender resolves its receiver's name to its next hop
    await Promise.all(
      [...nodes].filter(([, n]) => n.kind === 'mta-sender').map(async ([n, node]) => {
        const hop = nextHop(n);
        const target = nodes.get(hop)?.c ?? recorders.get(recorderKey(n, receiverFor(s, n)))?.c;
        if (!target) throw new HarnessError(CODE.TOPOLOGY, `node ${n}: its next hop ${hop} is not running`);
        const ip = await ipOn(target, want.get(n)!.network);
        const line = `${ip} ${nodeHostname(s, receiverFor(s, n))}`;
        if (node.c.hostsLine === line) return;
        const moved = node.c.hostsLine !== undefined;
        // /etc/hosts is bind-mounted: rewritten in place, the runtime's earlier line replaced
        const script = 'grep -v " # mxlab$" /etc/hosts > /tmp/hosts.mxlab || true; echo "$1 # mxlab" >> /tmp/hosts.mxlab; cat /tmp/hosts.mxlab > /etc/hosts';
        await execOk(node.c, ['sh', '-c', script, 'sh', line], `pointing ${line} at ${hop}`);
        node.c.hostsLine = line;
        if (moved) await restartDelivery(node.c);
      }),
    );
  }
  const networkOf = (node: string) => (s.nodes[node]?.role === 'sender' && (s.nodes[node] as { via?: string }).via ? stack.network('outside') : stack.network('inside'));
  return { nodes, recorders, receiverRecorders, containerName: (n) => stack.containerName(n), epochOrigin, ...(dns ? { dns } : {}), networkOf, stack };
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
