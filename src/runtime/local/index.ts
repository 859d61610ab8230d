import { deliver } from '../../actors/sender/index.js';
import { startFirewall, type FirewallConnection, type StartedFirewall } from '../../actors/firewall/index.js';
import { startReceiver, type ReceiverConnection, type StartedReceiver } from '../../actors/receiver/index.js';
import type { SessionResult } from '../../model/result.js';
import type { CellPlan, MessagePlan } from '../../model/plan.js';
import { nodeHostname, pathVia } from '../../model/plan.js';
import { usesLabDns } from '../../dns/plan.js';
import { LocalLabDns } from './lab-dns.js';
import type { FirewallNode, ReceiverNode, SenderNode, TimelineStep } from '../../scenario/schema.js';
import { applyStep, firewallState, type FirewallState } from './apply-step.js';
import { describeNodes } from '../describe-nodes.js';
import { collectSessions, type Station } from '../collect/collector.js';
import { RecordStore } from '../collect/record-store.js';
import type { HopRecord, ReceiverRecord } from '../collect/records.js';
import { messageSpecOf } from '../message-spec.js';
import { settleAll } from '../settle-all.js';
import { HarnessError, type DeliverHooks, type RunContext, type Runtime, type StartedCell } from '../types.js';
import { CODE } from '../../errors.js';

/** Sessions a builtin sender runs at once (Postfix's default_destination_concurrency_limit). */
const SENDER_CONCURRENCY = 20;

/** How long to wait for the far side of a session to finish recording after the sender is done. */
const SETTLE_MS = 2000;

/** A proxy's closed connections as the collector's hop records (with their raw bytes when recorded). */
function hopRecorder(store: RecordStore<HopRecord>) {
  return (c: FirewallConnection) =>
    void c.closed.then(() =>
      store.push({
        id: c.id,
        clientPort: c.clientPort,
        upstreamLocalPort: c.upstreamLocalPort,
        clientHop: c.clientHop.entries,
        serverHop: c.serverHop.entries,
        events: c.events,
        ...(c.clientWire && c.serverWire ? { clientWire: c.clientWire.toConnection(), serverWire: c.serverWire.toConnection() } : {}),
      }),
    );
}

/** Every node in this process on 127.0.0.1, ephemeral ports. Zero set-up; the default. */
export class LocalRuntime implements Runtime {
  readonly name = 'local' as const;

  async startCell(plan: CellPlan, ctx: RunContext): Promise<StartedCell> {
    const cell = new LocalCell(plan, ctx);
    try {
      await cell.start();
    } catch (err) {
      await cell.stop();
      throw err;
    }
    return cell;
  }
}

class LocalCell implements StartedCell {
  private readonly receivers = new Map<string, StartedReceiver>();
  private readonly firewalls = new Map<string, StartedFirewall>();
  /** each node's closed connections, as the records the collector reads */
  private readonly hopRecords = new Map<string, RecordStore<HopRecord>>();
  private readonly receiverRecords = new Map<string, RecordStore<ReceiverRecord>>();
  /** with ctx.capture: a recording relay (device none) in front of each receiver, for the hops straight into it */
  private readonly recorders = new Map<string, { server: StartedFirewall; records: RecordStore<HopRecord> }>();
  private readonly firewallStates = new Map<string, FirewallState>();
  private readonly started: { stop(): Promise<void> }[] = [];
  private labDns?: LocalLabDns;
  private stopping?: Promise<void>;

  constructor(
    private readonly plan: CellPlan,
    private readonly ctx: RunContext,
  ) {}

  async start(): Promise<void> {
    const nodes = this.plan.scenario.nodes;
    for (const [name, node] of Object.entries(nodes)) {
      if (node.role === 'sender' && node.mta !== 'builtin') {
        throw new HarnessError(CODE.RUNTIME_UNSUPPORTED, `node ${name} uses mta: ${node.mta}, which runs only in containers`, 'run with --runtime docker (or set runtime: docker in the scenario)');
      }
      if (node.role === 'receiver' && node.mta !== 'builtin') {
        throw new HarnessError(CODE.RUNTIME_UNSUPPORTED, `node ${name} uses mta: ${node.mta}, which runs only in containers`, 'run with --runtime docker');
      }
    }
    for (const [name, node] of Object.entries(nodes)) {
      if (node.role !== 'receiver') continue;
      const store = new RecordStore<ReceiverRecord>();
      this.receiverRecords.set(name, store);
      const onConnection = (c: ReceiverConnection) =>
        void c.closed.then(() => {
          const keylog = c.keylog();
          store.push({ id: c.id, remotePort: c.remotePort, transcript: c.recorder.entries, view: c.view(), ...(keylog ? { keylog } : {}) });
        });
      const r = await startReceiver({ ...this.receiverOptions(name, node), onConnection, keepClosed: 0 });
      this.receivers.set(name, r);
      this.started.push(r);
      if (this.ctx.capture) {
        const records = new RecordStore<HopRecord>();
        const server = await startFirewall({ name: `${name}-recorder`, device: 'none', clock: this.ctx.clock, upstream: { host: r.host, port: r.port }, onConnection: hopRecorder(records), keepClosed: 0, capture: true });
        this.recorders.set(name, { server, records });
        this.started.push(server);
      }
    }
    // firewalls start after whatever they forward to
    const pending = Object.entries(nodes).filter((e): e is [string, FirewallNode] => e[1].role === 'firewall');
    while (pending.length) {
      const i = pending.findIndex(([, fw]) => this.endpoint(fw['forwards-to']) !== undefined);
      if (i < 0) throw new HarnessError(CODE.TOPOLOGY, `firewalls ${pending.map(([n]) => n).join(', ')} forward in a loop`);
      const [name, fw] = pending.splice(i, 1)[0];
      const upstream = this.endpoint(fw['forwards-to'])!;
      const store = new RecordStore<HopRecord>();
      this.hopRecords.set(name, store);
      const f = await startFirewall({ name, profile: this.plan.firewalls[name], clock: this.ctx.clock, upstream, onConnection: hopRecorder(store), keepClosed: 0, capture: this.ctx.capture });
      this.firewalls.set(name, f);
      this.firewallStates.set(name, firewallState(this.plan.firewallSources[name] ?? {}));
      this.started.push(f);
    }
    if (usesLabDns(this.plan.scenario)) {
      // a sender reaching a receiver straight goes through its recording relay, as without DNS
      const listening = (n: string) => {
        const r = this.recorders.get(n)?.server;
        return r ? { host: r.host, port: r.port } : this.endpoint(n);
      };
      const dns = new LocalLabDns(this.plan.scenario, this.ctx.certs, this.ctx.clock, listening, () => undefined);
      this.started.push(dns);
      await dns.start();
      this.labDns = dns;
    }
  }

