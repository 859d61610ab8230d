import { emptyEsmtpMap } from '../config/model.js';
import type { RuleSpec } from '../rules/index.js';
import { ehloPass, matchRules, verbRules } from './esmtp-rules.js';
import { atLeast, sameTrain, type Version } from './version.js';
import type { DeviceFamily } from './types.js';

/** 7.0–7.2(2) and 8.0(0)–8.0(2): the classic `inspect esmtp`, before the default map. */
export function isClassic(v: Version): boolean {
  if (v.major === 7) return !atLeast(v, '7.2(3)');
  return sameTrain(v, '8.0(0)') && !atLeast(v, '8.0(3)');
}

/** The duplicate-header defect: fixed in the 7.2(2.19) and 8.0(2.7) interim builds. [ESA118550, HEISE] */
export function hasDuplicateHeaderBug(v: Version): boolean {
  if (v.major < 7) return true;
  if (v.major === 7) return !atLeast(v, '7.2(2.19)');
  return sameTrain(v, '8.0(0)') && !atLeast(v, '8.0(2.7)');
}

/**
 * PIX/ASA 7.0–7.2(2) `inspect esmtp`: 15-verb allow-list (STARTTLS always masked, no allow-tls),
 * banner and EHLO reply masked, `|` → space in MAIL/RCPT, the duplicate-header/DKIM defect.
 */
export const asaInspectClassic: DeviceFamily = {
  name: 'asa-inspect-classic',
  title: 'PIX/ASA 7.0–7.2(2) inspect esmtp (no allow-tls, duplicate-header defect)',
  examples: ['pix 7.2(2)', 'asa 7.2(2)', 'asa 7.0(1)', 'pix 7.2(2.19)'],
  cisco: true,
  matches: (d) => (d.product === 'pix' || d.product === 'asa') && !!d.version && d.version.major >= 7 && isClassic(d.version),
  build(d, cfg, k) {
    if (cfg.inspectEsmtp && !cfg.inspectEsmtp.on) return { inspecting: false, rules: [] };
    const map = cfg.inspectEsmtp?.map ? (cfg.maps.get(cfg.inspectEsmtp.map) ?? emptyEsmtpMap('')) : undefined;
    const rules: RuleSpec[] = [];
    if (!map || map.maskBanner) rules.push({ name: 'mask-banner', options: { style: 'asa', space: k['banner-space'] } });
    rules.push({ name: 'mask-ehlo-parameter', options: { pass: ehloPass(k, false) } });
    rules.push(...verbRules(false));
    rules.push({ name: 'replace-pipe', options: {} });
    if (hasDuplicateHeaderBug(d.version!)) rules.push({ name: 'duplicate-header-bug', options: { action: k['duplicate-header-action'] } });
    if (map) rules.push(...matchRules(map, k).filter((r) => r.name !== 'mask-ehlo-parameter'));
    return { inspecting: true, rules };
  },
};
