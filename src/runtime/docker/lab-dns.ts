import type { DnsServeFile } from '../../dns/data.js';
import { labDnsData, mtaStsPolicies, viewOf, INSIDE, domainOf } from '../../dns/plan.js';
import type { DnsQuery } from '../../model/result.js';
import type { Scenario } from '../../scenario/schema.js';
import { presentedChain, type RunCertificates } from '../../tls/certs.js';
import { CODE } from '../../errors.js';
import { HarnessError } from '../types.js';
import type { NodeContainer, NodeContainerSpec } from './containers.js';
import { parseRecord } from '../collect/records.js';
import { runtimeClient } from './tc.js';

/**
 * The lab DNS of a docker cell: `mxlab dns` in a container of the node image on both networks of
 * the cell. It starts first and waits for its data; the real MTAs start with `MXLAB_RESOLVER` (its
 * address on their network) in their resolv.conf; once every container is up and has its addresses,
 * the runtime writes the zones (each node at its address on the network of the side that asks) and
 * who asks from which address, and the resolver starts answering. Its query log is the evidence.
 */

const DATA_FILE = '/etc/mxlab/dns.json';
const GO_FILE = '/etc/mxlab/dns.go';
const TLS = '/etc/mxlab/tls';

/** The resolver container's spec: waits until the data is there, then runs `mxlab dns`. */
export function resolverSpec(o: { name: string; image: string; inside: string; outside: string; labels: Record<string, string>; certs: RunCertificates; epochOrigin: number }): NodeContainerSpec {
  const run = ['/usr/local/bin/node', '/opt/mxlab/bin/mxlab.js', 'dns', '--data', DATA_FILE, '--listen', '0.0.0.0:53', '--policy-listen', '0.0.0.0:443', '--cert-file', `${TLS}/cert.pem`, '--key-file', `${TLS}/key.pem`, '--json', '--epoch-origin', String(o.epochOrigin)];
  return {
    node: 'lab-dns',
    name: o.name,
    image: o.image,
    network: o.inside,
    extraNetworks: [o.outside],
    labels: o.labels,
    entrypoint: ['/bin/sh', '-c', `echo mxlab-dns-waiting; while [ ! -e ${GO_FILE} ]; do sleep 0.05; done; exec ${run.join(' ')}`],
    files: [
      { content: o.certs.key, target: `${TLS}/key.pem` },
      { content: presentedChain(o.certs, o.certs), target: `${TLS}/cert.pem` },
    ],
    ready: /mxlab-dns-waiting/,
  };
}

/** Each container's address on each network it is on (network name → address). */
export async function addressesOf(c: NodeContainer): Promise<Record<string, string>> {
  const client = await runtimeClient();
  const info = (await client.container.inspect(client.container.getById(c.container.getId()))) as { NetworkSettings?: { Networks?: Record<string, { IPAddress?: string }> } };
  return Object.fromEntries(Object.entries(info.NetworkSettings?.Networks ?? {}).map(([n, v]) => [n, v.IPAddress ?? '']).filter(([, ip]) => ip));
}

export interface DockerLabDns {
  /** the resolver's address on a network */
  resolverOn(network: string): string;
  /** the node at an address of the cell */
  nodeAt: Record<string, string>;
  /** queries `node` made from `from` to `to` (run clock), as the resolver logged them */
  queries(node: string, from: number, to: number): DnsQuery[];
}

/**
 * Writes the resolver's data once every container has its addresses, and waits for it to answer.
 * `networkOf(view)` is the network a view's senders are on; `sideOf(node)` the network a sender asks from.
 */
export async function loadLabDns(o: {
  scenario: Scenario;
  certs: RunCertificates;
  resolver: NodeContainer;
  resolverAddresses: Record<string, string>;
  /** node → network → address */
  addresses: Record<string, Record<string, string>>;
  inside: string;
  outside: string;
}): Promise<DockerLabDns> {
  const s = o.scenario;
  const networkOf = (view: string) => (view === INSIDE ? o.inside : o.outside);
  const data = await labDnsData(s, o.certs, {
    node: (view, node) => o.addresses[node]?.[networkOf(view)],
    policyHost: (view) => o.resolverAddresses[networkOf(view)],
    nowhere: (view) => o.resolverAddresses[networkOf(view)],
  });
  const clients: DnsServeFile['clients'] = {};
  const nodeAt: Record<string, string> = {};
  for (const [node, nets] of Object.entries(o.addresses)) {
    for (const ip of Object.values(nets)) nodeAt[ip] = node;
    if (s.nodes[node]?.role !== 'sender') continue;
    const view = viewOf(s, node);
    const ip = nets[networkOf(view)];
    if (ip) clients[ip] = { node, view };
  }
  const policies = Object.fromEntries(Object.entries(mtaStsPolicies(s)).map(([d, p]) => [d, p.text]));
  const file: DnsServeFile = { data, clients, policies };
  const from = o.resolver.logs.length;
  await o.resolver.container.copyContentToContainer([{ content: JSON.stringify(file), target: DATA_FILE }]);
  await o.resolver.container.copyContentToContainer([{ content: '', target: GO_FILE }]);
  const at = await o.resolver.logs.waitFor((l) => /"type":"ready"/.test(l), from, 15_000);
  if (at < 0) throw new HarnessError(CODE.CONTAINER_START, `the lab resolver did not start: ${o.resolver.logs.lines.slice(-5).join(' | ')}`, `docker logs ${o.resolver.name}`);
  return {
    resolverOn: (network) => o.resolverAddresses[network],
    nodeAt,
    queries(node, from, to) {
      const out: DnsQuery[] = [];
      for (const line of o.resolver.logs.lines) {
        const r = parseRecord(line) as { type: string; query?: DnsQuery } | undefined;
        const q = r?.type === 'dns' ? r.query : undefined;
        if (q && q.node === node && q.t >= from && q.t <= to) out.push({ t: q.t, node: q.node, name: q.name, type: q.type, rcode: q.rcode, ad: q.ad, answers: q.answers });
      }
      return out;
    },
  };
}

/**
 * The queries that belong to a message to `address`: its domain's MX, `_mta-sts` and policy host,
 * and the addresses and TLSA of the MX hosts its MX answers named (a sender's other domains left out).
 */
export function queriesFor(all: DnsQuery[], address: string): DnsQuery[] {
  const domain = domainOf(address);
  const names = new Set([domain, `_mta-sts.${domain}`, `mta-sts.${domain}`, `_25._tcp.${domain}`]);
  for (const q of all) {
    if (q.name !== domain || q.type !== 'MX') continue;
    for (const a of q.answers) {
      const host = a.split(' ')[1]?.replace(/\.$/, '').toLowerCase();
      if (host) names.add(host).add(`_25._tcp.${host}`);
    }
  }
  return all.filter((q) => names.has(q.name));
}
