import https from 'node:https';
import type { StubResolver } from '../../dns/client.js';
import { parsePolicy, POLICY_MAX_BYTES, POLICY_PATH, stsRecordId, type MtaStsPolicy } from '../../dns/mta-sts.js';
import type { Clock } from '../../model/clock.js';

/**
 * A sender's MTA-STS policy discovery (RFC 8461 §3): the `_mta-sts` TXT record, the policy fetched
 * over HTTPS from `mta-sts.<domain>` with a certificate valid for that name, and a cache by domain
 * that keeps a policy for its max_age and fetches again only when the TXT id changes.
 */

interface Cached {
  id: string;
  policy: MtaStsPolicy;
  /** run-clock ms */
  expires: number;
}

/** One sender node's cache; concurrent deliveries to one domain share one fetch. */
export class PolicyCache {
  private readonly entries = new Map<string, Cached>();
  private readonly inflight = new Map<string, Promise<Cached | string>>();

  constructor(private readonly clock: Clock) {}

  /** the unexpired cached policy of `domain` */
  get(domain: string): Cached | undefined {
    const c = this.entries.get(domain);
    return c && c.expires > this.clock.now() ? c : undefined;
  }

  /** fetches (once for concurrent callers: `joined` for the others) and caches; a string is why it failed */
  async fetch(domain: string, id: string, load: () => Promise<MtaStsPolicy | string>): Promise<{ result: Cached | string; joined: boolean }> {
    const key = `${domain} ${id}`;
    let p = this.inflight.get(key);
    const joined = p !== undefined;
    if (!p) {
      p = load().then((r) => {
        if (typeof r === 'string') return r;
        const c = { id, policy: r, expires: this.clock.now() + r.maxAge * 1000 };
        this.entries.set(domain, c);
        return c;
      });
      this.inflight.set(key, p);
      void p.finally(() => this.inflight.delete(key));
    }
    return { result: await p, joined };
  }
}

export interface PolicyLookup {
  policy?: MtaStsPolicy;
  /** what happened, for the log: `fetched …`, `cached`, `none: …` */
  note: string;
}

export interface PolicyFetchOptions {
  dns: StubResolver;
  cache: PolicyCache;
  /** where to connect for the policy host's address (local runtime: a 127.0.0.1 port) */
  endpoint(address: string): { host: string; port: number } | undefined;
  /** the CA the policy host's certificate must chain to (the run CA) */
  ca?: string;
  timeoutMs: number;
}

/** RFC 8461 §3.3 and §5.1: the policy to apply to `domain`, if it has one. */
export async function lookupPolicy(domain: string, o: PolicyFetchOptions): Promise<PolicyLookup> {
  const cached = o.cache.get(domain);
  const txt = await o.dns.query(`_mta-sts.${domain}`, 'TXT');
  const strings = txt.records.map((r) => ((Array.isArray(r.data) ? r.data : [r.data]) as (Buffer | string)[]).map((x) => x.toString()).join(''));
  const id = txt.rcode === 'NOERROR' ? stsRecordId(strings) : undefined;
  if (id === undefined) {
    // no valid record: a cached policy still applies until it expires (§3.3)
    if (cached) return { policy: cached.policy, note: `cached (id ${cached.id}); _mta-sts TXT: ${txt.rcode}${txt.records.length ? ' without one valid v=STSv1 record' : ''}` };
    return { note: `none (_mta-sts.${domain} TXT: ${txt.rcode === 'NOERROR' ? 'no single valid v=STSv1 record' : txt.rcode})` };
  }
  if (cached && cached.id === id) return { policy: cached.policy, note: `cached (id ${id})` };
  const { result: r, joined } = await o.cache.fetch(domain, id, () => fetchPolicy(domain, o));
  if (typeof r !== 'string') return { policy: r.policy, note: `${joined ? 'fetched for a concurrent delivery from' : 'fetched'} https://mta-sts.${domain}${POLICY_PATH} (id ${id})` };
  // a failed fetch: the cached policy if there is one, else as if the domain had none (§3.3)
  if (cached) return { policy: cached.policy, note: `cached (id ${cached.id}); fetching id ${id} failed: ${r}` };
  return { note: `none (fetching https://mta-sts.${domain}${POLICY_PATH} failed: ${r})` };
}

/** GET the policy: HTTPS with a valid certificate for mta-sts.<domain>, 200 only (no redirects), text/plain, ≤ 64 KiB (§3.3). */
async function fetchPolicy(domain: string, o: PolicyFetchOptions): Promise<MtaStsPolicy | string> {
  const host = `mta-sts.${domain}`;
  const a = await o.dns.query(host, 'A');
  if (a.rcode !== 'NOERROR' || !a.records.length) return `${host} A: ${a.rcode === 'NOERROR' ? 'no address' : a.rcode}`;
  const address = String(a.records[0].data);
  const ep = o.endpoint(address);
  if (!ep) return `connect ECONNREFUSED ${address}:443`;
  const body = await new Promise<string>((resolve) => {
    const req = https.request(
      { host: ep.host, port: ep.port, path: POLICY_PATH, method: 'GET', servername: host, headers: { host }, agent: false, rejectUnauthorized: true, ...(o.ca ? { ca: o.ca } : {}), timeout: o.timeoutMs },
      (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          return resolve(`HTTP ${res.statusCode ?? '?'}${res.headers.location ? ` (redirect to ${res.headers.location}, not followed)` : ''}`);
        }
        if (!/^text\/plain\b/i.test(res.headers['content-type'] ?? '')) {
          res.resume();
          return resolve(`Content-Type ${res.headers['content-type'] ?? '(none)'}, not text/plain`);
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > POLICY_MAX_BYTES) {
            req.destroy();
            return resolve(`policy larger than ${POLICY_MAX_BYTES} bytes`);
          }
          chunks.push(c);
        });
        res.on('end', () => resolve(`\0${Buffer.concat(chunks).toString('utf8')}`));
        res.on('error', (e) => resolve(e.message));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${o.timeoutMs} ms`)));
    req.on('error', (e) => resolve(e.message));
    req.end();
  });
  if (!body.startsWith('\0')) return body;
  const p = parsePolicy(body.slice(1));
  return 'error' in p ? `invalid policy: ${p.error}` : p;
}
