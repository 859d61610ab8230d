import { describeAction } from '../engine/match-action.js';
import { defaultEsmtpMap, type CiscoConfig, type EsmtpMap } from './model.js';

/**
 * What is in force, in the device's own words: the ESMTP map as `show running-config all
 * policy-map type inspect esmtp` prints one (parameters with their `no` forms, then each match
 * with its actions), or the PIX's fixup line. For `mxlab explain` and `mxlab devices`.
 */
export function showInForce(cfg: CiscoConfig, mode: 'fixup' | 'mpf' | 'classic'): string[] {
  if (mode === 'fixup') return [cfg.fixupSmtp.on ? 'fixup protocol smtp 25' : 'no fixup protocol smtp 25'];
  if (!cfg.inspectEsmtp.on) return ['no inspect esmtp'];
  const name = cfg.inspectEsmtp.map;
  // 7.0–7.2(2) without a named map: fixed behaviour, no map to show
  if (mode === 'classic' && !name) return ['inspect esmtp'];
  const map = (name && cfg.maps.get(name)) || cfg.maps.get('_default_esmtp_map') || defaultEsmtpMap();
  return showEsmtpMap(map);
}

export function showEsmtpMap(map: EsmtpMap): string[] {
  const out = [`policy-map type inspect esmtp ${map.name}`, ' parameters'];
  out.push(`  ${map.maskBanner ? '' : 'no '}mask-banner`);
  out.push(map.mailRelay ? `  mail-relay ${map.mailRelay.domain} action ${describeAction(map.mailRelay.action)}` : '  no mail-relay');
  out.push(map.specialCharacter ? `  special-character action ${describeAction(map.specialCharacter)}` : '  no special-character');
  out.push(map.allowTls.on ? `  allow-tls${map.allowTls.log ? ' action log' : ''}` : '  no allow-tls');
  for (const m of map.matches) {
    out.push(` match ${m.not ? 'not ' : ''}${m.text || m.criterion.kind}`);
    for (const a of m.actions) out.push(`  ${describeAction(a)}`);
  }
  return out;
}
