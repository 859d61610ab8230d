import type { RuleSpec } from '../rules/index.js';
import { atLeast } from './version.js';
import type { DeviceFamily } from './types.js';

/** Mailguard's allow-list. [C-MG, MS-295725] CONFIRMED. */
export const MAILGUARD_VERBS = ['HELO', 'MAIL', 'RCPT', 'DATA', 'RSET', 'NOOP', 'QUIT'];

/**
 * PIX 4.2–6.3 `fixup protocol smtp 25` (Mailguard): no ESMTP (EHLO masked, the server answers
 * it as unknown), banner masked except `2` `0` CR LF (4.4: every other character), disallowed
 * verbs per knob, the duplicate-header defect, the split end-of-data defect (knob).
 */
export const pixMailguard: DeviceFamily = {
  name: 'pix-mailguard',
  title: 'PIX 4.2–6.3 fixup protocol smtp (Mailguard)',
  examples: ['pix 6.3(5)', 'pix 6.3', 'pix 5.3', 'pix 4.4'],
  cisco: true,
  matches: (d) => d.product === 'pix' && !!d.version && atLeast(d.version, '4.2(0)') && d.version.major < 7,
  build(d, cfg, k) {
    if (cfg.fixupSmtp && !cfg.fixupSmtp.on) return { inspecting: false, rules: [] };
    const v = d.version!;
    const rules: RuleSpec[] = [
      { name: 'mask-banner', options: { style: atLeast(v, '5.1(0)') ? 'mailguard' : 'mailguard-4.4' } },
      k.disallowed === 'mask'
        ? { name: 'mask-command', options: { allowed: MAILGUARD_VERBS } }
        : { name: 'mailguard-noop', options: { allowed: MAILGUARD_VERBS, disallowed: k.disallowed } },
      { name: 'duplicate-header-bug', options: { action: k['duplicate-header-action'] } },
    ];
    if (k['split-eod-drop']) rules.push({ name: 'split-eod-drop', options: undefined });
    return { inspecting: true, rules };
  },
};
