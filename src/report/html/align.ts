/**
 * Lines one side of the firewall sent, aligned with the lines the other side received.
 * Equal lines pair up (longest common subsequence); in each gap between equal lines the
 * remaining lines pair up in order as `changed` (the firewall rewrote them) and whatever is
 * left is `left-only` (dropped, or answered by the firewall itself) or `right-only` (injected).
 * Recorder notes such as `<error: read ECONNRESET>` or `<TLS handshake>` never pair with a real line.
 */
export type AlignKind = 'same' | 'changed' | 'left-only' | 'right-only';

/** Indices into the two input lists. */
export interface AlignedRow {
  kind: AlignKind;
  left?: number;
  right?: number;
}

/** Above this many cells the LCS table is skipped and lines pair up by index. */
const MAX_CELLS = 4_000_000;

export function alignLines(left: string[], right: string[]): AlignedRow[] {
  const n = left.length;
  const m = right.length;
  if (n * m > MAX_CELLS) return pair(range(n), range(m), (a, b) => (left[a] === right[b] ? 'same' : 'changed'));
  // lcs[i][j] = LCS length of left[i..] and right[j..], flattened
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i * w + j] = left[i] === right[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
  const rows: AlignedRow[] = [];
  let gapL: number[] = [];
  let gapR: number[] = [];
  const flush = () => {
    const lines = (g: number[], side: string[], want: boolean) => g.filter((k) => isNote(side[k]) === want);
    rows.push(...pair(lines(gapL, left, false), lines(gapR, right, false), () => 'changed'));
    rows.push(...pair(lines(gapL, left, true), [], () => 'changed'), ...pair([], lines(gapR, right, true), () => 'changed'));
    gapL = [];
    gapR = [];
  };
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && left[i] === right[j]) {
      flush();
      rows.push({ kind: 'same', left: i, right: j });
      i++;
      j++;
    } else if (j >= m || (i < n && lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) gapL.push(i++);
    else gapR.push(j++);
  }
  flush();
  return rows;
}

/** A recorder's note about the hop rather than a line on it (`<connect …>`, `<message: 3 lines, 120 bytes>`). */
export const isNote = (text: string) => /^<[^<>]*>$/.test(text);

const range = (n: number) => Array.from({ length: n }, (_, k) => k);

function pair(ls: number[], rs: number[], kind: (l: number, r: number) => AlignKind): AlignedRow[] {
  const rows: AlignedRow[] = [];
  for (let k = 0; k < Math.max(ls.length, rs.length); k++) {
    if (k < ls.length && k < rs.length) rows.push({ kind: kind(ls[k], rs[k]), left: ls[k], right: rs[k] });
    else if (k < ls.length) rows.push({ kind: 'left-only', left: ls[k] });
    else rows.push({ kind: 'right-only', right: rs[k] });
  }
  return rows;
}

/** Splits two differing lines into common prefix, differing middles and common suffix (for <mark>). */
export function diffSpan(a: string, b: string): { prefix: string; a: string; b: string; suffix: string } {
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return { prefix: a.slice(0, p), a: a.slice(p, a.length - s), b: b.slice(p, b.length - s), suffix: a.slice(a.length - s) };
}
