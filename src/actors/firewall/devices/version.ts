/**
 * A Cisco PIX/ASA software version as written: `7.2(2)`; an interim build `7.2(2.19)` or as the
 * device prints it, `9.12(4)18` (= 9.12(4.18)); `6.3(x)` / `6.3` (the newest of the train); `9.x`
 * (the newest train of 9); `7.2(3)+` (that release). `7.x` is the exception: the 7.x releases the
 * seed note is about are the ones before the 7.2(3) fix, so `7.x` means 7.2(2).
 */
export interface Version {
  major: number;
  /** Infinity for `N.x` */
  minor: number;
  /** the number in parentheses; Infinity when absent (`9.x`, `6.3` = newest of the train) */
  maint: number;
  /** interim build after the dot inside the parentheses (or after them), 0 when absent */
  interim: number;
  text: string;
}

export type Product = 'pix' | 'asa';

/** Devices without a version: one behaviour each. */
export const UNVERSIONED = ['none', 'isp-stripper', 'zorp', 'f-secure-igk', 'dlink-dfl'] as const;
export type Unversioned = (typeof UNVERSIONED)[number];

export interface ParsedDevice {
  /** normalised, e.g. `asa 9.12(4)`, `none`, `zorp` */
  label: string;
  product: Product | Unversioned;
  version?: Version;
}

const VERSION_RE = /^(\d{1,2})\.(\d{1,2}|x)(?:\((\d{1,3}|x)(?:\.(\d{1,4}))?\)(\d{1,4})?)?\+?$/i;

export function parseVersion(text: string): Version | undefined {
  const t = text.trim();
  const m = VERSION_RE.exec(t);
  if (!m) return undefined;
  const wild = m[2].toLowerCase() === 'x';
  const wildMaint = m[3] === undefined || m[3].toLowerCase() === 'x';
  if (wild && m[3]) return undefined;
  if (wildMaint && (m[4] || m[5])) return undefined;
  if (m[4] && m[5]) return undefined; // 9.1(2.3)4: one interim form at a time
  const interim = m[4] ?? m[5];
  if (wild && m[1] === '7') return { major: 7, minor: 2, maint: 2, interim: 0, text: t.toLowerCase() };
  return {
    major: Number(m[1]),
    minor: wild ? Infinity : Number(m[2]),
    maint: wildMaint ? Infinity : Number(m[3]),
    interim: interim === undefined ? 0 : Number(interim),
    // the device prints an interim build as 9.12(4)18; mxlab writes it 9.12(4.18), Cisco's release-note form
    text: m[5] !== undefined ? `${m[1]}.${m[2]}(${m[3]}.${m[5]})` : t.toLowerCase(),
  };
}

/** Orders versions; `a` < `b` gives a negative number. `7.2(2.19)` sits between `7.2(2)` and `7.2(3)`. */
export function compareVersion(a: Version, b: Version): number {
  return a.major - b.major || cmp(a.minor, b.minor) || cmp(a.maint, b.maint) || a.interim - b.interim;
}

function cmp(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/** `major.minor`, e.g. `9.12`. */
export function trainOf(v: Version): string {
  return `${v.major}.${v.minor}`;
}
