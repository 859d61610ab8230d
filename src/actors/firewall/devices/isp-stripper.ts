import type { RuleSpec } from '../rules/index.js';
import type { DeviceFamily } from './types.js';

/**
 * ISP STARTTLS stripping on outbound port 25 (Cricket 2014, Vodafone India 2014–2017): the same
 * `250-XXXXXXXA` rewrite of the STARTTLS line; Cricket's banner arrived as `200 ****…`.
 * [GF, TD, TOROID] CONFIRMED reports. Only STARTTLS is masked (in the EHLO reply and as a client
 * command, whole lines only) — the rest is INFERRED.
 */
export const ispStripper: DeviceFamily = {
  name: 'isp-stripper',
  title: 'ISP STARTTLS stripper (Cricket / Vodafone India)',
  examples: ['isp-stripper'],
  cisco: false,
  build({ knobs: k }) {
    const rules: RuleSpec[] = [];
    if (k['isp-banner'] === 'cricket') rules.push({ name: 'mask-banner', options: { style: 'asa', code: '200' } });
    rules.push({ name: 'mask-ehlo-parameter', options: { pass: [], lines: [{ params: ['STARTTLS'], others: false }] } });
    rules.push({ name: 'mask-command', options: { allowed: [], denied: ['STARTTLS'] } });
    return { inspecting: true, rules };
  },
};
