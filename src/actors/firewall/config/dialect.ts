import type { DialectName } from '../devices/releases.js';

/** Which configuration commands a device release has. */
export interface Dialect {
  /** the device, for messages, e.g. `pix 7.2(2)` */
  label: string;
  /** `fixup protocol smtp` (PIX ≤ 6.3) */
  fixup: boolean;
  /** Modular Policy Framework: `policy-map global_policy` / `class` / `inspect` (7.0+) */
  mpf: boolean;
  /** `policy-map type inspect esmtp NAME`, `regex`, `class-map type regex` (7.2+) */
  inspectMaps: boolean;
  /** `allow-tls` (7.2(3)+, 8.0(3)+) */
  allowTls: boolean;
}

/** The dialects the release table names (devices/releases.ts). */
export const DIALECTS: Record<DialectName, Omit<Dialect, 'label'>> = {
  fixup: { fixup: true, mpf: false, inspectMaps: false, allowTls: false },
  mpf: { fixup: false, mpf: true, inspectMaps: false, allowTls: false },
  'mpf-maps': { fixup: false, mpf: true, inspectMaps: true, allowTls: false },
  'mpf-maps-tls': { fixup: false, mpf: true, inspectMaps: true, allowTls: true },
};

export function dialectOf(name: DialectName, label: string): Dialect {
  return { label, ...DIALECTS[name] };
}
