import { describe, expect, it } from 'vitest';
import { mxlab } from './helpers/cli.js';

describe('mxlab explain', () => {
  it('names the release, the config lines that took effect, the map in force in the device words, the rules and the knobs', async () => {
    const r = await mxlab(['explain', 'scenarios/seed-asa-8.2-show-run.yaml']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = r.stdout;
    expect(out).toContain("fw — asa 8.2(5) (from the config's version line): PIX/ASA 7.2(3)+ / 8.x / 9.x inspect esmtp _default_esmtp_map");
    expect(out).toContain('  release: ASA 8.2(5), train 8.2; release table row asa 8.2 … before 8.3; config dialect mpf-maps-tls');
    expect(out).toContain('  SMTP inspection: on — service-policy global → policy-map global_policy → class inspection_default → inspect esmtp');
    expect(out).toContain('  interfaces: mail comes in on outside, leaves on inside; the receiver is 10.10.20.25:25 on it (labels in log lines, never contacted)');
    expect(out).toMatch(/Config lines that took effect \(scenarios\/configs\/asa-8\.2-show-run\.txt\): 17 of 131; 100 ignored \(management 23,/);
    expect(out).toMatch(/^ {4}118 {2}inspect esmtp +ESMTP inspection with _default_esmtp_map$/m);
    expect(out).toMatch(/^ {6}4 {2}ASA Version 8\.2\(5\) +the device: asa 8\.2\(5\)$/m);
    expect(out).toContain(['  policy-map type inspect esmtp _default_esmtp_map', '   parameters', '    mask-banner', '    no mail-relay', '    no special-character', '    no allow-tls', '   match cmd line length gt 512', '    drop-connection log'].join('\n'));
    expect(out).toContain('   1. mask-banner  style asa, space keep');
    expect(out).toContain('   3. match-cmd-line-length  gt 512, action drop-connection log');
    expect(out).toContain('  banner-space = keep (default)   (keep | mask)');
  });

  it('Mailguard from a PIX 6.3 write terminal, and one explanation per device of a matrix', async () => {
    const pix = await mxlab(['explain', 'scenarios/pix-6.3-write-terminal.yaml', '--node', 'fw']);
    expect(pix.stdout).toContain("In force, in the device's words:\n  fixup protocol smtp 25\n");
    expect(pix.stdout).toMatch(/^ {5}\d+ {2}fixup protocol smtp 25 +Mailguard \(SMTP fixup\) on port 25$/m);
    const m = await mxlab(['explain', 'scenarios/matrix-firewall-versions.yaml']);
    expect(m.stdout.match(/^fw \[fw\.device=[^\]]+\] — /gm)).toEqual(['fw [fw.device=pix 6.3(5)] — ', 'fw [fw.device=pix 7.2(2)] — ', 'fw [fw.device=asa 7.2(3)] — ', 'fw [fw.device=asa 9.12(4)] — ']);
  });

  it('an unknown --node is exit 2 with the firewalls there are', async () => {
    const r = await mxlab(['explain', 'scenarios/seed-esa-behind-pix.yaml', '--node', 'fx']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no firewall node "fx" in scenarios/seed-esa-behind-pix.yaml (firewalls: fw) — did you mean "fw"?');
  });
});

describe('mxlab devices --config', () => {
  it('explains a saved show running-config without a scenario: its own ESMTP map, in the device words', async () => {
    const r = await mxlab(['devices', '--config', 'test/fixtures/configs/asa-9.12-show-run.txt']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("test/fixtures/configs/asa-9.12-show-run.txt — asa 9.12(4.18) (from the config's version line)");
    expect(r.stdout).toContain('  policy-map type inspect esmtp mail-in\n   parameters\n    mask-banner\n    no mail-relay\n    no special-character\n    allow-tls action log\n   match sender-address regex class blocked-senders\n    drop-connection log\n');
    expect(r.stdout).toContain('    allow-tls action log');
    expect(r.stdout).toContain('match-sender-address-regex  name class blocked-senders, patterns @spam\\.example$ ^bounce-.*@bulk\\.example$, action drop-connection log');
  });

  it('--device must agree with the version line: exit 2 at the file line', async () => {
    const r = await mxlab(['devices', '--config', 'scenarios/configs/asa-8.2-show-run.txt', '--device', 'asa 9.1(7)']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('scenarios/configs/asa-8.2-show-run.txt:4:13: the config is from ASA 8.2(5), but device: is "asa 9.1(7)" — remove device: (the version line sets it), or make the two agree\n');
  });

  it('a device string alone still shows that release', async () => {
    const r = await mxlab(['devices', 'pix 7.2(2.19)']);
    expect(r.stdout).toContain('  release: PIX 7.2(2.19), train 7.2; release table row pix 7.2(2.19) … before 7.2(3); config dialect mpf-maps');
    expect(r.stdout).toContain("    fixed in this row's first release: duplicate-header");
    expect(r.stdout).not.toContain('duplicate-header-bug');
  });
});

describe('mxlab proxy --config', () => {
  it('runs a saved show running-config without --device: its version line names the device', async () => {
    const { Served } = await import('./helpers/serve.js');
    const p = Served.start(['proxy', '--config', 'scenarios/configs/pix-6.3-write-terminal.txt', '--upstream', '127.0.0.1:9', '--listen', '127.0.0.1:0', '--json']);
    try {
      expect(await p.line((l) => l.type === 'ready')).toMatchObject({ type: 'ready', device: 'pix 6.3(5)' });
    } finally {
      await p.stop();
    }
  });
});
