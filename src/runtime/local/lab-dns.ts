import { PolicyCache, type SenderDns } from '../../actors/sender/index.js';
import { labDnsData, mtaStsPolicies, viewOf } from '../../dns/plan.js';
import { startPolicyHost, type StartedPolicyHost } from '../../dns/policy-host.js';
import { startLabResolver, type ResolverQuery, type StartedResolver } from '../../dns/server.js';
import type { Clock } from '../../model/clock.js';
import type { Scenario } from '../../scenario/schema.js';
import { presentedChain, type RunCertificates } from '../../tls/certs.js';

/**
 * The lab DNS of a local cell: the resolver with one UDP+TCP listener per sender node on 127.0.0.1
 * (the listener tells who asks, so each sender gets its side's view), and the MTA-STS policy host.
 * Nodes get addresses from 198.18.0.0/15 (RFC 2544: never routed); the builtin sender maps an
 * address it resolved to the node's 127.0.0.1 port through `endpoint` and never dials the lab
 * range itself. An address no node has (an MX host that is no node) is a refused connection.
 */

const POLICY_ADDRESS = '198.19.0.1';
const NOWHERE = '198.19.255.254';

export class LocalLabDns {
  private readonly addressOf = new Map<string, string>();
  private readonly nodeAt = new Map<string, string>();
  private resolver?: StartedResolver;
  private policyHost?: StartedPolicyHost;
  private readonly senders: string[];
  private readonly caches = new Map<string, PolicyCache>();

  constructor(
    private readonly scenario: Scenario,
    private readonly certs: RunCertificates,
    private readonly clock: Clock,
    /** where a node listens (receivers and firewalls once started) */
    private readonly listening: (node: string) => { host: string; port: number } | undefined,
    private readonly onQuery: (q: ResolverQuery) => void,
  ) {
    Object.keys(scenario.nodes).forEach((n, k) => {
      const address = `198.18.${Math.floor(k / 250)}.${(k % 250) + 1}`;
      this.addressOf.set(n, address);
      this.nodeAt.set(address, n);
    });
    this.senders = Object.keys(scenario.nodes).filter((n) => scenario.nodes[n].role === 'sender');
  }

  async start(): Promise<void> {
    const data = await labDnsData(this.scenario, this.certs, { node: (_view, n) => this.addressOf.get(n)!, policyHost: () => POLICY_ADDRESS, nowhere: () => NOWHERE });
    this.resolver = await startLabResolver({
      data,
      listeners: this.senders.map(() => ({ host: '127.0.0.1' })),
      clientOf: (i) => (this.senders[i] === undefined ? undefined : { node: this.senders[i], view: viewOf(this.scenario, this.senders[i]) }),
      clock: this.clock,
      onQuery: this.onQuery,
    });
    const policies = mtaStsPolicies(this.scenario);
    if (Object.keys(policies).length) {
      this.policyHost = await startPolicyHost({
        policies: Object.fromEntries(Object.entries(policies).map(([d, p]) => [d, p.text])),
        key: this.certs.key,
        cert: presentedChain(this.certs, this.certs),
        host: '127.0.0.1',
      });
    }
  }

  /** What the builtin sender `name` uses to route through the lab DNS. */
  senderDns(name: string): SenderDns {
    const i = this.senders.indexOf(name);
    const server = this.resolver!.addresses[i];
    let policies = this.caches.get(name);
    if (!policies) this.caches.set(name, (policies = new PolicyCache(this.clock)));
    return {
      server,
      policies,
      endpoint: (address, port) => {
        if (address === POLICY_ADDRESS && port === 443 && this.policyHost) return { host: this.policyHost.host, port: this.policyHost.port };
        const node = this.nodeAt.get(address);
        const at = node !== undefined && port === 25 ? this.listening(node) : undefined;
        return at && node !== undefined ? { ...at, node } : undefined;
      },
    };
  }

  async stop(): Promise<void> {
    await Promise.all([this.resolver?.stop(), this.policyHost?.stop()]);
  }
}
