import type { RuleSpec } from '../rules/index.js';
import { MAILGUARD_VERBS } from './esmtp-rules.js';
import type { DeviceFamily } from './types.js';

/**
 * PIX 4.0/4.1 `mailhost`: the firewall terminates SMTP; only the Mailguard verbs are forwarded,
 * every other verb (EHLO included) gets an OK from the firewall itself. [C-4733] CONFIRMED;
 * the OK text (`250 OK`) and the banner treatment (as 4.4) are INFERRED.
 */
export const pixMailhost: DeviceFamily = {
  name: 'pix-mailhost',
  title: 'PIX 4.0/4.1 mailhost (firewall answers other verbs with OK)',
  examples: ['pix 4.1', 'pix 4.0'],
  cisco: true,
  build({ release, cfg, knobs: k }) {
    if (!cfg.fixupSmtp.on) return { inspecting: false, rules: [] };
    const rules: RuleSpec[] = [
      { name: 'mask-banner', options: { style: 'mailguard-4.4' } },
      { name: 'mailguard-noop', options: { allowed: MAILGUARD_VERBS, disallowed: 'ok', ehlo: 'same' } },
    ];
    if (release!.row.defects.includes('duplicate-header')) rules.push({ name: 'duplicate-header-bug', options: { action: k['duplicate-header-action'] } });
    return { inspecting: true, rules };
  },
};
