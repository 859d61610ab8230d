import { emptyEsmtpMap } from '../config/model.js';
import type { RuleSpec } from '../rules/index.js';
import { ehloPass, matchRules, verbRules } from './esmtp-rules.js';
import type { DeviceFamily } from './types.js';

/**
 * PIX/ASA 7.0–7.2(2) and 8.0(1)–8.0(2) `inspect esmtp`, before the default map: 15-verb allow-list
 * (STARTTLS always masked, no allow-tls), banner and EHLO reply masked, `|` → space in MAIL/RCPT,
 * and the release's duplicate-header/DKIM defect (until the 7.2(2.19) and 8.0(2.7) builds).
 */
export const asaInspectClassic: DeviceFamily = {
  name: 'asa-inspect-classic',
  title: 'PIX/ASA 7.0–7.2(2) inspect esmtp (no allow-tls, duplicate-header defect)',
  examples: ['pix 7.2(2)', 'asa 7.2(2)', 'asa 7.0(1)', 'pix 7.2(2.19)'],
  cisco: true,
  build({ release, cfg, knobs: k }) {
    if (!cfg.inspectEsmtp.on) return { inspecting: false, rules: [] };
    const name = cfg.inspectEsmtp.map;
    const map = name ? (cfg.maps.get(name) ?? emptyEsmtpMap(name)) : undefined;
    const rules: RuleSpec[] = [];
    if (!map || map.maskBanner) rules.push({ name: 'mask-banner', options: { style: 'asa', space: k['banner-space'] } });
    rules.push({ name: 'mask-ehlo-parameter', options: { pass: ehloPass(k, false) } });
    rules.push(...verbRules(false));
    rules.push({ name: 'replace-pipe', options: {} });
    if (release!.row.defects.includes('duplicate-header')) rules.push({ name: 'duplicate-header-bug', options: { action: k['duplicate-header-action'] } });
    if (map) rules.push(...matchRules(map, k).filter((r) => r.name !== 'mask-ehlo-parameter'));
    return { inspecting: true, rules };
  },
};
