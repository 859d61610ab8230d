import { describe, expect, it } from 'vitest';
import { labDnsData, routesOf } from '../src/dns/plan.js';
import { planCells } from '../src/run/plan.js';
import { parseScenario } from '../src/scenario/load.js';
import { generateRunCertificates } from '../src/tls/certs.js';
import { problems } from './helpers/problems.js';

const base = (dns: string, extra = '', messages = '  - { id: m, from: mta, to: ops@corp.example }') => `name: t
dns:
${dns}
nodes:
  esa: { role: receiver, hostname: mx1.corp.example }
  fw: { role: firewall, device: pix 7.2(2), forwards-to: esa }
  mta: { role: sender, tls: dane }
${extra}
messages:
${messages}
`;

describe('dns: in scenarios', () => {
  it('accepts zones with MX, TXT, TLSA and MTA-STS, and to: user@domain', () => {
    expect(problems(base('  corp.example: { dnssec: secure, mx: [esa, "20 mx2.corp.example"], txt: ["v=spf1 -all"], tlsa: ["3 1 1 leaf", "2 0 1 ca"], mta-sts: { mode: enforce } }'))).toEqual([]);
  });

  it('refuses an MX entry that is not a receiver, with the receivers named', () => {
    expect(problems(base('  corp.example: { mx: [fw, esx] }'))).toEqual([
      'x.yaml:3:24 dns.corp.example.mx[0]: expected a receiver node, or "PRIO host", got "fw" which has role firewall — use "esa"',
      'x.yaml:3:28 dns.corp.example.mx[1]: expected a receiver node, or "PRIO host" ("esa"), got "esx" — did you mean "esa"?',
    ]);
  });

  it('refuses bad values: DNSSEC state, TLSA form and digest length, MTA-STS mode and max-age', () => {
    expect(problems(base('  corp.example: { dnssec: signed, tlsa: ["3 1 1 abcd", "4 1 1 leaf"], mta-sts: { mode: strict, max-age: -1 } }'))).toEqual([
      'x.yaml:3:27 dns.corp.example.dnssec: expected one of "secure", "insecure", "bogus", got "signed"',
      'x.yaml:3:42 dns.corp.example.tlsa[0]: expected 64 hex digits for matching type 1 (SHA-256), got 4 — or write leaf / ca to have the lab compute it',
      'x.yaml:3:56 dns.corp.example.tlsa[1]: expected a TLSA record "USAGE SELECTOR TYPE DATA", e.g. "3 1 1 leaf", "2 0 1 ca" or hex data, got "4 1 1 leaf"',
      'x.yaml:3:88 dns.corp.example.mta-sts.mode: expected one of "enforce", "testing", "none", got "strict"',
      'x.yaml:3:105 dns.corp.example.mta-sts.max-age: expected seconds from 0 to 31557600, got number -1',
    ]);
  });

  it('refuses to: that is neither a node nor an address', () => {
    expect(problems(base('  corp.example: { mx: [esa] }', '', '  - { id: m, from: mta, to: "ops@" }'))[0]).toBe(
      "x.yaml:10:29 messages[0].to: expected a receiver node, or an address local-part@domain routed by the domain's MX records, got \"ops@\"",
    );
  });

  it('names why a real MTA cannot take a policy: OpenSMTPD has no DANE, Exim no MTA-STS', () => {
    expect(problems(base('  corp.example: { mx: [esa] }', '  o: { role: sender, mta: opensmtpd, tls: dane }\n  e: { role: sender, mta: exim, tls: mta-sts }'))).toEqual([
      'x.yaml:8:43 nodes.o.tls: expected a TLS policy mta: opensmtpd supports, got "dane": OpenSMTPD has no DANE: smtpd.conf(5) has no TLSA lookups (a relay action can only require TLS or verify against CAs) — use mta: postfix or mta: builtin for this policy',
      'x.yaml:9:38 nodes.e.tls: expected a TLS policy mta: exim supports, got "mta-sts": Exim 4.96 has no MTA-STS (DANE it has: use tls: dane or dane-only) — use mta: postfix or mta: builtin for this policy',
    ]);
  });

  it('checks every mta and tls a matrix gives a sender, naming the one that cannot', () => {
    const source = `${base('  corp.example: { mx: [esa] }', '  p: { role: sender, mta: postfix, tls: dane }')}matrix:\n  p.mta: [postfix, opensmtpd]\n`;
    expect(problems(source)).toEqual([
      'x.yaml:8:41 nodes.p.tls: expected a TLS policy mta: opensmtpd supports, got "dane": OpenSMTPD has no DANE: smtpd.conf(5) has no TLSA lookups (a relay action can only require TLS or verify against CAs) — use mta: postfix or mta: builtin for this policy',
    ]);
    const tlsAxis = `${base('  corp.example: { mx: [esa] }', '  e: { role: sender, mta: exim, tls: dane }')}matrix:\n  e.tls: [dane, mta-sts]\n`;
    expect(problems(tlsAxis)[0]).toContain('nodes.e.tls: expected a TLS policy mta: exim supports, got "mta-sts": Exim 4.96 has no MTA-STS');
  });

  it('refuses one MX host published with two TLSA settings', () => {
    expect(problems(base('  corp.example: { mx: [esa], tlsa: auto }\n  other.example: { mx: [esa], tlsa: mismatch }'))).toEqual([
      'x.yaml:4:37 dns.other.example.tlsa: expected one TLSA setting for mx1.corp.example, got "mismatch" here and "auto" in corp.example — set tlsa: the same way on every zone that lists this MX host',
    ]);
  });
});

