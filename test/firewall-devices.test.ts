import { describe, expect, it } from 'vitest';
import { knownDevices, resolveDevice } from '../src/actors/firewall/index.js';
import { compareVersion, parseVersion } from '../src/actors/firewall/devices/version.js';

function profile(device: string, config?: string) {
  const r = resolveDevice(device, config);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.profile;
}
const names = (device: string, config?: string) => profile(device, config).rules.map((r) => r.name);
function errors(device: string, config?: string) {
  const r = resolveDevice(device, config);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

describe('versions', () => {
  it('orders releases, interim builds and N.x', () => {
    const v = (s: string) => parseVersion(s)!;
    const sorted = ['6.3(5)', '7.2(2)', '7.2(2.19)', '7.2(3)', '8.0(2.7)', '8.4(7)', '9.12(4)', '9.x'];
    for (let i = 1; i < sorted.length; i++) expect(compareVersion(v(sorted[i - 1]), v(sorted[i]))).toBeLessThan(0);
    expect(parseVersion('7.2(')).toBeUndefined();
    expect(parseVersion('9.x(1)')).toBeUndefined();
  });
});

describe('device table', () => {
  it('maps each version to its family', () => {
    expect(profile('none').family).toBe('none');
    expect(profile('pix 6.3(5)').family).toBe('pix-mailguard');
    expect(profile('PIX  7.2(2)').family).toBe('asa-inspect-classic');
    expect(profile('pix 7.2(2.19)').family).toBe('asa-inspect-classic');
    expect(profile('asa 7.2(3)').family).toBe('asa-default-map');
    expect(profile('asa 8.4(7)').family).toBe('asa-default-map');
    expect(profile('asa 9.12(4)').device).toBe('asa 9.12(4)');
    expect(profile('asa 9.x').family).toBe('asa-default-map');
  });
  it('none passes through; pix 6.3 is Mailguard with the DKIM defect', () => {
    expect(names('none')).toEqual([]);
    expect(names('pix 6.3(5)')).toEqual(['mask-banner', 'mailguard-noop', 'duplicate-header-bug']);
  });
  it('the duplicate-header defect stops at 7.2(2.19)', () => {
    expect(names('pix 7.2(2)')).toContain('duplicate-header-bug');
    expect(names('pix 7.2(2.19)')).not.toContain('duplicate-header-bug');
    expect(names('asa 7.2(3)')).not.toContain('duplicate-header-bug');
  });
  it('the default map has the documented limits', () => {
    expect(names('asa 9.12(4)')).toEqual([
      'mask-banner',
      'mask-command',
      'match-cmd-line-length',
      'match-cmd-rcpt-count',
      'match-body-line-length',
      'match-header-line-length',
      'match-sender-address-length',
      'match-mime-filename-length',
      'mask-ehlo-parameter',
    ]);
  });
  it('knownDevices gives examples that all resolve', () => {
    expect(knownDevices()).toContain('asa 9.x');
    for (const d of knownDevices()) expect(resolveDevice(d).ok).toBe(true);
  });
  it('rejects unknown devices with a column and a hint', () => {
    expect(errors('cisco 9')).toEqual([{ line: 0, col: 1, message: 'unknown device "cisco 9"', hint: expect.stringContaining('known devices') }]);
    expect(errors('pxi 6.3')[0].hint).toBe('did you mean "pix 6.3"?');
    expect(errors('zrop')[0].hint).toBe('did you mean "zorp"?');
    expect(errors('asa 9.12(')[0]).toMatchObject({ line: 0, col: 5, message: '"9.12(" is not an ASA version' });
    expect(errors('asa 6.3(5)')[0].hint).toBe('did you mean "pix 6.3(5)"?');
  });
});

describe('config', () => {
  it('no inspect esmtp turns inspection off (the seed fix)', () => {
    const p = profile('asa 9.12(4)', 'policy-map global_policy\n class inspection_default\n  no inspect esmtp\n');
    expect(p.inspecting).toBe(false);
    expect(p.rules).toEqual([]);
  });
  it('no fixup protocol smtp 25 turns Mailguard off', () => {
    expect(profile('pix 6.3(5)', 'no fixup protocol smtp 25').inspecting).toBe(false);
    expect(profile('pix 6.3(5)', 'fixup protocol smtp 25').inspecting).toBe(true);
  });
  it('allow-tls in a named map adds STARTTLS to the verbs and the EHLO pass set', () => {
    const p = profile(
      'asa 8.4(7)',
      [
        'policy-map type inspect esmtp tls_map',
        ' parameters',
        '  mask-banner',
        '  allow-tls action log',
        ' match ehlo-reply-parameter others',
        '  mask',
        'policy-map global_policy',
        ' class inspection_default',
        '  inspect esmtp tls_map',
      ].join('\n'),
    );
    expect(p.rules.map((r) => r.name)).toEqual(['mask-banner', 'mask-command', 'allow-tls', 'mask-ehlo-parameter']);
    expect(JSON.stringify(p.rules)).toContain('STARTTLS');
    expect(p.rules.find((r) => r.name === 'allow-tls')?.options).toEqual({ log: true });
  });
  it('no mask-banner and no match in the default map', () => {
    const p = profile('asa 9.x', 'policy-map type inspect esmtp _default_esmtp_map\n parameters\n  no mask-banner\n no match cmd line length gt 512\n');
    expect(p.rules.map((r) => r.name)).not.toContain('mask-banner');
    expect(p.rules.map((r) => r.name)).not.toContain('match-cmd-line-length');
    expect(p.rules.map((r) => r.name)).toContain('match-cmd-rcpt-count');
  });
  it('indentation is optional: the CLI leaves a mode when a command does not fit it', () => {
    expect(profile('asa 9.x', 'policy-map global_policy\nclass inspection_default\nno inspect esmtp').inspecting).toBe(false);
  });
  it('rejects allow-tls on 7.2(2) with line, column and hint', () => {
    expect(errors('pix 7.2(2)', 'policy-map type inspect esmtp m\n parameters\n  allow-tls\n')).toEqual([
      {
        line: 3,
        col: 3,
        message: "% Invalid input detected at '^' marker.",
        hint: 'allow-tls first appeared in 7.2(3) and 8.0(3); pix 7.2(2) does not have it — upgrade, or use `no inspect esmtp`',
      },
    ]);
  });
  it('rejects policy-map on pix 6.3 and fixup on asa 9.x', () => {
    expect(errors('pix 6.3(5)', '\npolicy-map global_policy')[0]).toMatchObject({ line: 2, col: 1, hint: expect.stringContaining('fixup protocol smtp 25') });
    expect(errors('asa 9.x', 'policy-map global_policy\n class inspection_default\n  inspect esmtp\nno fixup protocol smtp 25')[0]).toMatchObject({
      line: 4,
      col: 4,
      message: "% Invalid input detected at '^' marker.",
      hint: expect.stringContaining('no inspect esmtp'),
    });
  });
  it('reports every error at once, with columns at the offending word', () => {
    const errs = errors('asa 9.x', ['policy-map type inspect esmtp m', ' match cmd line length gt many', '  drop-connection', ' match body line length gt 10', '  mask', 'polcy-map x'].join('\n'));
    expect(errs.map((e) => [e.line, e.col])).toEqual([
      [2, 27],
      [5, 3],
      [6, 1],
    ]);
    expect(errs[0].hint).toBe('expected <number>');
    expect(errs[1].hint).toContain('`mask` is valid only');
    expect(errs[2].hint).toBe('did you mean `policy-map`?');
  });
  it('an inspect map must exist', () => {
    expect(errors('asa 9.x', 'policy-map global_policy\n class inspection_default\n  inspect esmtp nosuch')[0]).toMatchObject({ line: 3, col: 17, message: 'ERROR: Inspect policy-map nosuch not found' });
  });
  it('knob lines are checked', () => {
    expect(errors('asa 9.x', '! mxlab knob vrfy maybe')[0]).toMatchObject({ line: 1, col: 14, message: 'mxlab: knob vrfy takes pass | mask, got "maybe"' });
    expect(profile('asa 9.x', '! mxlab knob vrfy pass').knobs.vrfy).toBe('pass');
  });
  it('none takes no config', () => {
    expect(errors('none', 'inspect esmtp')[0]).toMatchObject({ line: 1, col: 1, message: 'device "none" takes no configuration' });
  });
});

describe('version wildcards', () => {
  it('reads 6.3(x) as the newest 6.3, 7.x as the releases before the 7.2(3) fix, 7.2(3)+ as 7.2(3)', async () => {
    const { resolveDevice } = await import('../src/actors/firewall/index.js');
    const family = (d: string) => {
      const r = resolveDevice(d);
      return r.ok ? r.profile.family : r.errors[0].message;
    };
    expect(family('pix 6.3(x)')).toBe('pix-mailguard');
    expect(family('pix 7.x')).toBe('asa-inspect-classic');
    expect(family('asa 7.x')).toBe('asa-inspect-classic');
    expect(family('asa 7.2(3)+')).toBe('asa-default-map');
    expect(family('asa 8.x')).toBe('asa-default-map');
    expect(family('asa 9.x')).toBe('asa-default-map');
  });
});
