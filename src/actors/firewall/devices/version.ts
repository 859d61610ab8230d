/**
 * A device version like `7.2(2)`, `7.2(2.19)` (interim build), `6.3(x)` / `6.3` (newest of the train),
 * `9.x` (any 9 release, newest) or `7.2(3)+` (that release). `7.x` is the exception: the 7.x releases
 * the seed note is about are the ones before the 7.2(3) fix, so `7.x` means 7.2(2).
 */
export interface Version {
  major: number;
  /** Infinity for `N.x` */
  minor: number;
  /** the number in parentheses; Infinity when absent (`9.x`, `6.3` = newest of the train) */
  maint: number;
  /** interim build after the dot inside the parentheses, 0 when absent */
  interim: number;
  text: string;
}

export type Product = 'pix' | 'asa';

export interface ParsedDevice {
  /** normalised, e.g. `asa 9.12(4)`, `none`, `zorp` */
  label: string;
  product: Product | 'none' | 'isp-stripper' | 'zorp' | 'f-secure-igk' | 'dlink-dfl';
  version?: Version;
}

const VERSION_RE = /^(\d{1,2})\.(\d{1,2}|x)(?:\((\d{1,3}|x)(?:\.(\d{1,4}))?\))?\+?$/i;

export function parseVersion(text: string): Version | undefined {
  const m = VERSION_RE.exec(text.trim());
  if (!m) return undefined;
  const wild = m[2].toLowerCase() === 'x';
  const wildMaint = m[3] === undefined || m[3].toLowerCase() === 'x';
  if (wild && m[3]) return undefined;
  if (wildMaint && m[4]) return undefined;
  if (wild && m[1] === '7') return { major: 7, minor: 2, maint: 2, interim: 0, text: text.trim().toLowerCase() };
  return {
    major: Number(m[1]),
    minor: wild ? Infinity : Number(m[2]),
    maint: wildMaint ? Infinity : Number(m[3]),
    interim: m[4] === undefined ? 0 : Number(m[4]),
    text: text.trim().toLowerCase(),
  };
}

/** Orders versions; `a` < `b` gives a negative number. `7.2(2.19)` sits between `7.2(2)` and `7.2(3)`. */
export function compareVersion(a: Version, b: Version): number {
  return a.major - b.major || cmp(a.minor, b.minor) || cmp(a.maint, b.maint) || a.interim - b.interim;
}

function cmp(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/** `v` ≥ the version written as `text` (a literal from this codebase). */
export function atLeast(v: Version, text: string): boolean {
  const t = parseVersion(text);
  if (!t) throw new Error(`bad version literal ${text}`);
  return compareVersion(v, t) >= 0;
}

/** Same train (major.minor), e.g. `8.0(2.7)` and `8.0(3)`. */
export function sameTrain(v: Version, text: string): boolean {
  const t = parseVersion(text);
  return !!t && t.major === v.major && t.minor === v.minor;
}
