import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveDevice, startFirewall } from '../src/actors/firewall/index.js';
import { monotonicClock } from '../src/model/clock.js';
import { ROOT } from './helpers/cli.js';
import { receiver, Wire } from './receiver-helpers.js';

/**
 * Whole configurations as admins paste them (test/fixtures/configs, written after Cisco's show
 * running-config / write terminal output of each train: banners, names, object groups, crypto and
 * VPN sub-modes, AAA, logging, failover, call-home, certificates, `: Saved` and `Cryptochecksum`
 * lines, the prompt and the command that printed them), and each again as a terminal capture or an
 * editor may leave it: CRLF or CR line ends, the pager's `<--- More --->` and the carriage returns
 * that erased it, tabs, trailing blanks, indentation lost. Every line is applied or recognised and
 * ignored — never an error — and every variant gives the same device, rules and receiver.
 */

const fixture = (name: string) => readFileSync(join(ROOT, 'test/fixtures/configs', name), 'utf8');
const DEFAULT_MAP = ['mask-banner', 'mask-command', 'match-cmd-line-length', 'match-cmd-rcpt-count', 'match-body-line-length', 'match-header-line-length', 'match-sender-address-length', 'match-mime-filename-length', 'mask-ehlo-parameter'];

interface Case {
  file: string;
  device: string;
  rules: string[];
  /** the receiver as the config publishes it, and the interface it sits behind */
  server: string;
  inside: string;
  warnings: string[];
}

const CASES: Case[] = [
  { file: 'asa-8.2-vpn-failover.txt', device: 'asa 8.2(1)', rules: DEFAULT_MAP, server: '10.1.1.25', inside: 'inside', warnings: [] },
  {
    file: 'asa-8.4-object-nat-dmz.txt',
    device: 'asa 8.4(7.23)',
    rules: ['mask-banner', 'mask-command', 'allow-tls', 'match-sender-address-regex', ...DEFAULT_MAP.slice(2)],
    // the MX is in the DMZ behind object NAT; the twice NAT of the inside network is a VPN exemption
    server: '172.16.10.25',
    inside: 'dmz',
    warnings: ['regex BULK is defined but no `match` uses it'],
  },
  {
    file: 'asa-9.8-dmz-anyconnect.txt',
    device: 'asa 9.8(4.20)',
    rules: ['mask-banner', 'mask-command', 'match-sender-address-regex', ...DEFAULT_MAP.slice(2, -1), 'match-mime-filetype-regex', 'mask-ehlo-parameter'],
    server: '10.10.50.25',
    inside: 'dmz',
    warnings: ['class-map CAPTURE-SMTP is defined but no policy map has a `class` for it'],
  },
  { file: 'pix-6.3-vpn-write-terminal.txt', device: 'pix 6.3(5)', rules: ['mask-banner', 'mailguard-noop', 'duplicate-header-bug'], server: '192.168.1.25', inside: 'inside', warnings: [] },
  // PIX 4.1: mailhost names the mail server, static without an interface pair, conduit, syslog
  { file: 'pix-4.1-mailhost.txt', device: 'pix 4.1(6)', rules: ['mask-banner', 'mailguard-noop', 'duplicate-header-bug'], server: '10.0.0.25', inside: 'inside', warnings: [] },
  { file: 'pix-5.3-write-terminal.txt', device: 'pix 5.3(1)', rules: ['mask-banner', 'mailguard-noop', 'duplicate-header-bug'], server: '10.1.1.25', inside: 'inside', warnings: [] },
  { file: 'asa-7.0-show-run.txt', device: 'asa 7.0(8)', rules: ['mask-banner', 'mask-ehlo-parameter', 'mask-command', 'replace-pipe', 'duplicate-header-bug'], server: '10.2.2.25', inside: 'inside', warnings: [] },
  { file: 'pix-7.2-show-run.txt', device: 'pix 7.2(2)', rules: ['mask-banner', 'mask-ehlo-parameter', 'mask-command', 'replace-pipe', 'duplicate-header-bug'], server: '10.0.0.25', inside: 'inside', warnings: [] },
];

function resolved(text: string, device?: string) {
  const r = resolveDevice(device, text);
  if (!r.ok) throw new Error(r.errors.map((e) => `${e.line}:${e.col} ${e.message} ${e.hint ?? ''}`).join('\n'));
  return r;
}

/** What must not change between the variants of one config. */
const essence = (r: ReturnType<typeof resolved>) => ({ device: r.profile.device, rules: r.profile.rules, interfaces: r.profile.interfaces, idle: r.profile.idleTimeoutMs, inspecting: r.profile.inspecting, warnings: r.warnings.map((w) => w.message) });

