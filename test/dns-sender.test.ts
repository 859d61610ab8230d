import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type StartedReceiver } from '../src/actors/receiver/index.js';
import { deliver, PolicyCache, type SenderOptions } from '../src/actors/sender/index.js';
import type { LabDnsData, LabRecord } from '../src/dns/data.js';
import { mxMatches, parsePolicy, policyText, stsRecordId } from '../src/dns/mta-sts.js';
import { startPolicyHost, type StartedPolicyHost } from '../src/dns/policy-host.js';
import { startLabResolver, type StartedResolver } from '../src/dns/server.js';
import { associationData, daneCheck, tlsaRecords } from '../src/dns/tlsa.js';
import { monotonicClock } from '../src/model/clock.js';
import { faultCertificate, generateRunCertificates, presentedChain, type RunCertificates } from '../src/tls/certs.js';
import type { SenderTls } from '../src/vocabulary.js';

/**
 * The builtin sender routing through a lab resolver over real sockets: MX order and fallback, DANE
 * decisions per TLSA answer, MTA-STS discovery, fetch failures and caching — against persona
 * receivers with real TLS and a real HTTPS policy host.
 */
const clock = monotonicClock();
let certs: RunCertificates;
let good: StartedReceiver;
let wrongName: StartedReceiver;
let resolver: StartedResolver;
let policyHost: StartedPolicyHost;
const policies: Record<string, string> = {};
const A = (ip: string): LabRecord => ({ type: 'A', data: ip });
const MX = (preference: number, exchange: string): LabRecord => ({ type: 'MX', data: { preference, exchange } });

beforeAll(async () => {
  certs = await generateRunCertificates(['mx1.corp.example', 'mx2.corp.example', 'mta-sts.corp.example', 'mta-sts.bad.example', 'mta-sts.redirect.example', 'mta-sts.html.example']);
  good = await startReceiver({ name: 'good', persona: 'postfix', hostname: 'mx1.corp.example', tls: 'preferred', certs, clock });
  wrongName = await startReceiver({ name: 'wrong', persona: 'postfix', hostname: 'mx2.corp.example', tls: 'preferred', tlsFault: 'wrong-name', certs, clock });
  const leaf = (await faultCertificate(certs, 'none')).cert;
  const tlsa = (setting: 'auto' | string[]) => tlsaRecords(setting, leaf, certs.ca, 'x').map((data): LabRecord => ({ type: 'TLSA', data }));
  const data: LabDnsData = {
    zones: { 'corp.example': 'secure', 'lazy.example': 'secure', '_25._tcp.mx.lazy.example': 'bogus', 'bad.example': 'insecure', 'redirect.example': 'insecure', 'html.example': 'insecure' },
    views: {
      inside: {
        // MX 10 refuses connections, MX 20 is the receiver
        'corp.example': [MX(10, 'down.corp.example'), MX(20, 'mx1.corp.example')],
        'down.corp.example': [A('198.19.255.254')],
        'mx1.corp.example': [A('198.18.0.1')],
        '_25._tcp.mx1.corp.example': tlsa('auto'),
        '_mta-sts.corp.example': [{ type: 'TXT', data: ['v=spf1 -all'] }, { type: 'TXT', data: ['v=STSv1; id=20240101'] }],
        'mta-sts.corp.example': [A('198.19.0.1')],
        // the TLSA lookup of MX 10 fails: MX 20 takes the message
        'lazy.example': [MX(10, 'mx.lazy.example'), MX(20, 'mx1.corp.example')],
        'mx.lazy.example': [A('198.18.0.1')],
        'bad.example': [MX(10, 'mx1.corp.example')],
        '_mta-sts.bad.example': [{ type: 'TXT', data: ['v=STSv1; id=1'] }],
        'mta-sts.bad.example': [A('198.19.0.1')],
        'redirect.example': [MX(10, 'mx1.corp.example')],
        '_mta-sts.redirect.example': [{ type: 'TXT', data: ['v=STSv1; id=1'] }],
        'mta-sts.redirect.example': [A('198.19.0.2')],
        'html.example': [MX(10, 'mx1.corp.example')],
        '_mta-sts.html.example': [{ type: 'TXT', data: ['v=STSv1; id=1'] }],
        'mta-sts.html.example': [A('198.19.0.3')],
      },
    },
  };
  resolver = await startLabResolver({ data, listeners: [{ host: '127.0.0.1' }], clientOf: () => ({ node: 'mta', view: 'inside' }), clock });
  policies['corp.example'] = policyText({ mode: 'enforce', mx: ['*.corp.example'], maxAge: 3600 });
  policies['bad.example'] = 'version: STSv1\r\nmode: enforce\r\nmax_age: 60\r\n'; // no mx line: invalid
  policyHost = await startPolicyHost({ policies, key: certs.key, cert: presentedChain(certs, certs), host: '127.0.0.1' });
});
afterAll(async () => {
  await Promise.all([good?.stop(), wrongName?.stop(), resolver?.stop(), policyHost?.stop()]);
});

