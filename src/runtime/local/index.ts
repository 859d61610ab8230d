import { deliver, type DeliveryResult } from '../../actors/sender/index.js';
import { startFirewall, type FirewallConnection, type StartedFirewall } from '../../actors/firewall/index.js';
import { startReceiver, type ReceiverConnection, type StartedReceiver } from '../../actors/receiver/index.js';
import type { FirewallEvent, Hop, SessionResult } from '../../model/result.js';
import type { CellPlan, MessagePlan } from '../../model/plan.js';
import { nodeHostname } from '../../model/plan.js';
import type { FirewallNode, ReceiverNode, SenderNode } from '../../scenario/schema.js';
import { describeNodes } from '../describe-nodes.js';
import { messageSpecOf } from '../message-spec.js';
import { HarnessError, type RunContext, type Runtime, type StartedCell } from '../types.js';

/** How long to wait for the far side of a session to finish recording after the sender is done. */
const SETTLE_MS = 2000;

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
  private readonly started: { stop(): Promise<void> }[] = [];
  private stopping?: Promise<void>;

  constructor(
    private readonly plan: CellPlan,
    private readonly ctx: RunContext,
  ) {}

  async start(): Promise<void> {
    const nodes = this.plan.scenario.nodes;
    for (const [name, node] of Object.entries(nodes)) {
      if (node.role === 'sender' && node.mta !== 'builtin') {
        throw new HarnessError('E_RUNTIME_UNSUPPORTED', `node ${name} uses mta: ${node.mta}, which runs only in containers`, 'run with --runtime docker (or set runtime: docker in the scenario)');
      }
      if (node.role === 'receiver' && node.mta !== 'builtin') {
        throw new HarnessError('E_RUNTIME_UNSUPPORTED', `node ${name} uses mta: ${node.mta}, which runs only in containers`, 'run with --runtime docker');
      }
    }
    for (const [name, node] of Object.entries(nodes)) {
      if (node.role !== 'receiver') continue;
      const r = await startReceiver(this.receiverOptions(name, node));
      this.receivers.set(name, r);
      this.started.push(r);
    }
    // firewalls start after whatever they forward to
    const pending = Object.entries(nodes).filter((e): e is [string, FirewallNode] => e[1].role === 'firewall');
    while (pending.length) {
      const i = pending.findIndex(([, fw]) => this.endpoint(fw['forwards-to']) !== undefined);
      if (i < 0) throw new HarnessError('E_TOPOLOGY', `firewalls ${pending.map(([n]) => n).join(', ')} forward in a loop`);
      const [name, fw] = pending.splice(i, 1)[0];
      const upstream = this.endpoint(fw['forwards-to'])!;
      const f = await startFirewall({ name, profile: this.plan.firewalls[name], clock: this.ctx.clock, upstream });
      this.firewalls.set(name, f);
      this.started.push(f);
    }
  }

  private receiverOptions(name: string, node: ReceiverNode) {
    return { name, persona: node.persona, hostname: nodeHostname(this.plan.scenario, name), tls: node.tls, tlsFault: node['tls-fault'], size: node.size, certs: this.ctx.certs, clock: this.ctx.clock };
  }

  private endpoint(name: string): { host: string; port: number } | undefined {
    const n = this.receivers.get(name) ?? this.firewalls.get(name);
    return n ? { host: n.host, port: n.port } : undefined;
  }

  async deliver(m: MessagePlan): Promise<SessionResult> {
    const [senderName, ...rest] = m.path;
    const sender = this.plan.scenario.nodes[senderName] as SenderNode;
    const next = rest[0];
    const target = this.endpoint(next);
    if (!target) throw new HarnessError('E_TOPOLOGY', `message ${m.spec.id}: node ${next} is not running`);
    const receiverName = m.spec.to;
    const result = await deliver(
      { name: senderName, hostname: sender.hostname ?? nodeHostname(this.plan.scenario, senderName), tls: sender.tls, ca: this.ctx.certs.ca, clock: this.ctx.clock, timeoutMs: sender.timeout, plaintextFallback: sender['plaintext-fallback'] },
      messageSpecOf(m),
      { ...target, servername: nodeHostname(this.plan.scenario, receiverName), node: next },
      // one key per run; d= is the sending node's own domain, as a real signer's would be
      { dkim: { ...this.ctx.dkim, domain: m.fromAddress.split('@')[1] } },
    );
    return this.collect(m, result);
  }

  /** Follows the sender's connection through each firewall to the receiver by port, and assembles the session. */
  private async collect(m: MessagePlan, r: DeliveryResult): Promise<SessionResult> {
    const hops: Hop[] = [];
    const events: FirewallEvent[] = [];
    let port = r.localPort;
    const fwConns: FirewallConnection[] = [];
    for (let i = 1; i < m.path.length - 1; i++) {
      const fw = this.firewalls.get(m.path[i]);
      const conn = port === undefined ? undefined : fw?.byClientPort(port);
      if (!conn) {
        port = undefined;
        break;
      }
      await settle(conn.closed);
      fwConns.push(conn);
      events.push(...conn.events);
      port = conn.upstreamLocalPort;
    }
    const receiver = this.receivers.get(m.spec.to);
    const rconn: ReceiverConnection | undefined = port === undefined ? undefined : receiver?.byRemotePort(port);
    if (rconn) await settle(rconn.closed);

    hops.push({ from: m.path[0], to: m.path[1], entries: r.transcript });
    fwConns.forEach((c, i) => {
      const last = i === fwConns.length - 1;
      const entries = last && rconn ? rconn.recorder.entries : c.serverHop.entries;
      hops.push({ from: m.path[i + 1], to: m.path[i + 2], entries });
    });
    return {
      message: m.spec.id,
      from: m.spec.from,
      to: m.spec.to,
      outcome: r.outcome,
      reason: r.reason,
      tls: r.tls,
      detail: r.detail,
      attempts: 1,
      clientView: r.clientView,
      serverView: rconn ? rconn.view() : { commands: [], tls: false, accepted: false },
      hops,
      firewall: { events },
      log: r.log,
    };
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

function settle(p: Promise<void>): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, SETTLE_MS);
    p.then(() => {
      clearTimeout(t);
      resolve();
    }, resolve);
  });
}