/** The ways a pasted config arrives: each a function of the file's text. */
const VARIANTS: Record<string, (t: string) => string> = {
  'CRLF line ends': (t) => t.replace(/\n/g, '\r\n'),
  'CR line ends (an old Mac editor)': (t) => t.replace(/\n/g, '\r'),
  'CRCRLF line ends (a telnet capture)': (t) => t.replace(/\n/g, '\r\r\n'),
  'trailing blanks and tabs': (t) => t.replace(/\n/g, (_, i: number) => (i % 3 ? ' \t \n' : '\n')),
  'tabs for the indentation': (t) => t.replace(/^( +)/gm, (m) => '\t'.repeat(m.length)),
  'tabs between the words': (t) => t.replace(/^(\S+) /gm, '$1\t'),
  'indentation lost': (t) => t.replace(/^[ \t]+/gm, ''),
  'the prompt and the command around it': (t) => `fw-1# show running-config\n${t}\nfw-1# \nfw-1(config)# `,
  // PuTTY's session log: the prompt stays on its line, erased by CR, blanks, CR before the next line
  'pager prompts erased by CR': (t) =>
    t
      .split('\n')
      .map((l, i) => (i % 23 === 22 ? `<--- More --->\r              \r${l}` : l))
      .join('\n'),
  // a copy of the screen where the pager prompt kept a line of its own
  'pager prompts on their own line': (t) =>
    t
      .split('\n')
      .flatMap((l, i) => (i % 23 === 22 ? ['<--- More --->', l] : [l]))
      .join('\n'),
  // IOS-style pager erased with backspaces, and an ANSI erase-line after it
  'pager prompts erased by backspaces': (t) =>
    t
      .split('\n')
      .map((l, i) => (i % 19 === 18 ? ` --More-- ${'\b'.repeat(10)}${' '.repeat(10)}${'\b'.repeat(10)}\x1b[K${l}` : l))
      .join('\n'),
  // the erasing lost in the copy: the prompt, the blanks that overwrote it, then the line
  'pager prompts not erased': (t) =>
    t
      .split('\n')
      .map((l, i) => (i % 23 === 22 ? `<--- More --->              ${l}` : l))
      .join('\n'),
  'no newline at the end': (t) => t.replace(/\n+$/, ''),
};

describe('pasted whole configurations: every line applied or recognised and ignored', () => {
  for (const c of CASES) {
    const text = fixture(c.file);
    it(`${c.file}: ${c.device}, the receiver ${c.server} behind ${c.inside}, the rules in order`, () => {
      const r = resolved(text);
      expect(r.profile.device).toBe(c.device);
      expect(r.profile.inspecting).toBe(true);
      expect(r.profile.rules.map((x) => x.name)).toEqual(c.rules);
      expect(r.profile.interfaces).toEqual({ outside: 'outside', inside: c.inside, server: { address: c.server, port: 25 } });
      expect(r.warnings.map((w) => w.message)).toEqual(c.warnings);
      // no "unknown command" anywhere: each line is applied, ignored by kind (or not in effect: a
      // class nothing applies), or a comment
      const rep = r.report!;
      const ignored = Object.values(rep.ignored).reduce((a, b) => a + b, 0);
      expect(rep.applied.length + ignored + rep.comments).toBe(rep.lines);
      expect(rep.lines).toBe(text.split('\n').filter((l) => l.trim()).length);
    });
    it(`${c.file}: the same device, rules, receiver and warnings in every pasted form`, () => {
      const want = essence(resolved(text));
      for (const [name, f] of Object.entries(VARIANTS)) {
        const got = (() => {
          try {
            return essence(resolved(f(text)));
          } catch (err) {
            throw new Error(`${name}: ${(err as Error).message}`);
          }
        })();
        expect(got, name).toEqual(want);
      }
    });
  }

  it('the pager and prompt lines are counted as the terminal\'s (show output), the line numbers stay the file\'s', () => {
    const text = fixture('pix-7.2-show-run.txt');
    const paged = VARIANTS['pager prompts on their own line'](VARIANTS['the prompt and the command around it'](text));
    const r = resolved(paged);
    const lines = paged.split('\n');
    const pagers = lines.filter((l) => l === '<--- More --->').length;
    expect(pagers).toBeGreaterThan(2);
    // the pager lines, the three prompt lines and Cryptochecksum:
    expect(r.report!.ignored['show output']).toBe(pagers + 3 + 1);
    const inspect = r.report!.applied.find((a) => a.text === 'inspect esmtp')!;
    expect(lines[inspect.line - 1].trim()).toBe('inspect esmtp');
  });

  it('an error in a pasted map still points at the file\'s own line and column through CRLF and pager erasing', () => {
    const text = fixture('asa-8.4-object-nat-dmz.txt').replace('  mask-banner\n', '  mask-baner\n');
    const line = text.split('\n').indexOf('  mask-baner') + 1;
    for (const f of [(t: string) => t, VARIANTS['CRLF line ends'], VARIANTS['pager prompts erased by CR']]) {
      const r = resolveDevice(undefined, f(text));
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.errors).toEqual([{ line, col: 3, message: "% Invalid input detected at '^' marker.", hint: 'did you mean `mask-banner`?' }]);
    }
  });
});

