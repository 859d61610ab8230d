import { stubResolver, type DnsResult, type Exchange, type StubResolver } from '../../dns/client.js';
import { mxMatches, type MtaStsPolicy } from '../../dns/mta-sts.js';
import { usable, type TlsaData } from '../../dns/tlsa.js';
import type { DnsQuery } from '../../model/result.js';
import type { AttemptResult } from './attempt.js';
import { connectTo, summarize, type Job } from './deliver.js';
import { mtaLog } from './mta-log.js';
import type { TlsPlan, Verdict } from './policy.js';
import { lookupPolicy, PolicyCache } from './sts-policy.js';
import type { DeliveryResult, DeliveryTarget } from './types.js';

/**
 * Routing through the lab DNS, as an MTA does it: the recipient domain's MX records in preference
 * order (RFC 5321 §5.1; the domain's own address when it has none, NXDOMAIN or a null MX bounce,
 * RFC 7505), each host's addresses, then per host what TLS it gets: `dane` looks up TLSA when the
 * MX and address answers were secure (RFC 7672 §2.2), `mta-sts` applies the domain's policy (RFC
 * 8461 §5). The next MX host is tried when a host cannot be used: its lookup failed, nothing
 * answered, the greeting or TLS failed or was refused — anything before MAIL FROM; a reply to
 * MAIL, RCPT or DATA decides.
 */

const NAME_ERROR = 'Host or domain name not found. Name service error';
/** A cache per lab DNS setting for callers that give none (library use). */
const fallbackCaches = new WeakMap<object, PolicyCache>();

export async function deliverByDns(job: Job, log: string[]): Promise<DeliveryResult> {
  const { sender, message } = job;
  const dnsCfg = sender.dns!;
  const queries: DnsQuery[] = [];
  const dns = stubResolver({ server: dnsCfg.server, clock: sender.clock, onExchange: (e: Exchange) => queries.push({ ...e, node: sender.name }) });
  const domain = message.to.slice(message.to.lastIndexOf('@') + 1).toLowerCase();
  const results: AttemptResult[] = [];
  const done = (verdict?: Verdict, nextHop?: string) => summarize(sender, results, log, { dns: queries, ...(nextHop !== undefined ? { nextHop } : {}) }, verdict);

  const mx = await dns.query(domain, 'MX');
  const dest = destinations(domain, mx);
  if ('verdict' in dest) return done(dest.verdict);
  log.push(mtaLog.mx(message.id, domain, dest.implicit ? `no MX records, the domain's own address (RFC 5321 §5.1)` : dest.hosts.map((h) => `${h.preference} ${h.host}`).join(', ') + (mx.ad ? ' (secure)' : '')));

  let sts: MtaStsPolicy | undefined;
  if (sender.tls === 'mta-sts') {
    const cache = dnsCfg.policies ?? fallbackCache(dnsCfg, sender.clock);
    const endpoint = (address: string) => (dnsCfg.endpoint ? dnsCfg.endpoint(address, 443) : { host: address, port: 443 });
    const found = await lookupPolicy(domain, { dns, cache, endpoint, ...(sender.ca ? { ca: sender.ca } : {}), timeoutMs: sender.timeoutMs ?? 10_000 });
    sts = found.policy && found.policy.mode !== 'none' ? found.policy : undefined;
    log.push(mtaLog.policy(message.id, domain, found.policy ? `mode ${found.policy.mode}, mx ${found.policy.mx.join(' ') || '(none)'}, max_age ${found.policy.maxAge}; ${found.note}` : found.note));
  }

  let failure: { verdict: Verdict; connection: boolean } | undefined;
  let lastHop: string | undefined;
  for (const { host } of dest.hosts) {
    const plan = await tlsPlanFor(host, domain, dest.secure, sts, job, dns, log);
    if ('verdict' in plan) {
      log.push(mtaLog.hostSkipped(message.id, host, plan.verdict.detail ?? plan.verdict.reason));
      failure = { verdict: plan.verdict, connection: false };
      continue;
    }
    for (const address of plan.addresses) {
      const ep = dnsCfg.endpoint ? dnsCfg.endpoint(address, 25) : { host: address, port: 25 };
      const target: DeliveryTarget = { host: ep?.host ?? address, port: ep?.port ?? 25, servername: host, node: ep?.node ?? dnsCfg.nodes?.[address] ?? address };
      const rs = ep ? await connectTo(job, target, plan.tls) : [refused(job, address, host)];
      results.push(...rs);
      lastHop = ep ? target.node : undefined;
      const last = rs[rs.length - 1];
      if (!beforeMail(last)) return done(undefined, lastHop);
      failure = { verdict: last, connection: true };
    }
  }
  if (!failure) return done({ outcome: 'deferred', reason: 'host-not-found', detail: `${NAME_ERROR} for ${domain}: no usable MX host` });
  return failure.connection ? done(undefined, lastHop) : done(failure.verdict, lastHop);
}

