import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offerFacts, FAMILIES, resolveDevice, type FamilyName } from '../src/actors/firewall/index.js';
import { scenarioFiles } from '../src/cli/scenario-files.js';
import { checkDevice } from '../src/run/device-check.js';
import { formatDiagnostic } from '../src/scenario/diagnostics.js';
import { loadScenario, parseScenario } from '../src/scenario/load.js';
import { mxlab, ROOT } from './helpers/cli.js';

/** An ASA map made to add allow-tls, as Cisco's guide and the shipped scenarios wrote it: no EHLO match. */
const TLS_MAP = `policy-map type inspect esmtp tls_map
 parameters
  mask-banner
  allow-tls
policy-map global_policy
 class inspection_default
  inspect esmtp tls_map`;
const MASKED_MAP = TLS_MAP.replace('  allow-tls\n', '  allow-tls\n match ehlo-reply-parameter others\n  mask\n');

const indent = (text: string, n: number) => text.split('\n').map((l) => ' '.repeat(n) + l).join('\n');

/** A sender behind two firewalls: `outer` (device `front`) in front of `inner`, an ASA 9.12(4) with `map`, in front of a `persona` receiver. */
function chainOf(persona: string, map: string, front: string): string {
  return `name: chain
nodes:
  mx: { role: receiver, persona: ${persona} }
  inner:
    role: firewall
    device: asa 9.12(4)
    config: |
${indent(map, 6)}
    forwards-to: mx
  outer: { role: firewall, device: ${front}, forwards-to: inner }
  partner: { role: sender, via: outer }
messages:
  - { id: m, from: partner, to: mx }
`;
}

function scenario(o: { receiver?: string; device?: string; config?: string; extra?: string; fw?: string }): string {
  return `name: chunking
nodes:
  mx: { role: receiver, ${o.receiver ?? 'persona: postfix'}, hostname: mx.example.com }
  fw:
    role: firewall
    device: ${o.device ?? 'asa 9.12(4)'}
${o.fw ?? (o.config !== undefined ? `    config: |\n${indent(o.config, 6)}\n` : '')}    forwards-to: mx
  partner: { role: sender, via: fw }
messages:
  - { id: m, from: partner, to: mx }
${o.extra ?? ''}`;
}

const warnings = (text: string) => parseScenario(text, 'c.yaml', { checkDevice }).warnings.map(formatDiagnostic);
const chunking = (text: string) => warnings(text).filter((w) => w.includes('CHUNKING'));

