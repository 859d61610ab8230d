import { atLeast, sameTrain, type ParsedDevice } from '../devices/version.js';

/** Which configuration commands a device version has. */
export interface Dialect {
  label: string;
  /** `fixup protocol smtp` (PIX ≤ 6.3) */
  fixup: boolean;
  /** Modular Policy Framework: `policy-map global_policy` / `class` / `inspect` (7.0+) */
  mpf: boolean;
  /** `policy-map type inspect esmtp NAME` (7.2+) */
  inspectMaps: boolean;
  /** `allow-tls` (7.2(3)+, 8.0(3)+) */
  allowTls: boolean;
}

export function dialectOf(d: ParsedDevice): Dialect | undefined {
  const v = d.version;
  if (!v || (d.product !== 'pix' && d.product !== 'asa')) return undefined;
  const seven = v.major >= 7;
  return {
    label: d.label,
    fixup: !seven,
    mpf: seven,
    inspectMaps: seven && atLeast(v, '7.2(0)'),
    allowTls: seven && (sameTrain(v, '7.2(0)') ? atLeast(v, '7.2(3)') : sameTrain(v, '8.0(0)') ? atLeast(v, '8.0(3)') : atLeast(v, '8.1(0)')),
  };
}