interface MxHost {
  preference: number;
  host: string;
}
type Destinations = { hosts: MxHost[]; secure: boolean; implicit: boolean } | { verdict: Verdict };

/** RFC 5321 §5.1 and RFC 7505: the hosts of a domain from its MX answer. */
function destinations(domain: string, mx: DnsResult): Destinations {
  if (mx.rcode === 'NXDOMAIN') return { verdict: { outcome: 'bounced', reason: 'host-not-found', detail: `${NAME_ERROR} for name=${domain} type=MX: Host not found` } };
  if (mx.rcode !== 'NOERROR') return { verdict: { outcome: 'deferred', reason: 'dns-failure', detail: `MX lookup for ${domain}: ${mx.rcode}` } };
  const hosts = mx.records
    .map((r) => r.data as { preference?: number; exchange: string })
    .map((d) => ({ preference: d.preference ?? 0, host: d.exchange.toLowerCase().replace(/\.$/, '') }))
    .sort((a, b) => a.preference - b.preference); // stable: equal preferences keep the answer's order
  if (hosts.length === 1 && hosts[0].host === '') return { verdict: { outcome: 'bounced', reason: 'host-not-found', detail: `${domain} accepts no mail (null MX, RFC 7505)` } };
  if (!hosts.length) return { hosts: [{ preference: 0, host: domain }], secure: mx.ad, implicit: true };
  return { hosts, secure: mx.ad, implicit: false };
}