describe('the CHUNKING-offered, BDAT-masked warning', () => {
  it('fires for a map of its own without the EHLO match, in front of a receiver that offers CHUNKING: at the map, naming the firewall and the fix', () => {
    const text = scenario({ config: TLS_MAP });
    const w = parseScenario(text, 'c.yaml', { checkDevice }).warnings;
    expect(w).toHaveLength(1);
    expect(w[0]).toMatchObject({ severity: 'warning', file: 'c.yaml', path: 'nodes.fw.config (line 1)' });
    // the policy-map line of the inline config, in the scenario file
    expect(text.split('\n')[w[0].line - 1].trim()).toBe('policy-map type inspect esmtp tls_map');
    expect(w[0].message).toContain('firewall fw lets "250 CHUNKING" of mx (persona postfix) reach the client through its policy-map type inspect esmtp tls_map, but masks a clear-text BDAT');
    expect(w[0].hint).toContain('add "match ehlo-reply-parameter others" with "mask" under policy-map type inspect esmtp tls_map');
  });

  it('fires for the receivers that offer CHUNKING: personas postfix and exchange, real Postfix and Exim', () => {
    for (const receiver of ['persona: postfix', 'persona: exchange', 'mta: postfix', 'mta: exim']) {
      expect(chunking(scenario({ receiver, config: TLS_MAP })), receiver).toHaveLength(1);
    }
    expect(chunking(scenario({ receiver: 'mta: exim', config: TLS_MAP }))[0]).toContain('of mx (mta exim)');
  });

  it('does not fire for a receiver that offers no CHUNKING, or one that requires TLS', () => {
    for (const receiver of ['persona: asyncos', 'persona: sendmail', 'persona: generic', 'mta: opensmtpd', 'persona: postfix, tls: required', 'persona: exchange, tls: required']) {
      expect(chunking(scenario({ receiver, config: TLS_MAP })), receiver).toEqual([]);
    }
    // Postfix told not to offer it
    const discard = 'mta: postfix, config: { smtpd_discard_ehlo_keywords: "silent-discard, chunking" }';
    expect(chunking(scenario({ receiver: discard, config: TLS_MAP }))).toEqual([]);
    // tls: off leaves every session in the clear: it fires
    expect(chunking(scenario({ receiver: 'persona: postfix, tls: off', config: TLS_MAP }))).toHaveLength(1);
  });

  it('does not fire for the default map, a map that masks the EHLO keywords, or a device that hides CHUNKING or passes BDAT', () => {
    expect(chunking(scenario({}))).toEqual([]);
    expect(chunking(scenario({ device: 'pix 7.2(2)' }))).toEqual([]);
    expect(chunking(scenario({ config: MASKED_MAP }))).toEqual([]);
    expect(chunking(scenario({ config: TLS_MAP.replace('  allow-tls\n', '  allow-tls\n match ehlo-reply-parameter chunking\n  mask\n') }))).toEqual([]);
    // a map that only logs the keyword lets it through
    expect(chunking(scenario({ config: TLS_MAP.replace('  allow-tls\n', '  allow-tls\n match ehlo-reply-parameter others\n  log\n') }))).toHaveLength(1);
    // an inspection map on a release before allow-tls masks every EHLO keyword outside its pass set
    expect(chunking(scenario({ device: 'asa 7.2(2)', config: TLS_MAP.replace('  allow-tls\n', '') }))).toEqual([]);
    // no inspection: BDAT passes
    expect(chunking(scenario({ config: 'policy-map global_policy\n class inspection_default\n  no inspect esmtp' }))).toEqual([]);
    for (const device of ['none', 'zorp', 'dlink-dfl', 'isp-stripper', 'pix 6.3(5)']) expect(chunking(scenario({ device })), device).toEqual([]);
  });

  it('does not fire when a firewall between the client and the map hides CHUNKING; fires for the map when the one in front lets it through', () => {
    const chain = (front: string) => chainOf('postfix', TLS_MAP, front);
    expect(chunking(chain('asa 9.12(4)'))).toEqual([]);
    const w = chunking(chain('none'));
    expect(w).toHaveLength(1);
    expect(w[0]).toContain('nodes.inner.config (line 1): warning: firewall inner lets');
  });

  it('fires for a matrix run that puts the map in front of a CHUNKING receiver, naming the run', () => {
    const persona = chunking(scenario({ receiver: 'persona: asyncos', config: TLS_MAP, extra: 'matrix:\n  mx.persona: [asyncos, postfix]\n' }));
    expect(persona).toHaveLength(1);
    expect(persona[0]).toContain('with mx.persona=postfix: firewall fw lets');
    const configs = `matrix:\n  fw.config:\n    - |\n${indent(MASKED_MAP, 6)}\n    - |\n${indent(TLS_MAP, 6)}\n`;
    const w = parseScenario(scenario({ config: MASKED_MAP, extra: configs }), 'c.yaml', { checkDevice }).warnings.filter((d) => d.message.includes('CHUNKING'));
    expect(w).toHaveLength(1);
    expect(w[0].path).toBe('matrix.fw.config[1]');
  });

  it('fires for a timeline step that installs the map, or one that lets a receiver take clear-text mail, at that step', () => {
    const upgrade = scenario({ device: 'pix 7.2(2)', extra: `timeline:\n  - at: 10m\n    node: fw\n    device: asa 9.12(4)\n    config: |\n${indent(TLS_MAP, 6)}\n` });
    const w = parseScenario(upgrade, 'c.yaml', { checkDevice }).warnings.filter((d) => d.message.includes('CHUNKING'));
    expect(w).toHaveLength(1);
    expect(w[0].path).toBe('timeline[0].config');
    expect(w[0].message).toContain('after this step: firewall fw lets "250 CHUNKING" of mx (persona postfix)');
    expect(chunking(upgrade.replace(indent(TLS_MAP, 6), indent(MASKED_MAP, 6)))).toEqual([]);
    const tls = scenario({ receiver: 'persona: postfix, tls: required', config: TLS_MAP, extra: 'timeline:\n  - { at: 1h, node: mx, tls: preferred }\n' });
    const t = chunking(tls);
    expect(t).toHaveLength(1);
    expect(t[0]).toContain('nodes.fw.config (line 1): warning: from timeline[0] (mx tls: preferred) on: firewall fw lets');
    expect(chunking(tls.replace('tls: preferred', 'tls: off').replace('persona: postfix, tls: required', 'persona: asyncos, tls: required'))).toEqual([]);
  });

  it('reads the runs the matrix makes, not the node as written when the matrix replaces it', () => {
    const persona = (values: string, extra = '') => chunking(scenario({ config: TLS_MAP, extra: `matrix:\n  mx.persona: [${values}]\n${extra}` }));
    expect(persona('asyncos, sendmail')).toEqual([]);
    const upgrade = (values: string) => chunking(scenario({ device: 'pix 7.2(2)', extra: `matrix:\n  mx.persona: [${values}]\ntimeline:\n  - at: 10m\n    node: fw\n    device: asa 9.12(4)\n    config: |\n${indent(TLS_MAP, 6)}\n` }));
    expect(upgrade('asyncos, sendmail')).toEqual([]);
    const w = upgrade('asyncos, exchange');
    expect(w).toHaveLength(1);
    expect(w[0]).toContain('with mx.persona=exchange: after this step: firewall fw lets "250 CHUNKING" of mx (persona exchange)');
  });

  it('is a warning: validate and run go on, printing it with "warning:"', async () => {
    const d = await mkdtemp(join(tmpdir(), 'mxlab-chunk-'));
    try {
      await writeFile(join(d, 'c.yaml'), scenario({ config: TLS_MAP }));
      const r = await mxlab(['validate', join(d, 'c.yaml')]);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain('ok ');
      expect(r.stderr).toMatch(/c\.yaml:\d+:\d+ nodes\.fw\.config \(line 1\): warning: firewall fw lets "250 CHUNKING"/);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
});

/** A map of one's own with neither allow-tls nor the EHLO match (Cisco's guide example is written so). */
const OWN_MAP = TLS_MAP.replace('  allow-tls\n', '');
const starttls = (text: string) => warnings(text).filter((w) => w.includes('"250 STARTTLS"'));

describe('the STARTTLS-offered, STARTTLS-masked warning', () => {
  it('fires for a map of its own without allow-tls and without the EHLO match: at the map, naming the firewall, what the client gets and both fixes', () => {
    const text = scenario({ receiver: 'persona: asyncos', config: OWN_MAP });
    const w = parseScenario(text, 'c.yaml', { checkDevice }).warnings;
    expect(w).toHaveLength(1); // asyncos offers no CHUNKING
    expect(w[0]).toMatchObject({ severity: 'warning', file: 'c.yaml', path: 'nodes.fw.config (line 1)' });
    expect(text.split('\n')[w[0].line - 1].trim()).toBe('policy-map type inspect esmtp tls_map');
    expect(w[0].message).toContain('firewall fw lets "250 STARTTLS" of mx (persona asyncos) reach the client through its policy-map type inspect esmtp tls_map, but masks the STARTTLS command');
    expect(w[0].message).toContain('XXXXXXXX');
    expect(w[0].hint).toContain('add "allow-tls" under "parameters" of policy-map type inspect esmtp tls_map');
    expect(w[0].hint).toContain('or "match ehlo-reply-parameter others" with "mask"');
    // the same map in front of Postfix: both warnings, one each
    const both = warnings(scenario({ config: OWN_MAP }));
    expect(both).toHaveLength(2);
    expect(both.filter((x) => x.includes('"250 CHUNKING"'))).toHaveLength(1);
  });

  it('fires for every receiver that offers STARTTLS, including one that requires TLS (then only allow-tls is named)', () => {
    for (const receiver of ['persona: postfix', 'persona: exchange', 'persona: asyncos', 'persona: sendmail', 'persona: generic', 'mta: postfix', 'mta: exim', 'mta: opensmtpd']) {
      expect(starttls(scenario({ receiver, config: OWN_MAP })), receiver).toHaveLength(1);
    }
    const req = parseScenario(scenario({ receiver: 'persona: asyncos, tls: required', config: OWN_MAP }), 'c.yaml', { checkDevice }).warnings;
    expect(req).toHaveLength(1);
    expect(req[0].hint).toContain('the receiver requires TLS, so hiding STARTTLS would stop all mail');
    expect(req[0].hint).not.toContain('ehlo-reply-parameter');
  });

  it('does not fire for a receiver that does not offer STARTTLS (tls: off, Postfix told to discard it)', () => {
    for (const receiver of ['persona: asyncos, tls: off', 'persona: exchange, tls: off', 'mta: postfix, tls: off', 'mta: exim, tls: off', 'mta: opensmtpd, tls: off']) {
      expect(starttls(scenario({ receiver, config: OWN_MAP })), receiver).toEqual([]);
    }
    const discard = 'mta: postfix, config: { smtpd_discard_ehlo_keywords: "starttls" }';
    expect(starttls(scenario({ receiver: discard, config: OWN_MAP }))).toEqual([]);
  });

  it('does not fire for allow-tls, the default map, a map that masks the keyword, or devices that hide STARTTLS or pass it', () => {
    expect(starttls(scenario({ config: TLS_MAP }))).toEqual([]);
    expect(starttls(scenario({}))).toEqual([]);
    expect(starttls(scenario({ config: OWN_MAP.replace('  mask-banner\n', '  mask-banner\n match ehlo-reply-parameter others\n  mask\n') }))).toEqual([]);
    expect(starttls(scenario({ config: OWN_MAP.replace('  mask-banner\n', '  mask-banner\n match ehlo-reply-parameter starttls\n  mask\n') }))).toEqual([]);
    // a map that logs the keyword lets it through; one that drops the connection on it does not
    expect(starttls(scenario({ config: OWN_MAP.replace('  mask-banner\n', '  mask-banner\n match ehlo-reply-parameter others\n  log\n') }))).toHaveLength(1);
    expect(starttls(scenario({ config: OWN_MAP.replace('  mask-banner\n', '  mask-banner\n match ehlo-reply-parameter others\n  drop-connection\n') }))).toEqual([]);
    // releases before allow-tls mask every EHLO keyword outside the pass set, own map or not
    for (const device of ['pix 7.2(2)', 'asa 8.0(2)']) expect(starttls(scenario({ device, config: OWN_MAP })), device).toEqual([]);
    expect(starttls(scenario({ config: 'policy-map global_policy\n class inspection_default\n  no inspect esmtp' }))).toEqual([]);
    for (const device of ['none', 'zorp', 'dlink-dfl', 'isp-stripper', 'f-secure-igk', 'pix 6.3(5)']) expect(starttls(scenario({ device })), device).toEqual([]);
  });

  it('follows the path: a firewall in front that masks STARTTLS hides it; one that passes it leaves the warning on the map', () => {
    const chain = (front: string) => chainOf('asyncos', OWN_MAP, front);
    expect(starttls(chain('asa 9.12(4)'))).toEqual([]);
    expect(starttls(chain('isp-stripper'))).toEqual([]);
    for (const front of ['none', 'zorp']) {
      const w = starttls(chain(front));
      expect(w, front).toHaveLength(1);
      expect(w[0]).toContain('nodes.inner.config (line 1): warning: firewall inner lets "250 STARTTLS"');
    }
  });

  it('fires for the matrix run and the timeline step that make it happen, naming them', () => {
    const tls = starttls(scenario({ receiver: 'persona: asyncos, tls: off', config: OWN_MAP, extra: 'matrix:\n  mx.tls: [off, required]\n' }));
    expect(tls).toHaveLength(1);
    expect(tls[0]).toContain('with mx.tls=required: firewall fw lets "250 STARTTLS"');
    const configs = `matrix:\n  fw.config:\n    - |\n${indent(TLS_MAP, 6)}\n    - |\n${indent(OWN_MAP, 6)}\n`;
    const w = parseScenario(scenario({ receiver: 'persona: asyncos', config: TLS_MAP, extra: configs }), 'c.yaml', { checkDevice }).warnings;
    expect(w.map((d) => d.path)).toEqual(['matrix.fw.config[1]']);
    const devices = starttls(scenario({ receiver: 'persona: asyncos', config: OWN_MAP, extra: 'matrix:\n  fw.device: [pix 7.2(2), asa 9.12(4)]\n' }));
    expect(devices).toHaveLength(1);
    expect(devices[0]).toContain('matrix.fw.device[1]');
    const step = scenario({ receiver: 'persona: asyncos', extra: `timeline:\n  - at: 10m\n    node: fw\n    config: |\n${indent(OWN_MAP, 6)}\n` });
    const s = parseScenario(step, 'c.yaml', { checkDevice }).warnings;
    expect(s).toHaveLength(1);
    expect(s[0].path).toBe('timeline[0].config');
    expect(s[0].message).toContain('after this step: firewall fw lets "250 STARTTLS" of mx (persona asyncos)');
    const on = starttls(scenario({ receiver: 'persona: asyncos, tls: off', config: OWN_MAP, extra: 'timeline:\n  - { at: 1h, node: mx, tls: preferred }\n' }));
    expect(on).toHaveLength(1);
    expect(on[0]).toContain('from timeline[0] (mx tls: preferred) on: firewall fw lets "250 STARTTLS"');
  });

  it('is a warning: validate exits 0 and prints it', async () => {
    const d = await mkdtemp(join(tmpdir(), 'mxlab-starttls-'));
    try {
      await writeFile(join(d, 's.yaml'), scenario({ receiver: 'persona: asyncos', config: OWN_MAP }));
      const r = await mxlab(['validate', join(d, 's.yaml')]);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/s\.yaml:\d+:\d+ nodes\.fw\.config \(line 1\): warning: firewall fw lets "250 STARTTLS"/);
    } finally {
      await rm(d, { recursive: true, force: true });
    }
  });
});

describe('a pasted show running-config (config-file:)', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'mxlab-chunk-paste-'));
    await mkdir(join(dir, 'fw'));
    // the shipped ASA 8.2 show run, with a map of its own named on its inspect esmtp line
    const run = await readFile(join(ROOT, 'scenarios/configs/asa-8.2-show-run.txt'), 'utf8');
    const own = run.replace('policy-map global_policy', 'policy-map type inspect esmtp tls_map\n parameters\n  mask-banner\n  allow-tls\npolicy-map global_policy').replace(/^ {2}inspect esmtp\s*$/m, '  inspect esmtp tls_map');
    expect(own).not.toBe(run);
    await writeFile(join(dir, 'fw/own.txt'), own);
    await writeFile(join(dir, 'fw/stock.txt'), run);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const load = async (file: string, receiver: string) => {
    const f = join(dir, `${file}-${receiver.replace(/\W/g, '')}.yaml`);
    await writeFile(f, scenario({ receiver, fw: `    config-file: fw/${file}.txt\n`, device: 'asa 8.2(5)' }));
    return (await loadScenario(f, { checkDevice })).warnings.filter((w) => w.message.includes('CHUNKING'));
  };

  it('warns at the map line of the file', async () => {
    const w = await load('own', 'persona: exchange');
    expect(w).toHaveLength(1);
    const lines = (await readFile(join(dir, 'fw/own.txt'), 'utf8')).split('\n');
    expect(w[0].file).toMatch(/fw[/\\]own\.txt$/);
    expect(lines[w[0].line - 1]).toBe('policy-map type inspect esmtp tls_map');
    expect(w[0].path).toBe(`nodes.fw.config-file (line ${w[0].line})`);
    expect(w[0].message).toContain('firewall fw lets "250 CHUNKING" of mx (persona exchange)');
  });

  it('warns about STARTTLS at the same map line for a map without allow-tls', async () => {
    await writeFile(join(dir, 'fw/notls.txt'), (await readFile(join(dir, 'fw/own.txt'), 'utf8')).replace('  allow-tls\n', ''));
    const f = join(dir, 'notls.yaml');
    await writeFile(f, scenario({ receiver: 'persona: asyncos', fw: '    config-file: fw/notls.txt\n', device: 'asa 8.2(5)' }));
    const w = (await loadScenario(f, { checkDevice })).warnings;
    expect(w).toHaveLength(1);
    const lines = (await readFile(join(dir, 'fw/notls.txt'), 'utf8')).split('\n');
    expect(lines[w[0].line - 1]).toBe('policy-map type inspect esmtp tls_map');
    expect(w[0].message).toContain('firewall fw lets "250 STARTTLS" of mx (persona asyncos)');
  });

  it('does not warn for the stock config (the default map), nor in front of a receiver without CHUNKING', async () => {
    expect(await load('stock', 'persona: exchange')).toEqual([]);
    expect(await load('own', 'persona: asyncos')).toEqual([]);
  });
});

