import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDevice } from '../src/actors/firewall/index.js';
import { ROOT } from './helpers/cli.js';

const ASA82 = readFileSync(join(ROOT, 'scenarios/configs/asa-8.2-show-run.txt'), 'utf8');
const PIX63 = readFileSync(join(ROOT, 'scenarios/configs/pix-6.3-write-terminal.txt'), 'utf8');
const ASA912 = readFileSync(join(ROOT, 'test/fixtures/configs/asa-9.12-show-run.txt'), 'utf8');

function ok(device: string | undefined, config: string) {
  const r = resolveDevice(device, config);
  if (!r.ok) throw new Error(JSON.stringify(r.errors, null, 1));
  return r;
}
function errors(device: string | undefined, config: string) {
  const r = resolveDevice(device, config);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
const DEFAULT_MAP = ['mask-banner', 'mask-command', 'match-cmd-line-length', 'match-cmd-rcpt-count', 'match-body-line-length', 'match-header-line-length', 'match-sender-address-length', 'match-mime-filename-length', 'mask-ehlo-parameter'];

describe('a whole show running-config', () => {
  it('ASA 8.2: the version line names the device; global_policy inspect esmtp gives the default map; every line applied or ignored', () => {
    const r = ok(undefined, ASA82);
    expect(r.profile.device).toBe('asa 8.2(5)');
    expect(r.profile.rules.map((x) => x.name)).toEqual(DEFAULT_MAP);
    expect(r.warnings).toEqual([]);
    // the sides are labels from the config, the receiver the static's inside address
    expect(r.profile.interfaces).toEqual({ outside: 'outside', inside: 'inside', server: { address: '10.10.20.25', port: 25 } });
    expect(r.profile.idleTimeoutMs).toBe(3_600_000);
    const rep = r.report!;
    const ignored = Object.values(rep.ignored).reduce((a, b) => a + b, 0);
    expect(rep.applied.length + ignored + rep.comments).toBe(rep.lines);
    expect(rep.lines).toBe(ASA82.split('\n').filter((l) => l.trim()).length);
    const applied = new Map(rep.applied.map((a) => [a.line, a]));
    expect(applied.get(lineOf(ASA82, 'inspect esmtp'))).toEqual({ line: 118, text: 'inspect esmtp', effect: 'ESMTP inspection with _default_esmtp_map' });
    expect(applied.get(lineOf(ASA82, 'service-policy global_policy global'))?.effect).toBe('applies policy-map global_policy to every interface');
    expect(applied.get(lineOf(ASA82, 'static (inside,outside)'))?.effect).toContain('10.10.20.25 (inside) as 203.0.113.25 (outside)');
    expect(applied.get(4)?.effect).toBe('the device: asa 8.2(5)');
    expect(applied.has(lineOf(ASA82, 'inspect ftp'))).toBe(false);
    expect(rep.ignored).toMatchObject({ 'access lists': 7, names: 4, management: 23, 'other inspections': 18 });
  });

  it('PIX 6.3 write terminal: fixup protocol smtp 25 is Mailguard; no fixup turns it off; another port adds to 25', () => {
    const r = ok(undefined, PIX63);
    expect(r.profile.device).toBe('pix 6.3(5)');
    expect(r.profile.rules.map((x) => x.name)).toEqual(['mask-banner', 'mailguard-noop', 'duplicate-header-bug']);
    expect(r.report!.applied.find((a) => a.text === 'fixup protocol smtp 25')?.effect).toBe('Mailguard (SMTP fixup) on port 25');
    expect(r.profile.interfaces?.server).toEqual({ address: '192.168.10.25', port: 25 });
    expect(r.warnings).toEqual([]);
    expect(ok(undefined, PIX63.replace('fixup protocol smtp 25', 'no fixup protocol smtp 25')).profile.inspecting).toBe(false);
    expect(ok(undefined, PIX63.replace('fixup protocol smtp 25', 'fixup protocol smtp 2525')).profile.inspecting).toBe(true);
    expect(ok(undefined, PIX63.replace('fixup protocol smtp 25', 'no fixup protocol smtp 25\nfixup protocol smtp 2525')).profile.inspecting).toBe(false);
  });

  it('ASA 9.12 with an interim build, object NAT and its own ESMTP map with a regex class', () => {
    const r = ok(undefined, ASA912);
    expect(r.profile.device).toBe('asa 9.12(4.18)');
    expect(r.profile.rules.map((x) => x.name)).toEqual(['mask-banner', 'mask-command', 'allow-tls', 'match-sender-address-regex', ...DEFAULT_MAP.slice(2)]);
    const regex = r.profile.rules.find((x) => x.name === 'match-sender-address-regex')!.options as { patterns: string[]; action: unknown };
    expect(regex.patterns).toEqual(['@spam\\.example$', '^bounce-.*@bulk\\.example$']);
    expect(r.profile.interfaces?.server).toEqual({ address: '10.20.0.25', port: 25 });
    expect(r.profile.idleTimeoutMs).toBe(30 * 60_000);
    expect(r.warnings).toEqual([]);
    expect(r.report!.applied.map((a) => a.text)).toEqual(expect.arrayContaining(['regex blocked-sender "@spam\\.example$"', 'match regex blocked-sender2', 'allow-tls action log', 'inspect esmtp mail-in', 'nat (inside,outside) static 198.51.100.11 service tcp smtp smtp']));
  });

  it('without service-policy nothing is inspected, and the unused policy map is a warning', () => {
    const r = ok(undefined, ASA82.replace('service-policy global_policy global\n', ''));
    expect(r.profile.inspecting).toBe(false);
    expect(r.config.inspectWhy).toBe('no service-policy applies a policy map: SMTP passes uninspected');
    expect(r.warnings).toEqual([{ line: 110, col: 1, message: 'policy-map global_policy is defined but no `service-policy` applies it', hint: 'remove it, or refer to it where it should act' }]);
  });

  it('an interface policy on outside comes before the global one', () => {
    const extra = 'policy-map outside_policy\n class inspection_default\n  no inspect esmtp\n  inspect http\nservice-policy outside_policy interface outside\n';
    const r = ok(undefined, ASA82.replace('prompt hostname context\n', `${extra}prompt hostname context\n`));
    expect(r.profile.inspecting).toBe(false);
    expect(r.config.inspectWhy).toBe('service-policy on interface outside → policy-map outside_policy → class inspection_default → no inspect esmtp');
  });

  it('a class of its own for tcp/25 with a named map', () => {
    const cfg = [
      'ASA Version 9.8(4)',
      'class-map smtp-class',
      ' match port tcp eq smtp',
      'policy-map type inspect esmtp strict',
      ' parameters',
      '  no mask-banner',
      'policy-map mail_policy',
      ' class smtp-class',
      '  inspect esmtp strict',
      'service-policy mail_policy global',
    ].join('\n');
    const r = ok(undefined, cfg);
    expect(r.profile.rules.map((x) => x.name)).toEqual(['mask-command']);
    expect(r.config.inspectWhy).toBe('service-policy global → policy-map mail_policy → class smtp-class → inspect esmtp strict');
  });
});

describe('the version line and device:', () => {
  it('must agree; a wildcard device: covers the release the config names', () => {
    expect(ok('asa 8.2(5)', ASA82).profile.device).toBe('asa 8.2(5)');
    expect(ok('asa 8.2', ASA82).profile.device).toBe('asa 8.2(5)');
    expect(ok('asa 8.x', ASA82).profile.device).toBe('asa 8.2(5)');
    expect(errors('asa 9.12(4)', ASA82)).toEqual([{ line: 4, col: 13, message: 'the config is from ASA 8.2(5), but device: is "asa 9.12(4)"', hint: 'remove device: (the version line sets it), or make the two agree' }]);
    expect(errors('pix 8.0(4)', ASA82)[0].message).toBe('the config is from ASA 8.2(5), but device: is "pix 8.0(4)"');
    expect(errors('none', ASA82)[0].line).toBe(4);
  });
  it('an unknown version in the config is an error at its line; so is a config without one and no device:', () => {
    expect(errors(undefined, ': Saved\nASA Version 99.1(1)\nhostname x')).toEqual([
      { line: 2, col: 13, message: 'unknown ASA version "99.1(1)": there is no ASA 99.1 train (mxlab knows ASA 7.0–9.22)', hint: 'nearest known releases: "asa 9.22", "asa 9.20"' },
    ]);
    expect(errors(undefined, 'policy-map global_policy\n class inspection_default\n  no inspect esmtp')[0]).toMatchObject({ line: 0, message: 'no device: the firewall needs device: or a config with its version line' });
    expect(errors(undefined, 'ASA Version 8.2(5)\nASA Version 9.1(7)')[0]).toMatchObject({ line: 2, message: 'a second version line (the first is line 1)' });
  });
});

describe('lines the emulator does not model', () => {
  it('an unknown command inside an ESMTP policy map is an error at its line and column; elsewhere a warning', () => {
    const cfg = ASA912.replace('  drop-connection log\n match cmd line length gt 512', '  drop-connection log\n  frobnicate now\n match cmd line length gt 512').replace('prompt hostname context', 'prompt hostname context\nquantum-tunnel enable');
    const r = resolveDevice(undefined, cfg);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const at = lineOf(cfg, 'frobnicate');
    expect(r.errors).toEqual([{ line: at, col: 3, message: "% Invalid input detected at '^' marker.", hint: 'commands here: drop-connection, reset, mask, log, rate-limit, exit' }]);
    expect(r.warnings).toEqual([{ line: lineOf(cfg, 'quantum-tunnel'), col: 1, message: 'unknown command "quantum-tunnel", ignored', hint: 'mxlab does not know it; if it changes SMTP on the wire, please report it' }]);
  });
  it('a typo of a known command is an error with a did-you-mean', () => {
    const errs = errors(undefined, ASA82.replace('access-group outside_access_in', 'acess-group outside_access_in'));
    expect(errs).toEqual([{ line: lineOf(ASA82, 'access-group outside_access_in'), col: 1, message: "% Invalid input detected at '^' marker.", hint: 'did you mean `access-group`?' }]);
  });
  it('a policy map, class map, regex or regex class that nothing uses is a warning at its definition', () => {
    const cfg = [
      'ASA Version 9.12(4)',
      'regex lonely "x"',
      'regex used "y"',
      'class-map type regex match-any idle-class',
      ' match regex used',
      'class-map web',
      ' match port tcp eq www',
      'policy-map type inspect esmtp spare',
      ' parameters',
      '  mask-banner',
      'policy-map type inspect http web-map',
      ' parameters',
      '  protocol-violation action drop-connection',
      'policy-map global_policy',
      ' class inspection_default',
      '  inspect esmtp',
      'service-policy global_policy global',
    ].join('\n');
    const r = ok(undefined, cfg);
    expect(r.warnings.map((w) => [w.line, w.message])).toEqual([
      [2, 'regex lonely is defined but no `match` uses it'],
      [4, 'class-map type regex idle-class is defined but no `match … regex class` uses it'],
      [6, 'class-map web is defined but no policy map has a `class` for it'],
      [8, 'policy-map type inspect esmtp spare is defined but no `inspect esmtp` uses it'],
      [11, 'policy-map type inspect web-map is defined but no `inspect` line uses it'],
    ]);
  });
  it('a config without indentation is read as the CLI would take it', () => {
    const flat = ASA82.split('\n').map((l) => l.trimStart()).join('\n');
    expect(ok(undefined, flat).profile.rules.map((x) => x.name)).toEqual(DEFAULT_MAP);
  });
});