describe('the lab DNS of a scenario', () => {
  const s = parseScenario(
    `name: t
dns:
  corp.example: { dnssec: secure, mx: [esa, "20 down.corp.example"], tlsa: auto, mta-sts: { mode: enforce } }
  far.example: { mx: [far] }
nodes:
  esa: { role: receiver, hostname: mx1.corp.example }
  far: { role: receiver, hostname: mx.far.example }
  fw: { role: firewall, device: pix 7.2(2), forwards-to: esa }
  partner: { role: sender, via: fw }
  lan: { role: sender }
messages:
  - { id: out, from: partner, to: ops@corp.example }
  - { id: in, from: lan, to: ops@corp.example }
  - { id: far, from: lan, to: ops@far.example }
  - { id: far-out, from: partner, to: ops@far.example }
`,
    'x.yaml',
  ).scenario;

  it('routes by side: behind the firewall its MX host is the firewall, inside it is itself; an unseen host gives no route', () => {
    expect(routesOf(s, 'partner', 'ops@corp.example')).toEqual([['partner', 'fw', 'esa']]);
    expect(routesOf(s, 'lan', 'ops@corp.example')).toEqual([['lan', 'esa']]);
    expect(routesOf(s, 'partner', 'ops@far.example')).toEqual([]);
    expect(planCells({ scenario: s, file: 'x.yaml', lineOf: () => 1 } as never)[0].messages.map((m) => m.path.join(' '))).toEqual(['partner fw esa', 'lan esa', 'lan far', 'partner']);
  });

  it('publishes MX, TLSA at _25._tcp.<host>, the _mta-sts record and per-view addresses', async () => {
    const certs = await generateRunCertificates(['mx1.corp.example']);
    const data = await labDnsData(s, certs, { node: (v, n) => `${v === 'inside' ? '10.0.0' : '10.9.9'}.${['esa', 'far', 'fw', 'partner', 'lan'].indexOf(n) + 1}`, policyHost: () => '10.0.0.200', nowhere: () => '10.0.0.254' });
    expect(data.zones).toMatchObject({ 'corp.example': 'secure', 'far.example': 'insecure' });
    const inside = data.views.inside;
    expect(inside['corp.example'].filter((r) => r.type === 'MX').map((r) => r.data)).toEqual([{ preference: 10, exchange: 'mx1.corp.example' }, { preference: 20, exchange: 'down.corp.example' }]);
    expect(inside['_25._tcp.mx1.corp.example'][0]).toMatchObject({ type: 'TLSA', data: { usage: 3, selector: 1, matchingType: 1 } });
    expect(inside['_mta-sts.corp.example'][0].data).toEqual([expect.stringMatching(/^v=STSv1; id=[0-9a-f]{20}$/)]);
    expect(inside['mta-sts.corp.example']).toEqual([{ type: 'A', data: '10.0.0.200' }]);
    expect(inside['down.corp.example']).toEqual([{ type: 'A', data: '10.0.0.254' }]);
    expect(inside['mx1.corp.example']).toEqual([{ type: 'A', data: '10.0.0.1' }]);
    // behind fw: the ESA's name is the firewall's address; the far receiver does not exist there
    expect(data.views['via fw']['mx1.corp.example']).toEqual([{ type: 'A', data: '10.9.9.3' }]);
    expect(data.views['via fw']['mx.far.example']).toBeUndefined();
  });
});
