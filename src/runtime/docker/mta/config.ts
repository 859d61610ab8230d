import type { MtaConfig } from '../../../scenario/schema.js';

/** A `config:` map as `name = value` lines (Postfix main.cf parameters for postconf -e, Exim macros); a list as it is. */
export function settingLines(config: MtaConfig): string[] {
  if (Array.isArray(config)) return config;
  return Object.entries(config).map(([k, v]) => `${k} = ${typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v)}`);
}

export const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
