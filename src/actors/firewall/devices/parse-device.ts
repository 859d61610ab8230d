import type { ConfigError } from '../config/model.js';
import { closest } from '../config/tokens.js';
import { findRelease, type Release } from './release.js';
import { parseVersion, UNVERSIONED, type ParsedDevice } from './version.js';

export type DeviceResult = { ok: true; device: ParsedDevice; release?: Release } | { ok: false; error: ConfigError };

/**
 * Parses `none`, `pix 6.3(5)`, `asa 9.x`, `pix 7.2(2.19)`, … and finds the release table row of a
 * PIX/ASA version. Errors carry `line: 0` and a column in the string.
 */
export function parseDevice(device: string, examples: readonly string[]): DeviceResult {
  const text = device.trim().replace(/\s+/g, ' ').toLowerCase();
  const lead = device.length - device.trimStart().length;
  const simple = UNVERSIONED.find((s) => s === text);
  if (simple) return { ok: true, device: { label: simple, product: simple } };
  const m = /^(\S+)(?: (.*))?$/.exec(text);
  const product = m?.[1] ?? '';
  if (product !== 'pix' && product !== 'asa') {
    const near = closest(product, ['pix', 'asa', ...UNVERSIONED]);
    return {
      ok: false,
      error: {
        line: 0,
        col: lead + 1,
        message: `unknown device "${device.trim()}"`,
        hint:
          near && near !== product
            ? `did you mean "${m?.[2] && (near === 'pix' || near === 'asa') ? `${near} ${m[2]}` : (examples.find((e) => e.startsWith(near)) ?? near)}"?`
            : `known devices: ${examples.join(', ')}`,
      },
    };
  }
  const vtext = m?.[2] ?? '';
  const v = parseVersion(vtext);
  const vcol = lead + product.length + 2;
  if (!v) {
    return {
      ok: false,
      error: {
        line: 0,
        col: vcol,
        message: vtext ? `"${vtext}" is not ${product === 'asa' ? 'an' : 'a'} ${product.toUpperCase()} version` : `${product.toUpperCase()} needs a version`,
        hint: `write it as the device shows it, e.g. "${product} ${product === 'pix' ? '6.3(5)' : '9.12(4)'}", "${product} 7.2(2.19)" or "${product} 9.x"`,
      },
    };
  }
  if (product === 'asa' && v.major < 7) {
    return { ok: false, error: { line: 0, col: vcol, message: `ASA software starts at 7.0; "${vtext}" is a PIX version`, hint: `did you mean "pix ${vtext}"?` } };
  }
  const found = findRelease(product, v);
  if (!found.ok) return { ok: false, error: { line: 0, col: vcol, message: found.message, hint: found.hint } };
  return { ok: true, device: { label: `${product} ${v.text}`, product, version: v }, release: found.release };
}