/** A host's addresses and the TLS it gets, or why it cannot be used. */
async function tlsPlanFor(host: string, domain: string, mxSecure: boolean, sts: MtaStsPolicy | undefined, job: Job, dns: StubResolver, log: string[]): Promise<{ addresses: string[]; tls: TlsPlan } | { verdict: Verdict }> {
  const policy = job.sender.tls;
  const logPlan = (what: string) => log.push(mtaLog.tlsPlan(job.message.id, host, what));
  if (sts && sts.mode === 'enforce' && !mxMatches(host, sts.mx)) {
    return { verdict: { outcome: 'deferred', reason: 'mta-sts-policy', detail: `MX host ${host} is not in the MTA-STS policy of ${domain} (mx: ${sts.mx.join(', ')})` } };
  }
  const a = await dns.query(host, 'A');
  if (a.rcode !== 'NOERROR' && a.rcode !== 'NXDOMAIN') return { verdict: { outcome: 'deferred', reason: 'dns-failure', detail: `address lookup for ${host}: ${a.rcode}` } };
  const addresses = a.records.map((r) => String(r.data));
  if (!addresses.length) return { verdict: { outcome: 'deferred', reason: 'host-not-found', detail: `${NAME_ERROR} for name=${host} type=A: ${a.rcode === 'NXDOMAIN' ? 'Host not found' : 'No address'}` } };

  if (policy === 'dane' || policy === 'dane-only') {
    // RFC 7672 §2.2: TLSA records count only when the MX and address lookups were secure
    let records: TlsaData[] = [];
    let found = 0;
    let why = '';
    if (!mxSecure || !a.ad) why = `${!mxSecure ? 'MX' : 'address'} lookup not DNSSEC-secure`;
    else {
      const t = await dns.query(`_25._tcp.${host}`, 'TLSA');
      if (t.rcode !== 'NOERROR' && t.rcode !== 'NXDOMAIN') return { verdict: { outcome: 'deferred', reason: 'dns-failure', detail: `TLSA lookup for _25._tcp.${host}: ${t.rcode} (RFC 7672 §2.2: the host is not used)` } };
      if (!t.ad) why = 'TLSA answer not DNSSEC-secure';
      else if (!t.records.length) why = 'no TLSA records (secure denial)';
      else {
        const all = t.records.map((r) => r.data as { usage: number; selector: number; matchingType: number; certificate: Buffer }).map((d) => ({ ...d, certificate: d.certificate.toString('hex') }));
        found = all.length;
        records = usable(all);
      }
    }
    if (found && records.length) {
      const tls: TlsPlan = { mode: 'required', dane: { records, names: [host, domain] }, notOffered: { reason: 'dane-required-tls-not-offered', detail: `TLS is required by DANE TLSA records for ${host}, but was not offered by host` } };
      logPlan(`DANE, ${records.length} usable TLSA record${records.length > 1 ? 's' : ''}`);
      return { addresses, tls };
    }
    if (found) {
      // RFC 7672 §3.1.3 (and §2.2): secure TLSA records, none usable — TLS still mandatory, no authentication
      logPlan('DANE, secure TLSA records but none usable: TLS required, certificate not checked');
      return { addresses, tls: { mode: 'required', notOffered: { reason: 'dane-required-tls-not-offered', detail: `TLS is required by DANE TLSA records for ${host}, but was not offered by host` } } };
    }
    if (policy === 'dane-only') return { verdict: { outcome: 'deferred', reason: 'dane-unavailable', detail: `no DANE for ${host}: ${why}` } };
    logPlan(`opportunistic (no DANE: ${why})`);
    return { addresses, tls: { mode: 'opportunistic' } };
  }
  if (policy === 'mta-sts' && sts) {
    if (sts.mode === 'testing') {
      logPlan(`opportunistic, MTA-STS testing: certificate checked and logged only${mxMatches(host, sts.mx) ? '' : `; ${host} is not in the policy (mx: ${sts.mx.join(', ')})`}`);
      return { addresses, tls: { mode: 'opportunistic', sts: { mode: 'testing', host, domain } } };
    }
    logPlan('MTA-STS enforce: TLS 1.2+ with a certificate valid for the host');
    return { addresses, tls: { mode: 'required', sts: { mode: 'enforce', host, domain }, notOffered: { reason: 'mta-sts-policy', detail: `MTA-STS policy of ${domain} (enforce) requires TLS, but it was not offered by ${host}` } } };
  }
  return { addresses, tls: { mode: policy === 'mta-sts' ? 'opportunistic' : policy } };
}

/** The session never reached MAIL FROM: another MX host may do better (RFC 5321 §5.1). */
function beforeMail(r: AttemptResult): boolean {
  if (r.outcome === 'delivered') return false;
  return !r.transcript.some((e) => e.dir === 'c2s' && /^MAIL FROM:/i.test(e.text));
}

/** A connection to an address where nothing listens (a host that is no node): refused, without a socket. */
function refused(job: Job, address: string, host: string): AttemptResult {
  const t = job.sender.clock.now();
  const detail = `connect ECONNREFUSED ${address}:25`;
  return {
    outcome: 'deferred',
    reason: 'connection-refused',
    detail,
    tls: false,
    clientView: { banner: [], ehlo: [] },
    transcript: [
      { t, dir: 'c2s', text: `<connect ${address}:25 (${host})>` },
      { t, dir: 's2c', text: `<connection-refused: ${detail}: nothing listens at this address>` },
    ],
    log: [`Connection Error: DCID 0 address ${address} port 25 details: connection-refused (${detail})`],
  };
}

function fallbackCache(key: object, clock: Job['sender']['clock']): PolicyCache {
  let c = fallbackCaches.get(key);
  if (!c) fallbackCaches.set(key, (c = new PolicyCache(clock)));
  return c;
}
