import type { ConfigError } from '../config/model.js';
import { VERSION_LINE } from '../config/parse.js';
import { parseVersion, type Version } from './version.js';
import { configLines } from '../config/screen.js';

/** The `ASA Version 8.2(5)` / `PIX Version 6.3(5)` line of a pasted configuration. */
export interface VersionLine {
  product: 'asa' | 'pix';
  /** the version as printed, e.g. `9.12(4)18` */
  text: string;
  line: number;
  /** column of the version */
  col: number;
}

/** The config's version line; a second one is an error (one device per config). */
export function versionLineOf(config: string | undefined): { line?: VersionLine; errors: ConfigError[] } {
  const errors: ConfigError[] = [];
  let found: VersionLine | undefined;
  configLines(config ?? '').forEach((raw, i) => {
    const m = VERSION_LINE.exec(raw.trim());
    if (!m) return;
    const col = raw.indexOf(m[2], raw.search(/\S/) + m[1].length) + 1;
    if (found) {
      errors.push({ line: i + 1, col: raw.search(/\S/) + 1, message: `a second version line (the first is line ${found.line})`, hint: 'a config is one device: paste one show running-config per firewall node' });
      return;
    }
    found = { product: m[1].toLowerCase() as 'asa' | 'pix', text: m[2], line: i + 1, col };
  });
  return { ...(found ? { line: found } : {}), errors };
}

/** `device:` covers the config's version: the same release, or a wildcard (`asa 8.2`, `asa 8.x`) that holds it. */
function covers(device: Version, config: Version): boolean {
  if (device.major !== config.major) return false;
  if (device.minor === Infinity) return true;
  if (device.minor !== config.minor) return false;
  if (device.maint === Infinity) return true;
  return device.maint === config.maint && device.interim === config.interim;
}

/**
 * The device string to resolve: `device:` when given (it must agree with the version line), else the
 * version line's. The error, when they disagree or neither is there, points at the version line
 * (line ≥ 1) or at the device (line 0).
 */
export function deviceFromConfig(device: string | undefined, v: VersionLine | undefined): { device: string; fromConfig: boolean } | { error: ConfigError } {
  if (device === undefined || device.trim() === '') {
    if (!v) {
      return {
        error: {
          line: 0,
          col: 1,
          message: 'no device: the firewall needs device: or a config with its version line',
          hint: 'write device: "asa 9.12(4)", or paste the whole show running-config (it starts with "ASA Version …" or "PIX Version …")',
        },
      };
    }
    return { device: `${v.product} ${v.text}`, fromConfig: true };
  }
  if (!v) return { device, fromConfig: false };
  const m = /^\s*(\S+)\s+(.*?)\s*$/.exec(device.toLowerCase());
  const dv = m ? parseVersion(m[2]) : undefined;
  const cv = parseVersion(v.text);
  // an unparsable device is reported by the device parser; the version line by the release lookup
  if (!m) return disagree(device, v); // `none`, `zorp`, …: not the device the config is from
  if (!dv || !cv || (m[1] !== 'asa' && m[1] !== 'pix')) return dv && cv ? disagree(device, v) : { device, fromConfig: false };
  if (m[1] !== v.product || !covers(dv, cv)) return disagree(device, v);
  // the config names the exact release: resolve that one
  return { device: `${v.product} ${v.text}`, fromConfig: true };
}

function disagree(device: string, v: VersionLine): { error: ConfigError } {
  return {
    error: {
      line: v.line,
      col: v.col,
      message: `the config is from ${v.product.toUpperCase()} ${v.text}, but device: is "${device.trim()}"`,
      hint: 'remove device: (the version line sets it), or make the two agree',
    },
  };
}
