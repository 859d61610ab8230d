import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stubResolver } from '../src/dns/client.js';
import type { DnsServeFile } from '../src/dns/data.js';
import { monotonicClock } from '../src/model/clock.js';
import { generateRunCertificates, presentedChain } from '../src/tls/certs.js';
import { Served } from './helpers/serve.js';

/** `mxlab dns`, the resolver the docker runtime runs in a container: the built CLI over real sockets. */
let dir: string;
let served: Served;
let ca: string;
const clock = monotonicClock();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mxlab-dns-'));
  const certs = await generateRunCertificates(['mta-sts.corp.example']);
  ca = certs.ca;
  const file: DnsServeFile = {
    data: { zones: { '': 'secure', 'corp.example': 'secure' }, views: { inside: { 'corp.example': [{ type: 'MX', data: { preference: 10, exchange: 'mx1.corp.example' } }], 'mx1.corp.example': [{ type: 'A', data: '10.1.2.3' }] } } },
    clients: { '127.0.0.1': { node: 'lan', view: 'inside' } },
    policies: { 'corp.example': 'version: STSv1\r\nmode: enforce\r\nmx: mx1.corp.example\r\nmax_age: 600\r\n' },
  };
  await writeFile(join(dir, 'dns.json'), JSON.stringify(file));
  await writeFile(join(dir, 'cert.pem'), presentedChain(certs, certs));
  await writeFile(join(dir, 'key.pem'), certs.key);
  served = Served.start(['dns', '--data', join(dir, 'dns.json'), '--listen', '127.0.0.1:0', '--policy-listen', '127.0.0.1:0', '--cert-file', join(dir, 'cert.pem'), '--key-file', join(dir, 'key.pem'), '--json']);
  await served.line((l) => l.type === 'ready');
});
afterAll(async () => {
  await served?.stop();
  await rm(dir, { recursive: true, force: true });
});

const ready = () => served.lines.find((l) => l.type === 'ready') as { dns: { host: string; port: number }; policyHost: { host: string; port: number } };

describe('mxlab dns', () => {
  it('answers from its data file, with AD for a secure zone, and logs each query as a JSON line', async () => {
    const dns = stubResolver({ server: ready().dns, clock });
    const r = await dns.query('corp.example', 'MX');
    expect(r).toMatchObject({ rcode: 'NOERROR', ad: true });
    expect(await dns.query('example.org', 'A')).toMatchObject({ rcode: 'NXDOMAIN', ad: true });
    // the root is there for a validating client's probe (Postfix asks NS of .)
    expect((await dns.query('.', 'NS')).records.map((a) => a.data)).toEqual(['ns.mxlab.invalid']);
    const logged = await served.line((l) => l.type === 'dns' && (l.query as { name: string }).name === 'example.org');
    expect(logged.query).toMatchObject({ node: 'lan', view: 'inside', type: 'A', rcode: 'NXDOMAIN', ad: true, transport: 'udp' });
  });

  it('serves the MTA-STS policy over HTTPS by Host, 404 for anything else', async () => {
    const get = (host: string, path: string) =>
      new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
        const { host: h, port } = ready().policyHost;
        https
          .get({ host: h, port, path, servername: host, headers: { host }, ca, agent: false }, (res) => {
            let body = '';
            res.on('data', (d) => (body += d));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
          })
          .on('error', reject);
      });
    expect(await get('mta-sts.corp.example', '/.well-known/mta-sts.txt')).toEqual({ status: 200, type: 'text/plain; charset=utf-8', body: 'version: STSv1\r\nmode: enforce\r\nmx: mx1.corp.example\r\nmax_age: 600\r\n' });
    expect((await get('mta-sts.corp.example', '/other')).status).toBe(404);
  });

  it('refuses a bad data file with exit 2 and says what it expected', async () => {
    await writeFile(join(dir, 'bad.json'), '{"zones": {}}');
    const bad = Served.start(['dns', '--data', join(dir, 'bad.json'), '--listen', '127.0.0.1:0']);
    expect(await bad.exited).toBe(2);
    expect(bad.stderr).toContain('expected {"data": {"zones", "views"}, "clients"}');
  });
});
