import dgram from 'node:dgram';
import net from 'node:net';
import { X509Certificate } from 'node:crypto';
import * as packet from 'dns-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stubResolver, type Exchange } from '../src/dns/client.js';
import type { LabDnsData } from '../src/dns/data.js';
import { startLabResolver, type ResolverQuery, type StartedResolver } from '../src/dns/server.js';
import { associationData } from '../src/dns/tlsa.js';
import { monotonicClock } from '../src/model/clock.js';
import { generateRunCertificates } from '../src/tls/certs.js';

/** The lab resolver over real UDP and TCP sockets on 127.0.0.1, asked by the stub resolver the builtin sender uses and by raw packets. */
const clock = monotonicClock();
let resolver: StartedResolver;
const queries: ResolverQuery[] = [];
let bigCert: string;

const data = (): LabDnsData => ({
  zones: { 'corp.example': 'secure', 'plain.example': 'insecure', 'broken.example': 'bogus' },
  views: {
    inside: {
      'corp.example': [{ type: 'MX', data: { preference: 10, exchange: 'mx1.corp.example' } }, { type: 'TXT', data: ['v=spf1 -all'] }],
      'mx1.corp.example': [{ type: 'A', data: '198.18.0.2' }],
      '_25._tcp.mx1.corp.example': [{ type: 'TLSA', data: { usage: 3, selector: 1, matchingType: 1, certificate: 'ab'.repeat(32) } }],
      'big.corp.example': [{ type: 'TLSA', data: { usage: 2, selector: 0, matchingType: 0, certificate: bigCert } }, { type: 'TLSA', data: { usage: 2, selector: 0, matchingType: 0, certificate: bigCert } }],
      'plain.example': [{ type: 'MX', data: { preference: 10, exchange: 'mx.plain.example' } }],
      'mx.plain.example': [{ type: 'A', data: '198.18.0.3' }],
      'broken.example': [{ type: 'MX', data: { preference: 10, exchange: 'mx.broken.example' } }],
    },
    'via fw': { 'mx1.corp.example': [{ type: 'A', data: '198.18.0.9' }] },
  },
});

beforeAll(async () => {
  const certs = await generateRunCertificates(['mx1.corp.example']);
  bigCert = new X509Certificate(certs.cert).raw.toString('hex').repeat(2);
  resolver = await startLabResolver({
    data: data(),
    listeners: [{ host: '127.0.0.1' }, { host: '127.0.0.1' }, { host: '127.0.0.1' }],
    clientOf: (i) => (i === 0 ? { node: 'lan', view: 'inside' } : i === 1 ? { node: 'partner', view: 'via fw' } : undefined),
    clock,
    onQuery: (q) => queries.push(q),
  });
});
afterAll(async () => {
  await resolver?.stop();
});

const stub = (i = 0, log?: Exchange[]) => stubResolver({ server: resolver.addresses[i], clock, timeoutMs: 1000, onExchange: (e) => log?.push(e) });

/** One raw query over UDP; the decoded answer. */
function raw(bytes: Buffer, i = 0, waitMs = 1000): Promise<packet.DecodedPacket | undefined> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    const t = setTimeout(() => (s.close(), resolve(undefined)), waitMs);
    s.on('message', (m) => {
      clearTimeout(t);
      s.close();
      resolve(packet.decode(m));
    });
    s.send(bytes, resolver.addresses[i].port, '127.0.0.1');
  });
}
const q = (name: string, type: packet.RecordType, flags = packet.RECURSION_DESIRED, opt = true) =>
  packet.encode({ id: 7, type: 'query', flags, questions: [{ name, type, class: 'IN' }], ...(opt ? { additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 1232, flags: packet.DNSSEC_OK, options: [] } as never] } : {}) });