/** A sender that maps the lab addresses above to the servers, like the local runtime. */
function sender(tls: SenderTls, policiesCache = new PolicyCache(clock)): SenderOptions {
  return {
    name: 'mta',
    tls,
    ca: certs.ca,
    clock,
    timeoutMs: 3000,
    dns: {
      server: resolver.addresses[0],
      policies: policiesCache,
      endpoint: (address, port) => {
        if (address === '198.18.0.1' && port === 25) return { host: good.host, port: good.port, node: 'good' };
        if (address === '198.19.0.1' && port === 443) return { host: policyHost.host, port: policyHost.port };
        if (address === '198.19.0.2' && port === 443) return { host: redirect.host, port: redirect.port };
        if (address === '198.19.0.3' && port === 443) return { host: html.host, port: html.port };
        return undefined;
      },
    },
  };
}
const send = (tls: SenderTls, to: string, cache?: PolicyCache) => deliver(sender(tls, cache), { id: 'm', from: 'a@mta.example', to }, undefined);

/** HTTPS servers that answer the policy path wrongly. */
let redirect: { host: string; port: number; stop(): Promise<void> };
let html: { host: string; port: number; stop(): Promise<void> };
beforeAll(async () => {
  const serve = async (handler: (q: IncomingMessage, res: ServerResponse) => void) => {
    const s = https.createServer({ key: certs.key, cert: certs.cert }, handler);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    return { host: '127.0.0.1', port: (s.address() as { port: number }).port, stop: () => new Promise<void>((r) => s.close(() => r())) };
  };
  redirect = await serve((_q, res) => res.writeHead(301, { location: 'https://elsewhere.example/.well-known/mta-sts.txt' }).end());
  html = await serve((_q, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(policies['corp.example']));
});
afterAll(async () => {
  await Promise.all([redirect?.stop(), html?.stop()]);
});

describe('routing by MX through the lab resolver', () => {
  it('goes on to the next MX host when the first refuses the connection, and records every query', async () => {
    const r = await send('opportunistic', 'ops@corp.example');
    expect(r).toMatchObject({ outcome: 'delivered', tls: true, nextHop: 'good', connections: 2 });
    expect(r.dns?.map((q) => `${q.name} ${q.type} ${q.rcode}`)).toEqual(['corp.example MX NOERROR', 'down.corp.example A NOERROR', 'mx1.corp.example A NOERROR']);
    expect(r.transcript[1].text).toBe('<connection-refused: connect ECONNREFUSED 198.19.255.254:25: nothing listens at this address>');
  });

  it('under DANE, a TLSA lookup that fails makes the host unusable (RFC 7672 §2.2): the next MX takes it', async () => {
    const r = await send('dane', 'ops@lazy.example');
    expect(r).toMatchObject({ outcome: 'delivered', tls: true, nextHop: 'good' });
    expect(r.log).toContain('MID m MX host mx.lazy.example skipped: TLSA lookup for _25._tcp.mx.lazy.example: SERVFAIL (RFC 7672 §2.2: the host is not used)');
    expect(r.log.some((l) => l.includes('DANE success: DANE-EE 3 1 1 matched the server certificate'))).toBe(true);
  });
});

describe('MTA-STS discovery', () => {
  it('fetches the policy once, then uses the cache while the TXT id is the same', async () => {
    const cache = new PolicyCache(clock);
    const first = await send('mta-sts', 'ops@corp.example', cache);
    expect(first.log).toContain('MID m MTA-STS policy for corp.example: mode enforce, mx *.corp.example, max_age 3600; fetched https://mta-sts.corp.example/.well-known/mta-sts.txt (id 20240101)');
    expect(first).toMatchObject({ outcome: 'delivered', tls: true });
    const second = await send('mta-sts', 'ops@corp.example', cache);
    expect(second.log).toContain('MID m MTA-STS policy for corp.example: mode enforce, mx *.corp.example, max_age 3600; cached (id 20240101)');
    expect(second.dns?.some((q) => q.name === 'mta-sts.corp.example')).toBe(false);
  });

  it('treats an invalid policy, a redirect or another media type as no policy (RFC 8461 §3.3): delivers opportunistically', async () => {
    const bad = await send('mta-sts', 'ops@bad.example');
    expect(bad.log).toContain('MID m MTA-STS policy for bad.example: none (fetching https://mta-sts.bad.example/.well-known/mta-sts.txt failed: invalid policy: no mx line)');
    expect(bad.outcome).toBe('delivered');
    const moved = await send('mta-sts', 'ops@redirect.example');
    expect(moved.log).toContain('MID m MTA-STS policy for redirect.example: none (fetching https://mta-sts.redirect.example/.well-known/mta-sts.txt failed: HTTP 301 (redirect to https://elsewhere.example/.well-known/mta-sts.txt, not followed))');
    const page = await send('mta-sts', 'ops@html.example');
    expect(page.log).toContain('MID m MTA-STS policy for html.example: none (fetching https://mta-sts.html.example/.well-known/mta-sts.txt failed: Content-Type text/html, not text/plain)');
  });
});

describe('MTA-STS policies (RFC 8461)', () => {
  it('parses a policy and refuses what §3.2 forbids', () => {
    expect(parsePolicy('version: STSv1\nmode: testing\nmx: MX1.example.com\nmx: *.example.net\nmax_age: 604800\nextension: ignored\n')).toEqual({ mode: 'testing', mx: ['mx1.example.com', '*.example.net'], maxAge: 604800 });
    expect(parsePolicy('version: STSv2\nmode: enforce\nmx: a\nmax_age: 1')).toEqual({ error: 'version is not STSv1' });
    expect(parsePolicy('version: STSv1\nmode: enforce\nmx: a\nmax_age: 31557601')).toEqual({ error: 'max_age is "31557601", not 0 to 31557600' });
    expect(parsePolicy('version: STSv1\nmode: none\nmax_age: 0')).toEqual({ mode: 'none', mx: [], maxAge: 0 });
  });

  it('matches a wildcard against exactly one label (§4.1)', () => {
    expect(mxMatches('mail.example.com', ['*.example.com'])).toBe('*.example.com');
    expect(mxMatches('a.b.example.com', ['*.example.com'])).toBeUndefined();
    expect(mxMatches('example.com', ['*.example.com'])).toBeUndefined();
    expect(mxMatches('MX1.Example.com.', ['mx1.example.com'])).toBe('mx1.example.com');
  });

  it('takes the id of exactly one v=STSv1 record (§3.1)', () => {
    expect(stsRecordId(['v=spf1 -all', 'v=STSv1; id=abc123'])).toBe('abc123');
    expect(stsRecordId(['v=STSv1; id=a', 'v=STSv1; id=b'])).toBeUndefined();
    expect(stsRecordId(['v=STSv1; id=not-alnum'])).toBeUndefined();
  });
});

describe('DANE authentication (RFC 7672 §3)', () => {
  const chainOf = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)!.map((p) => new X509Certificate(p));

  it('DANE-EE matches the leaf and ignores its names; DANE-TA needs the anchor in the chain and the name', async () => {
    const wrong = await faultCertificate(certs, 'wrong-name');
    const chain = chainOf(presentedChain(certs, wrong));
    expect(chain).toHaveLength(2);
    const ee = tlsaRecords(['3 1 1 leaf'], wrong.cert, certs.ca, 'x');
    expect(daneCheck(chain, ee, ['mx2.corp.example', 'corp.example'])).toEqual({ ok: true, match: 'DANE-EE 3 1 1 matched the server certificate' });
    const ta = tlsaRecords(['2 0 1 ca'], wrong.cert, certs.ca, 'x');
    expect(daneCheck(chain, ta, ['mx2.corp.example', 'corp.example'])).toMatchObject({ ok: false, why: expect.stringContaining('DANE-TA 2 0 1: the server certificate names none of mx2.corp.example, corp.example') });
    const right = chainOf(presentedChain(certs, { key: certs.key, cert: certs.cert }));
    expect(daneCheck(right, ta, ['mx1.corp.example', 'corp.example'])).toEqual({ ok: true, match: 'DANE-TA 2 0 1 matched chain certificate 1, name mx1.corp.example' });
    // the anchor only in DNS, not sent by the server: no match (RFC 7671 §5.2.2)
    expect(daneCheck([right[0]], ta, ['mx1.corp.example'])).toEqual({ ok: false, why: 'no certificate of the chain matched a DANE-TA record' });
  });

  it('a certificate matching no record fails, naming it', () => {
    const chain = chainOf(presentedChain(certs, { key: certs.key, cert: certs.cert }));
    const other = tlsaRecords('mismatch', certs.cert, certs.ca, 'mx1.corp.example');
    expect(daneCheck(chain, other, ['mx1.corp.example'])).toEqual({ ok: false, why: 'the server certificate matched no TLSA record' });
    expect(associationData(chain[0], 1, 1)).not.toBe(other[0].certificate);
  });

  it('the builtin sender defers on a wrong-name certificate under DANE-TA but not DANE-EE (over real TLS)', async () => {
    // mx2 presents the wrong-name certificate; reach it by a bare target with the plan a DANE sender makes
    const { attempt } = await import('../src/actors/sender/attempt.js');
    const base = { sender: sender('dane'), message: { id: 'm', from: 'a@b', to: 'c@corp.example' }, target: { host: wrongName.host, port: wrongName.port, servername: 'mx2.corp.example', node: 'wrong' }, content: { kind: 'generated' as const, headers: [], id: 'm', size: 100 }, startTls: 'auto' as const };
    const wrong = await faultCertificate(certs, 'wrong-name');
    const ta = await attempt({ ...base, tls: { mode: 'required', dane: { records: tlsaRecords(['2 0 1 ca'], wrong.cert, certs.ca, 'x'), names: ['mx2.corp.example', 'corp.example'] } } });
    expect(ta).toMatchObject({ outcome: 'deferred', reason: 'dane-mismatch', tls: true });
    expect(ta.transcript.some((e) => e.text.startsWith('<DANE: DANE-TA 2 0 1: the server certificate names none of'))).toBe(true);
    const ee = await attempt({ ...base, tls: { mode: 'required', dane: { records: tlsaRecords(['3 1 1 leaf'], wrong.cert, certs.ca, 'x'), names: ['mx2.corp.example'] } } });
    expect(ee).toMatchObject({ outcome: 'delivered', tls: true });
  });
});