describe('the receiver side', () => {
  const asa82 = fixture('asa-8.2-vpn-failover.txt');
  const server = (text: string) => resolved(text).profile.interfaces;
  it('a policy static or a network static publishes no receiver; the tcp/25 static does, from the interface it names', () => {
    const policy = asa82.replace('static (inside,outside) tcp mx1-public smtp exch-hub smtp netmask 255.255.255.255 \n', 'static (inside,outside) tcp mx1-public smtp access-list MAIL-POLICY-NAT \n');
    expect(server(policy)?.server).toBeUndefined();
    const net = asa82.replace('static (inside,outside) tcp mx1-public smtp exch-hub smtp netmask 255.255.255.255 \n', 'static (inside,outside) 198.51.100.0 10.1.1.0 netmask 255.255.255.0 \n');
    expect(server(net)?.server).toBeUndefined();
    const dmz = asa82
      .replace('interface GigabitEthernet0/3\n shutdown\n no nameif\n no security-level\n no ip address\n', 'interface GigabitEthernet0/3\n nameif DMZ\n security-level 50\n ip address 10.50.0.1 255.255.255.0\n')
      .replace('static (inside,outside) tcp mx1-public smtp exch-hub smtp netmask 255.255.255.255 \n', 'static (DMZ,outside) tcp interface smtp 10.50.0.25 smtp netmask 255.255.255.255 \n');
    expect(server(dmz)).toEqual({ outside: 'outside', inside: 'DMZ', server: { address: '10.50.0.25', port: 25 } });
  });
});

describe('PIX fixup lines', () => {
  it('`no fixup protocol smtp` without a port clears the smtp ports and sets 25 back as the default', () => {
    const text = fixture('pix-6.3-vpn-write-terminal.txt');
    const off = text.replace('fixup protocol smtp 25\n', 'no fixup protocol smtp 25\n');
    expect(resolved(off).profile.inspecting).toBe(false);
    const reset = resolved(off.replace('fixup protocol sqlnet 1521\n', 'fixup protocol sqlnet 1521\nno fixup protocol smtp\n'));
    expect(reset.profile.inspecting).toBe(true);
    expect(reset.report!.applied.find((a) => a.text === 'no fixup protocol smtp')?.effect).toBe('Mailguard back to its default: port 25 only');
  });
});

describe('commands typed after the CLI prompt, as Cisco\'s guides print them', () => {
  it('hostname(config)# … lines are configuration; the prompt names the mode, not the indentation', () => {
    const r = resolved(fixture('asa-guide-typed.txt'), 'asa 8.2(5)');
    expect(r.profile.rules.map((x) => x.name)).toEqual(['mask-banner', 'mask-command', 'match-sender-address-regex']);
    const regex = r.profile.rules[2].options as { patterns: string[]; action: { kind: string; log?: boolean } };
    expect(regex.patterns).toEqual(['user1@cisco.com', 'user2@cisco.com', 'user3@cisco.com']);
    expect(regex.action).toEqual({ kind: 'drop-connection', log: true });
    expect(r.config.inspectWhy).toContain('service-policy on interface outside');
    expect(r.warnings).toEqual([]);
  });

  it('a map of your own without EHLO masking: CHUNKING reaches the client while BDAT reaches the server as X (Cisco: CHUNKING not supported; docs/devices.md)', async () => {
    const map = 'policy-map type inspect esmtp tls_map\n parameters\n  allow-tls\npolicy-map global_policy\n class inspection_default\n  inspect esmtp tls_map\n';
    const rcv = await receiver({ persona: 'postfix', tls: 'off' });
    const fw = await startFirewall({ name: 'fw', device: 'asa 9.12(4)', config: map, clock: monotonicClock(), upstream: { host: '127.0.0.1', port: rcv.port } });
    const w = await Wire.connect(fw.port);
    try {
      await w.reply();
      expect(await w.cmd('EHLO partner.example')).toContain('250 CHUNKING');
      await w.cmd('MAIL FROM:<a@partner.example>');
      await w.cmd('RCPT TO:<b@example.com>');
      expect(await w.cmd('BDAT 5 LAST')).toEqual(['502 5.5.2 Error: command not recognized']);
      expect(rcv.connections[0].view().commands.at(-1)).toBe('XXXXXXXXXXX');
    } finally {
      w.close();
      await fw.stop();
      await rcv.stop();
    }
  });

  it('an error after a configuration prompt is at the command\'s column', () => {
    const r = resolveDevice('asa 8.2(5)', 'asa(config)# policy-map type inspect esmtp m\nasa(config-pmap)# parameters\nasa(config-pmap-p)# mask-baner\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]).toMatchObject({ line: 3, col: 21, hint: 'did you mean `mask-banner`?' });
  });
});
