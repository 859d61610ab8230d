import { Rewriter, contentEnd, genericLog, printable } from '../engine/bytes.js';
import { PASS, type Piece, type Rule } from '../engine/types.js';

/** One `match [not] ehlo-reply-parameter P…` line: the keywords it names and whether `others` is among them. */
export interface EhloParameterMatch {
  /** keywords named on the line (any case) */
  params: string[];
  /** `others`: every keyword outside the pass set */
  others: boolean;
  not?: boolean;
}

export interface MaskEhloParameterOptions {
  /** keywords `others` leaves out (case-insensitive); `AUTH` passes only in the `AUTH mech…` form */
  pass: string[];
  /**
   * the `match … ehlo-reply-parameter … → mask` lines, one rule for all (the counting letter runs over
   * every masked line of a reply): a line is masked when any of them matches its keyword. Default
   * `others` alone; an ISP stripper names STARTTLS alone
   */
  lines?: EhloParameterMatch[];
}

const OTHERS: EhloParameterMatch[] = [{ params: [], others: true }];

/** A line's criterion as configured, for log lines: `size`, `others`, `not 8bitmime`. */
export function ehloParameterText(m: EhloParameterMatch): string {
  return `${m.not ? 'not ' : ''}${[...m.params, ...(m.others ? ['others'] : [])].join(' ')}`;
}

interface State {
  /** masked lines of the current EHLO reply */
  masked: number;
  /** decision for a line that continues into the next segment */
  open?: { mask: boolean; letter: string };
}

/** A for the first masked line, B for the second … beyond Z: unknown, Z is repeated (INFERRED). */
export function countingLetter(n: number): string {
  return String.fromCharCode(64 + Math.min(Math.max(n, 1), 26));
}

/** The EHLO keyword of a reply line's text after `250-` (upper case): `AUTH=LOGIN` stays whole. */
export function ehloKeyword(text: string): string {
  return (text.split(' ', 1)[0] ?? '').toUpperCase();
}

/** A `match [not] ehlo-reply-parameter` line, compiled: does it match this keyword (upper case)? */
export function ehloParameterMatcher(m: EhloParameterMatch, pass: ReadonlySet<string>): (keyword: string) => boolean {
  const named = new Set(m.params.map((k) => k.toUpperCase()));
  return (k) => (named.has(k) || (m.others && !pass.has(k))) !== !!m.not;
}

/**
 * `match ehlo-reply-parameter others → mask` (OBSERVED format): the first line is never masked;
 * every later line whose keyword is not in the pass set keeps its `250-`/`250 ` prefix and its
 * length, the text after the prefix becomes `X` except the last character, which is a capital
 * letter counting the masked lines of that reply (A, B, C…). With `lines` (a map's mask lines) the
 * keywords they match are masked the same way, whether named (`ehlo-reply-parameter size`), `others`
 * or `not …` (INFERRED: the format observed for `others` applied to any masked keyword).
 */
export function maskEhloParameter(o: MaskEhloParameterOptions): Rule<State> {
  const pass = new Set(o.pass.map((k) => k.toUpperCase()));
  const lines = o.lines ?? OTHERS;
  const matchers = lines.map((m) => ehloParameterMatcher(m, pass));
  const masks = (k: string) => matchers.some((l) => l(k));
  // the log line names what was configured
  const what = lines.map(ehloParameterText).join(', ');
  return {
    name: 'mask-ehlo-parameter',
    init: () => ({ masked: 0 }),
    onServerSegment(seg, st, ctx) {
      const w = new Rewriter(seg.data);
      const shown: string[] = [];
      for (const p of seg.pieces) {
        if (p.kind !== 'reply' || p.replyTo !== 'EHLO') continue;
        if (p.lineIndex === 0) {
          st.masked = 0;
          st.open = undefined;
          continue;
        }
        const decision = p.continued && st.open ? st.open : decide(p, masks, st);
        st.open = p.complete ? undefined : decision;
        if (!decision.mask) continue;
        maskPiece(w, p, decision.letter);
        if (!p.continued) shown.push(`${printable(p.head.slice(4), 40)} → ${decision.letter}`);
      }
      if (!w.changed) return PASS;
      return { kind: 'rewrite', data: w.data, log: genericLog(ctx, 'mask-ehlo-parameter', `ehlo-reply-parameter ${what} masked: ${shown.join(', ')}`) };
    },
  };
}

function decide(p: Piece, masks: (keyword: string) => boolean, st: State): { mask: boolean; letter: string } {
  if (!masks(ehloKeyword(p.head.slice(4)))) return { mask: false, letter: '' };
  st.masked++;
  return { mask: true, letter: countingLetter(st.masked) };
}

function maskPiece(w: Rewriter, p: Piece, letter: string): void {
  const end = contentEnd(w.data, p);
  const from = p.start + Math.max(0, 4 - p.linePos);
  if (from >= end) return;
  w.fill(from, end, 'X');
  if (p.complete) w.set(end - 1, letter.charCodeAt(0));
}