  private receiverOptions(name: string, node: ReceiverNode) {
    return { name, persona: node.persona, hostname: nodeHostname(this.plan.scenario, name), tls: node.tls, tlsFault: node['tls-fault'], size: node.size, certs: this.ctx.certs, clock: this.ctx.clock, keylog: this.ctx.capture };
  }

  private endpoint(name: string): { host: string; port: number } | undefined {
    const n = this.receivers.get(name) ?? this.firewalls.get(name);
    return n ? { host: n.host, port: n.port } : undefined;
  }

  async apply(step: TimelineStep): Promise<void> {
    await applyStep(step, { firewall: this.firewalls.get(step.node), state: this.firewallStates.get(step.node), receiver: this.receivers.get(step.node) });
    // the recording relay in front of a receiver stops and starts with it: a stopped receiver refuses connections, recorded or not
    const relay = step.state && this.receivers.has(step.node) ? this.recorders.get(step.node) : undefined;
    if (relay) await relay.server.setListening(step.state === 'started');
  }

  async deliver(messages: MessagePlan[], hooks: DeliverHooks = {}): Promise<SessionResult[]> {
    return settleAll(messages, (m) => m.path[0], SENDER_CONCURRENCY, async (m) => {
      const s = await this.deliverOne(m);
      hooks.onSession?.(s);
      return s;
    });
  }

  private async deliverOne(m: MessagePlan): Promise<SessionResult> {
    if (this.ctx.signal?.aborted) throw new HarnessError(CODE.INTERRUPTED, 'the run was interrupted');
    const [senderName, ...rest] = m.path;
    const sender = this.plan.scenario.nodes[senderName] as SenderNode;
    const options = { name: senderName, hostname: sender.hostname ?? nodeHostname(this.plan.scenario, senderName), tls: sender.tls, ca: this.ctx.certs.ca, clock: this.ctx.clock, timeoutMs: sender.timeout, plaintextFallback: sender['plaintext-fallback'], keylog: this.ctx.capture };
    const keys = { dkim: this.ctx.dkim };
    if (this.labDns) {
      // routed by the lab DNS: the sender finds its next hop (MX, addresses) and the path follows it
      const result = await deliver({ ...options, dns: this.labDns.senderDns(senderName) }, messageSpecOf(m), undefined, keys, m.attempt ?? 1);
      const routed = { ...m, path: pathVia(m, result.nextHop ?? '') };
      const [session] = await collectSessions([{ m: routed, report: { kind: 'builtin', result }, stations: this.stations(routed), settleMs: SETTLE_MS }]);
      return session;
    }
    const next = rest[0];
    // a hop straight into a receiver goes through its recording relay when the run records the wire
    const recorder = this.recorders.get(next)?.server;
    const target = recorder ? { host: recorder.host, port: recorder.port } : this.endpoint(next);
    if (!target) throw new HarnessError(CODE.TOPOLOGY, `message ${m.spec.id}: node ${next} is not running`);
    const receiverName = m.spec.to;
    const result = await deliver(options, messageSpecOf(m), { ...target, servername: nodeHostname(this.plan.scenario, receiverName), node: next }, keys, m.attempt ?? 1);
    const [session] = await collectSessions([{ m, report: { kind: 'builtin', result }, stations: this.stations(m), settleMs: SETTLE_MS }]);
    return session;
  }

  /** The nodes after the sender on a message's path, as the collector reads them. */
  private stations(m: MessagePlan): Station[] {
    const recorder = m.path.length === 2 ? this.recorders.get(m.path[1]) : undefined;
    const relay: Station[] = recorder ? [{ kind: 'hop', node: m.path[1], records: recorder.records, firewall: false }] : [];
    return [...relay, ...m.path.slice(1).map((node): Station => {
      const hop = this.hopRecords.get(node);
      if (hop) return { kind: 'hop', node, records: hop, firewall: true };
      const rec = this.receiverRecords.get(node);
      if (rec) return { kind: 'receiver', node, records: rec };
      throw new HarnessError(CODE.TOPOLOGY, `message ${m.spec.id}: node ${node} is not running`);
    })];
  }

  async describe() {
    return describeNodes(this.plan);
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const node of [...this.started].reverse()) await node.stop().catch(() => undefined);
    })();
    return this.stopping;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }
}
