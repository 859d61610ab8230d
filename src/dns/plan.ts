import { nodeHostname } from '../model/plan.js';
import { isMailbox, type DnsZone, type NodeSpec, type Scenario } from '../scenario/schema.js';
import type { RunCertificates } from '../tls/certs.js';
import { faultCertificate } from '../tls/certs.js';
import { canonical, type LabDnsData, type LabRecord, type Security } from './data.js';
import { policyId, policyText, stsRecord, type MtaStsPolicy } from './mta-sts.js';
import { tlsaRecords } from './tlsa.js';

/**
 * From a scenario to what the lab resolver serves. Names resolve by side: a sender `via: fw` sees
 * the nodes behind `fw` at `fw`'s address (NAT and split DNS, the way the seed's partner reaches
 * the ESA), nodes it cannot reach not at all; a sender without `via` sees every node at its own
 * address. The runtimes supply the addresses (local: a lab range mapped to 127.0.0.1 ports;
 * docker: the containers' addresses on each network).
 */

/** The view of senders without `via`. */
export const INSIDE = 'inside';
const viaView = (fw: string) => `via ${fw}`;

/** The scenario needs the lab DNS: it has `dns:`, a message to an address, or a DANE / MTA-STS sender. */
export function usesLabDns(s: Scenario): boolean {
  return s.dns !== undefined || s.messages.some((m) => isMailbox(m.to)) || Object.values(s.nodes).some((n) => n.role === 'sender' && (n.tls === 'dane' || n.tls === 'dane-only' || n.tls === 'mta-sts'));
}

/** What a sender sees: `inside`, or `via <fw>`. */
export function viewOf(s: Scenario, sender: string): string {
  const n = s.nodes[sender];
  return n?.role === 'sender' && n.via ? viaView(n.via) : INSIDE;
}

export function viewsOf(s: Scenario): string[] {
  return [INSIDE, ...Object.entries(s.nodes).filter(([, n]) => n.role === 'firewall').map(([name]) => viaView(name))];
}

/** The node a client in `view` reaches at `node`'s address: itself inside; from behind a firewall, the firewall for every node down its chain. */
export function reachedIn(s: Scenario, view: string, node: string): string | undefined {
  if (view === INSIDE || s.nodes[node]?.role === 'sender') return node;
  const fw = view.slice('via '.length);
  for (let cur: string | undefined = fw, i = 0; cur !== undefined && i < 32; i++) {
    if (cur === node) return fw;
    const n: NodeSpec | undefined = s.nodes[cur];
    cur = n?.role === 'firewall' ? n['forwards-to'] : undefined;
  }
  return undefined;
}

/** The node whose hostname is `host` (case-insensitive), if any. */
export function nodeByHostname(s: Scenario, host: string): string | undefined {
  const h = canonical(host);
  return Object.keys(s.nodes).find((n) => canonical(nodeHostname(s, n)) === h);
}

/** The `dns:` zone declared for exactly `domain`. */
export function zoneSpec(s: Scenario, domain: string): DnsZone | undefined {
  const d = canonical(domain);
  const key = Object.keys(s.dns ?? {}).find((k) => canonical(k) === d);
  return key === undefined ? undefined : s.dns![key];
}

export interface MxTarget {
  preference: number;
  host: string;
}

/** A domain's MX records as declared: a node name is its hostname at preference 10, 20, … in order. */
export function mxOf(s: Scenario, domain: string): MxTarget[] {
  const z = zoneSpec(s, domain);
  return (z?.mx ?? []).map((entry, i) => {
    const m = /^(\d+)\s+(\S+)$/.exec(entry.trim());
    const host = m ? m[2] : entry.trim();
    const asNode = !host.includes('.') && s.nodes[host] ? nodeHostname(s, host) : host;
    return { preference: m ? Number(m[1]) : 10 * (i + 1), host: canonical(asNode) };
  });
}

/** The hosts mail to `domain` goes to, in preference order (RFC 5321 §5.1: the domain itself without MX). */
export function mailHosts(s: Scenario, domain: string): string[] {
  const mx = mxOf(s, domain);
  if (!mx.length) return [canonical(domain)];
  return [...mx].sort((a, b) => a.preference - b.preference).map((m) => m.host).filter((h) => h !== '');
}

/** The domain of an envelope recipient. */
export function domainOf(address: string): string {
  return canonical(address.slice(address.lastIndexOf('@') + 1));
}

/**
 * The node paths a message may take, in MX order: [sender, the node its MX host's address leads to,
 * …forwards-to… , receiver]. Hosts that are no node, or that the sender's side does not see, give no path.
 */
export function routesOf(s: Scenario, sender: string, toAddress: string): string[][] {
  const view = viewOf(s, sender);
  const out: string[][] = [];
  for (const host of mailHosts(s, domainOf(toAddress))) {
    const node = nodeByHostname(s, host);
    const reached = node === undefined ? undefined : reachedIn(s, view, node);
    if (reached === undefined) continue;
    const path = [sender];
    for (let cur: string | undefined = reached; cur !== undefined && path.length < 17; ) {
      path.push(cur);
      const n: NodeSpec | undefined = s.nodes[cur];
      cur = n?.role === 'firewall' ? n['forwards-to'] : undefined;
    }
    if (!out.some((p) => p.join() === path.join())) out.push(path);
  }
  return out;
}

