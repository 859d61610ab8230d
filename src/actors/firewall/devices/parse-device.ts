import type { ConfigError } from '../config/model.js';
import { closest } from '../config/tokens.js';
import { parseVersion, type ParsedDevice } from './version.js';

const SIMPLE = ['none', 'isp-stripper', 'zorp', 'f-secure-igk', 'dlink-dfl'] as const;

/** Parses `none`, `pix 6.3(5)`, `asa 9.x`, `pix 7.2(2.19)`, … Errors carry `line: 0` and a column in the string. */
export function parseDevice(device: string, examples: readonly string[]): { ok: true; device: ParsedDevice } | { ok: false; error: ConfigError } {
  const text = device.trim().replace(/\s+/g, ' ').toLowerCase();
  const lead = device.length - device.trimStart().length;
  const simple = SIMPLE.find((s) => s === text);
  if (simple) return { ok: true, device: { label: simple, product: simple } };
  const m = /^(\S+)(?: (.*))?$/.exec(text);
  const product = m?.[1] ?? '';
  if (product !== 'pix' && product !== 'asa') {
    const near = closest(product, ['pix', 'asa', ...SIMPLE]);
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
  if (!v) {
    return {
      ok: false,
      error: {
        line: 0,
        col: lead + product.length + 2,
        message: vtext ? `"${vtext}" is not ${product === "asa" ? "an" : "a"} ${product.toUpperCase()} version` : `${product.toUpperCase()} needs a version`,
        hint: `write it as the device shows it, e.g. "${product} ${product === 'pix' ? '6.3(5)' : '9.12(4)'}", "${product} 7.2(2.19)" or "${product} 9.x"`,
      },
    };
  }
  if (product === 'asa' && v.major < 7) {
    return { ok: false, error: { line: 0, col: lead + 5, message: `ASA software starts at 7.0; "${vtext}" is a PIX version`, hint: `did you mean "pix ${vtext}"?` } };
  }
  const label = `${product} ${v.text}`;
  return { ok: true, device: { label, product, version: v } };
}
