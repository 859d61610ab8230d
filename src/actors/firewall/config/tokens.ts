import { distance } from '../../../scenario/diagnostics.js';
/** A word of a config line with its 1-based column. */
export interface Token {
  text: string;
  col: number;
}

export function tokenize(line: string): Token[] {
  const out: Token[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line))) out.push({ text: m[0], col: m.index + 1 });
  return out;
}

/** The candidate closest to `word` (edit distance ≤ `max`, default 3), for "did you mean" hints. */
export function closest(word: string, candidates: readonly string[], max = 3): string | undefined {
  let best: string | undefined;
  let bestD = max + 1;
  for (const c of candidates) {
    const d = distance(word.toLowerCase(), c.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}
