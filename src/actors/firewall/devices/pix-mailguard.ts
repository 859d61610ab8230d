import type { RuleSpec } from '../rules/index.js';
import { MAILGUARD_VERBS } from './esmtp-rules.js';
import type { DeviceFamily } from './types.js';

/**
 * PIX 4.2–6.3 `fixup protocol smtp 25` (Mailguard): no ESMTP (EHLO masked, the server answers
 * it as unknown), banner masked (the release row says how), disallowed verbs per knob, and the
 * release's defects (duplicate header; split end of data behind its knob).
 */
export const pixMailguard: DeviceFamily = {
  name: 'pix-mailguard',
  title: 'PIX 4.2–6.3 fixup protocol smtp (Mailguard)',
  examples: ['pix 6.3(5)', 'pix 6.3', 'pix 5.3', 'pix 4.4'],
  cisco: true,
  build({ release, cfg, knobs: k }) {
    if (!cfg.fixupSmtp.on) return { inspecting: false, rules: [] };
    const row = release!.row;
    const rules: RuleSpec[] = [
      { name: 'mask-banner', options: row.banner === 'digits' ? { style: 'mailguard', space: k['banner-space'] } : { style: 'mailguard-4.4' } },
      k.disallowed === 'mask'
        ? { name: 'mask-command', options: { allowed: MAILGUARD_VERBS } }
        : { name: 'mailguard-noop', options: { allowed: MAILGUARD_VERBS, disallowed: k.disallowed } },
    ];
    if (row.defects.includes('duplicate-header')) rules.push({ name: 'duplicate-header-bug', options: { action: k['duplicate-header-action'] } });
    if (row.defects.includes('split-eod') && k['split-eod-drop']) rules.push({ name: 'split-eod-drop', options: undefined });
    return { inspecting: true, rules };
  },
};
