import { nodeHostname } from './hostnames.js';
import type { NodeSpec, Scenario } from './schema.js';

type Role = NodeSpec['role'];
type Diag = (path: PropertyKey[], message: string, hint?: string, key?: boolean) => void;
type Ref = (path: PropertyKey[], name: string | undefined, roles: Role[], what: string) => void;

/**
 * What real MTAs cannot do, as a validation error naming why (checked against their manuals):
 * OpenSMTPD 6.8 has neither DANE nor MTA-STS (smtpd.conf(5) has no TLSA or policy lookups); Exim
 * 4.96 has DANE (`hosts_require_dane`, `hosts_try_dane`) but no MTA-STS.
 */
const UNSUPPORTED: Record<string, Partial<Record<string, string>>> = {
  opensmtpd: {
    dane: 'OpenSMTPD has no DANE: smtpd.conf(5) has no TLSA lookups (a relay action can only require TLS or verify against CAs)',
    'dane-only': 'OpenSMTPD has no DANE: smtpd.conf(5) has no TLSA lookups (a relay action can only require TLS or verify against CAs)',
    'mta-sts': 'OpenSMTPD has no MTA-STS: smtpd.conf(5) has no policy lookups, and no policy daemon plugs into it the way postfix-mta-sts-resolver does into Postfix',
  },
  exim: {
    'mta-sts': 'Exim 4.96 has no MTA-STS (DANE it has: use tls: dane or dane-only)',
  },
};

/** Cross-references of the lab DNS: MX node names, what real MTAs support, hosts two zones publish differently. */
export function checkDnsReferences(s: Scenario, diag: Diag, ref: Ref): void {
  for (const [name, node] of Object.entries(s.nodes)) {
    if (node.role !== 'sender') continue;
    // the node as written and every mta / tls a matrix gives it
    const mtas = new Set([node.mta, ...(s.matrix?.[`${name}.mta`] ?? []).map(String)]);
    const policies = new Set([node.tls, ...(s.matrix?.[`${name}.tls`] ?? []).map(String)]);
    const said = new Set<string>();
    for (const mta of mtas) {
      for (const tls of policies) {
        const why = UNSUPPORTED[mta]?.[tls];
        if (!why || said.has(why)) continue;
        said.add(why);
        diag(['nodes', name, 'tls'], `expected a TLS policy mta: ${mta} supports, got "${tls}": ${why}`, 'use mta: postfix or mta: builtin for this policy');
      }
    }
  }
  const hostOf = (entry: string) => {
    const m = /^(\d+)\s+(\S+)$/.exec(entry.trim());
    const host = m ? m[2] : entry.trim();
    return (!host.includes('.') && s.nodes[host] ? nodeHostname(s, host) : host).toLowerCase().replace(/\.$/, '');
  };
  const publishedBy = new Map<string, { zone: string; dnssec: string; tlsa: string }>();
  const zones = Object.keys(s.dns ?? {}).map((z) => z.toLowerCase().replace(/\.$/, ''));
  const inZone = (host: string) => zones.some((z) => host === z || host.endsWith(`.${z}`));
  const seen = new Map<string, string>();
  for (const [zone, z] of Object.entries(s.dns ?? {})) {
    const canonical = zone.toLowerCase().replace(/\.$/, '');
    if (seen.has(canonical)) diag(['dns', zone], `expected each zone once, got "${zone}" again (as "${seen.get(canonical)}")`, undefined, true);
    seen.set(canonical, zone);
    (z.mx ?? []).forEach((entry, i) => {
      const bare = entry.trim();
      if (/^[a-z][a-z0-9-]*$/.test(bare)) ref(['dns', zone, 'mx', i], bare, ['receiver'], 'a receiver node, or "PRIO host"');
      const host = hostOf(entry);
      const tlsa = JSON.stringify(z.tlsa ?? null);
      const before = publishedBy.get(host);
      if (before && !inZone(host) && before.dnssec !== z.dnssec) {
        diag(['dns', zone, 'mx', i], `expected ${host} to be published with one DNSSEC status, got ${z.dnssec} here and ${before.dnssec} in ${before.zone}`, `give it a zone of its own under dns: (e.g. its parent domain), or list it in one zone`);
      } else if (before && before.tlsa !== tlsa && before.tlsa !== 'null' && tlsa !== 'null') {
        diag(['dns', zone, 'tlsa'], `expected one TLSA setting for ${host}, got ${tlsa} here and ${before.tlsa} in ${before.zone}`, 'set tlsa: the same way on every zone that lists this MX host');
      }
      if (!before || (before.tlsa === 'null' && tlsa !== 'null')) publishedBy.set(host, { zone, dnssec: before?.dnssec ?? z.dnssec, tlsa });
    });
    if (Array.isArray(z.tlsa)) {
      z.tlsa.forEach((r, i) => {
        const [, , m, data] = r.trim().split(/\s+/);
        const want = m === '1' ? 64 : m === '2' ? 128 : 0;
        if (want && data !== 'leaf' && data !== 'ca' && data.length !== want) {
          diag(['dns', zone, 'tlsa', i], `expected ${want} hex digits for matching type ${m} (${m === '1' ? 'SHA-256' : 'SHA-512'}), got ${data.length}`, 'or write leaf / ca to have the lab compute it');
        }
      });
    }
  }
}