describe('lab resolver', () => {
  it('answers a secure zone with the AD bit, as a validating resolver does', async () => {
    const log: Exchange[] = [];
    const r = await stub(0, log).query('corp.example', 'MX');
    expect(r).toMatchObject({ rcode: 'NOERROR', ad: true });
    expect(r.records.map((a) => a.data)).toEqual([{ preference: 10, exchange: 'mx1.corp.example' }]);
    expect(log[0]).toMatchObject({ name: 'corp.example', type: 'MX', rcode: 'NOERROR', ad: true, answers: ['10 mx1.corp.example'] });
    const tlsa = await stub().query('_25._tcp.mx1.corp.example', 'TLSA');
    expect(tlsa.ad).toBe(true);
    expect(tlsa.records[0].data).toMatchObject({ usage: 3, selector: 1, matchingType: 1 });
  });

  it('sets AD only when the query asked for DNSSEC (DO or AD, RFC 6840 §5.7)', async () => {
    const plain = await raw(q('corp.example', 'MX', packet.RECURSION_DESIRED, false));
    expect(plain?.flag_ad).toBe(false);
    expect(plain?.flag_ra).toBe(true);
    expect(plain?.answers?.length).toBe(1);
    expect((await raw(q('corp.example', 'MX')))?.flag_ad).toBe(true);
  });

  it('answers an insecure zone without AD, and denies a missing record securely only in a secure zone', async () => {
    expect(await stub().query('plain.example', 'MX')).toMatchObject({ rcode: 'NOERROR', ad: false });
    expect(await stub().query('_25._tcp.mx.plain.example', 'TLSA')).toMatchObject({ rcode: 'NXDOMAIN', ad: false, records: [] });
    expect(await stub().query('_25._tcp.nothere.corp.example', 'TLSA')).toMatchObject({ rcode: 'NXDOMAIN', ad: true });
    // NODATA: the name exists with other types
    expect(await stub().query('mx1.corp.example', 'TLSA')).toMatchObject({ rcode: 'NOERROR', ad: true, records: [] });
    // an empty non-terminal is NODATA, not NXDOMAIN (RFC 8020)
    expect(await stub().query('_tcp.mx1.corp.example', 'TLSA')).toMatchObject({ rcode: 'NOERROR', records: [] });
  });

  it('gives SERVFAIL for a bogus zone, and the data without AD when checking is disabled (CD)', async () => {
    expect(await stub().query('broken.example', 'MX')).toMatchObject({ rcode: 'SERVFAIL', ad: false, records: [] });
    const cd = await raw(q('broken.example', 'MX', packet.RECURSION_DESIRED | packet.CHECKING_DISABLED));
    expect(cd?.flag_ad).toBe(false);
    expect((cd as { rcode?: string }).rcode).toBe('NOERROR');
    expect(cd?.answers?.length).toBe(1);
  });

  it('answers NXDOMAIN for every name outside the scenario: nothing is asked elsewhere', async () => {
    expect(await stub().query('example.org', 'A')).toMatchObject({ rcode: 'NXDOMAIN', ad: false });
    expect(await stub().query('localhost', 'A')).toMatchObject({ rcode: 'NXDOMAIN' });
  });

  it('resolves names by side: the client behind the firewall sees its own view', async () => {
    expect((await stub(0).query('mx1.corp.example', 'A')).records.map((a) => a.data)).toEqual(['198.18.0.2']);
    expect((await stub(1).query('mx1.corp.example', 'A')).records.map((a) => a.data)).toEqual(['198.18.0.9']);
    // the zone apex exists in every view: no MX here is NODATA
    expect(await stub(1).query('corp.example', 'MX')).toMatchObject({ rcode: 'NOERROR', records: [] });
  });

  it('refuses a client it does not know', async () => {
    const r = await stub(2).query('corp.example', 'MX');
    expect(r.rcode).toBe('REFUSED');
    expect(queries.at(-1)).toMatchObject({ node: '127.0.0.1', rcode: 'REFUSED', name: 'corp.example' });
  });

  it('truncates a large UDP answer and the stub asks again over TCP (RFC 7766)', async () => {
    const udp = await raw(q('big.corp.example', 'TLSA'));
    expect(udp?.flag_tc).toBe(true);
    expect(udp?.answers).toEqual([]);
    const r = await stub().query('big.corp.example', 'TLSA');
    expect(r.records).toHaveLength(2);
    expect(queries.filter((x) => x.name === 'big.corp.example').map((x) => x.transport)).toEqual(['udp', 'udp', 'tcp']);
  });

  it('records who asked what, on the run clock', () => {
    const mx = queries.find((x) => x.name === 'corp.example' && x.type === 'MX')!;
    expect(mx).toMatchObject({ node: 'lan', view: 'inside', transport: 'udp', rcode: 'NOERROR', ad: true });
    expect(mx.t).toBeGreaterThan(0);
  });

  it('answers garbage with FORMERR or not at all, and keeps serving', async () => {
    const header = Buffer.from([0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0xff, 0xff]);
    const r = await raw(header);
    expect(r?.id).toBe(0x1234);
    expect((r as { rcode?: string }).rcode).toBe('FORMERR');
    expect(await raw(Buffer.from([1, 2, 3]), 0, 200)).toBeUndefined();
    // TCP: a length past the data, then a close
    await new Promise<void>((resolve) => {
      const s = net.connect(resolver.addresses[0].port, '127.0.0.1', () => s.end(Buffer.from([0xff, 0xff, 1, 2, 3])));
      s.on('close', () => resolve());
      s.on('error', () => resolve());
    });
    expect((await stub().query('corp.example', 'TXT')).records.length).toBe(1);
  });

  it('answers a query with a second question FORMERR, another class REFUSED, another opcode NOTIMP', async () => {
    const two = packet.encode({ id: 1, type: 'query', flags: 0, questions: [{ name: 'a.corp.example', type: 'A' }, { name: 'b.corp.example', type: 'A' }] });
    expect((await raw(two)) as { rcode?: string }).toMatchObject({ rcode: 'FORMERR' });
    const chaos = packet.encode({ id: 2, type: 'query', flags: 0, questions: [{ name: 'version.bind', type: 'TXT', class: 'CH' }] });
    expect((await raw(chaos)) as { rcode?: string }).toMatchObject({ rcode: 'REFUSED' });
    const notify = packet.encode({ id: 3, type: 'query', flags: 4 << 11, questions: [{ name: 'corp.example', type: 'SOA' }] });
    expect((await raw(notify)) as { rcode?: string }).toMatchObject({ rcode: 'NOTIMP' });
  });
});

describe('TLSA association data', () => {
  it('hashes the SubjectPublicKeyInfo (selector 1) or the whole certificate (selector 0)', async () => {
    const certs = await generateRunCertificates(['mx1.corp.example']);
    const cert = new X509Certificate(certs.cert);
    expect(associationData(cert, 1, 1)).toMatch(/^[0-9a-f]{64}$/);
    expect(associationData(cert, 0, 2)).toMatch(/^[0-9a-f]{128}$/);
    expect(associationData(cert, 0, 0)).toBe(cert.raw.toString('hex'));
    expect(associationData(cert, 1, 1)).not.toBe(associationData(cert, 0, 1));
  });
});