/** The MTA-STS policy each domain publishes (domain → policy, id, file text). */
export function mtaStsPolicies(s: Scenario): Record<string, { policy: MtaStsPolicy; id: string; text: string }> {
  const out: Record<string, { policy: MtaStsPolicy; id: string; text: string }> = {};
  for (const [key, z] of Object.entries(s.dns ?? {})) {
    const sts = z['mta-sts'];
    if (!sts) continue;
    const domain = canonical(key);
    const policy: MtaStsPolicy = { mode: sts.mode, mx: (sts.mx ?? mailHosts(s, domain)).map((m) => canonical(m)), maxAge: sts['max-age'] };
    out[domain] = { policy, id: sts.id ?? policyId(policy), text: policyText(policy) };
  }
  return out;
}

/** Names the run's certificate must carry: every `mta-sts.<domain>` policy host. */
export function policyHostNames(s: Scenario): string[] {
  return Object.keys(mtaStsPolicies(s)).map((d) => `mta-sts.${d}`);
}

/** Where a runtime puts things, per view. */
export interface DnsAddresses {
  /** the address a client in `view` connects to for `node` (what reachedIn gave); undefined: none on that side */
  node(view: string, node: string): string | undefined;
  /** the MTA-STS policy host as `view` reaches it */
  policyHost(view: string): string;
  /** an address in `view` where nothing listens: MX hosts that are no node */
  nowhere(view: string): string;
}

/** The zones and records of a scenario's lab DNS, addresses as the runtime gives them. */
export async function labDnsData(s: Scenario, certs: RunCertificates, addr: DnsAddresses): Promise<LabDnsData> {
  // the root is signed, as the real one is: a name outside the scenario is a secure NXDOMAIN, and
  // Postfix's DNSSEC probe (NS of the root) finds a validating resolver
  const zones: Record<string, Security> = { '': 'secure' };
  for (const [key, z] of Object.entries(s.dns ?? {})) zones[canonical(key)] = z.dnssec;
  // under one of the scenario's zones (the root does not count: it publishes nothing)
  const inZone = (name: string) => {
    for (let n = canonical(name); ; n = n.slice(n.indexOf('.') + 1)) {
      if (n && Object.hasOwn(zones, n)) return true;
      if (!n.includes('.')) return false;
    }
  };
  const common: Record<string, LabRecord[]> = {};
  const add = (to: Record<string, LabRecord[]>, name: string, r: LabRecord) => (to[canonical(name)] ??= []).push(r);
  const extraHosts = new Set<string>();
  const sts = mtaStsPolicies(s);

  for (const [key, z] of Object.entries(s.dns ?? {})) {
    const domain = canonical(key);
    for (const mx of mxOf(s, domain)) {
      add(common, domain, { type: 'MX', data: { preference: mx.preference, exchange: mx.host } });
      if (mx.host === '') continue; // a null MX (RFC 7505): no host
      // a host outside every zone is published by the zone that names it
      if (!inZone(mx.host)) zones[mx.host] = z.dnssec;
      if (nodeByHostname(s, mx.host) === undefined) extraHosts.add(mx.host);
    }
    for (const t of z.txt ?? []) add(common, domain, { type: 'TXT', data: chunks(t) });
    if (z.tlsa === 'servfail') {
      // the TLSA owner name alone fails validation: MX and addresses stay as the zone says
      for (const host of mailHosts(s, domain)) zones[`_25._tcp.${host}`] = 'bogus';
    } else if (z.tlsa !== undefined) {
      for (const host of mailHosts(s, domain)) {
        const node = nodeByHostname(s, host);
        const n = node === undefined ? undefined : s.nodes[node];
        const leaf = n?.role === 'receiver' ? (await faultCertificate(certs, n['tls-fault'])).cert : certs.cert;
        for (const r of tlsaRecords(z.tlsa, leaf, certs.ca, host)) add(common, `_25._tcp.${host}`, { type: 'TLSA', data: r });
      }
    }
    if (sts[domain]) add(common, `_mta-sts.${domain}`, { type: 'TXT', data: [stsRecord(sts[domain].id)] });
  }
  for (const n of Object.keys(s.nodes)) {
    const host = canonical(nodeHostname(s, n));
    if (!inZone(host)) zones[host] ??= 'insecure';
  }

  const views: LabDnsData['views'] = {};
  for (const view of viewsOf(s)) {
    const names: Record<string, LabRecord[]> = structuredClone(common);
    for (const n of Object.keys(s.nodes)) {
      const reached = reachedIn(s, view, n);
      const address = reached === undefined ? undefined : addr.node(view, reached);
      if (address !== undefined) add(names, nodeHostname(s, n), { type: 'A', data: address });
    }
    for (const host of extraHosts) add(names, host, { type: 'A', data: addr.nowhere(view) });
    for (const domain of Object.keys(sts)) add(names, `mta-sts.${domain}`, { type: 'A', data: addr.policyHost(view) });
    views[view] = names;
  }
  return { zones, views };
}

/** A TXT value as character-strings of at most 255 bytes (RFC 1035 §3.3.14). */
function chunks(text: string): string[] {
  const b = Buffer.from(text, 'utf8');
  const out: string[] = [];
  for (let i = 0; i < b.length; i += 255) out.push(b.subarray(i, i + 255).toString('utf8'));
  return out.length ? out : [''];
}