describe('offerFacts', () => {
  const facts = (device: string, config?: string, keyword = 'CHUNKING', verb = 'BDAT') => {
    const r = resolveDevice(device, config);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    const f = offerFacts(r.profile.rules, FAMILIES[r.profile.family as FamilyName].cisco ? r.config : undefined, keyword, verb);
    const { masks, ...rest } = f;
    return keyword === 'CHUNKING' ? { ...rest, masksBdat: masks } : f;
  };
  it('reads what the rules do to the CHUNKING line and to BDAT', () => {
    expect(facts('asa 9.12(4)')).toEqual({ offers: false, masksBdat: true, map: { name: '_default_esmtp_map', line: 0 } });
    expect(facts('asa 9.12(4)', TLS_MAP)).toEqual({ offers: true, masksBdat: true, map: { name: 'tls_map', line: 1 } });
    expect(facts('asa 9.12(4)', MASKED_MAP)).toMatchObject({ offers: false, masksBdat: true });
    expect(facts('pix 7.2(2)')).toMatchObject({ offers: false, masksBdat: true });
    expect(facts('pix 6.3(5)')).toMatchObject({ offers: false, masksBdat: true });
    expect(facts('none')).toEqual({ offers: true, masksBdat: false });
    expect(facts('isp-stripper')).toEqual({ offers: true, masksBdat: false });
    expect(facts('zorp')).toEqual({ offers: false, masksBdat: false });
    expect(facts('f-secure-igk')).toEqual({ offers: false, masksBdat: false });
    expect(facts('asa 9.12(4)', TLS_MAP.replace('  allow-tls\n', '  allow-tls\n match ehlo-reply-parameter others\n  drop-connection\n'))).toMatchObject({ offers: false });
  });
  it('reads what the rules do to the STARTTLS line and command', () => {
    const tls = (device: string, config?: string) => facts(device, config, 'STARTTLS', 'STARTTLS');
    expect(tls('asa 9.12(4)')).toEqual({ offers: false, masks: true, map: { name: '_default_esmtp_map', line: 0 } });
    expect(tls('asa 9.12(4)', OWN_MAP)).toEqual({ offers: true, masks: true, map: { name: 'tls_map', line: 1 } });
    expect(tls('asa 9.12(4)', TLS_MAP)).toMatchObject({ offers: true, masks: false });
    expect(tls('asa 9.12(4)', MASKED_MAP)).toMatchObject({ offers: true, masks: false });
    expect(tls('asa 9.12(4)', MASKED_MAP.replace('  allow-tls\n', ''))).toMatchObject({ offers: false, masks: true });
    expect(tls('pix 7.2(2)')).toMatchObject({ offers: false, masks: true });
    expect(tls('isp-stripper')).toEqual({ offers: false, masks: true });
    expect(tls('dlink-dfl')).toEqual({ offers: false, masks: true });
    expect(tls('zorp')).toEqual({ offers: true, masks: false });
    expect(tls('none')).toEqual({ offers: true, masks: false });
  });
});

describe('shipped scenarios', () => {
  it('no file in scenarios/ warns about CHUNKING (nor about anything else)', async () => {
    const files = await scenarioFiles([join(ROOT, 'scenarios'), join(ROOT, 'scenarios/docker')]);
    expect(files.length).toBeGreaterThan(30);
    const found: string[] = [];
    for (const f of files) found.push(...(await loadScenario(f, { checkDevice })).warnings.map(formatDiagnostic));
    expect(found).toEqual([]);
  });
});
