import { defaultEsmtpMap } from '../config/model.js';
import type { RuleSpec } from '../rules/index.js';
import { matchRules, verbRules } from './esmtp-rules.js';
import type { DeviceFamily } from './types.js';

/**
 * PIX/ASA 7.2(3)+, 8.0(3)+, 8.x, 9.x: `inspect esmtp` with `_default_esmtp_map` (or the map
 * named on the inspect line): mask-banner, limits, EHLO masking, verb allow-list, allow-tls.
 */
export const asaDefaultMap: DeviceFamily = {
  name: 'asa-default-map',
  title: 'PIX/ASA 7.2(3)+ / 8.x / 9.x inspect esmtp _default_esmtp_map',
  examples: ['asa 7.2(3)', 'pix 7.2(3)', 'asa 8.4(7)', 'asa 9.12(4)', 'asa 9.x'],
  cisco: true,
  build({ cfg, knobs: k }) {
    if (!cfg.inspectEsmtp.on) return { inspecting: false, rules: [] };
    const name = cfg.inspectEsmtp.map ?? '_default_esmtp_map';
    const map = cfg.maps.get(name) ?? defaultEsmtpMap();
    const rules: RuleSpec[] = [];
    if (map.maskBanner) rules.push({ name: 'mask-banner', options: { style: 'asa', space: k['banner-space'] } });
    rules.push(...verbRules(map.allowTls.on));
    if (map.allowTls.on) {
      const i = rules.findIndex((r) => r.name === 'allow-tls');
      rules[i] = { name: 'allow-tls', options: { log: map.allowTls.log } };
    }
    rules.push(...matchRules(map, k));
    return { inspecting: true, rules };
  },
};
