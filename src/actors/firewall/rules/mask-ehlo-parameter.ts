import { Rewriter, contentEnd, genericLog, printable } from '../engine/bytes.js';
import { PASS, type Piece, type Rule } from '../engine/types.js';

export interface MaskEhloParameterOptions {
  /** keywords that pass (case-insensitive); `AUTH` passes only in the `AUTH mech…` form */
  pass: string[];
  /** when set, only these keywords are masked and everything else passes (ISP strippers) */
  mask?: string[];
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

export function ehloKeywordPasses(text: string, pass: ReadonlySet<string>): boolean {
  const word = (text.split(' ', 1)[0] ?? '').toUpperCase();
  return pass.has(word);
}

/**
 * `match ehlo-reply-parameter others → mask` (OBSERVED format): the first line is never masked;
 * every later line whose keyword is not in the pass set keeps its `250-`/`250 ` prefix and its
 * length, the text after the prefix becomes `X` except the last character, which is a capital
 * letter counting the masked lines of that reply (A, B, C…).
 */
export function maskEhloParameter(o: MaskEhloParameterOptions): Rule<State> {
  const pass = new Set(o.pass.map((k) => k.toUpperCase()));
  const only = o.mask && new Set(o.mask.map((k) => k.toUpperCase()));
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
        const decision = p.continued && st.open ? st.open : decide(p, pass, st, only);
        st.open = p.complete ? undefined : decision;
        if (!decision.mask) continue;
        maskPiece(w, p, decision.letter);
        if (!p.continued) shown.push(`${printable(p.head.slice(4), 40)} → ${decision.letter}`);
      }
      if (!w.changed) return PASS;
      return { kind: 'rewrite', data: w.data, log: genericLog(ctx, 'mask-ehlo-parameter', `ehlo-reply-parameter others masked: ${shown.join(', ')}`) };
    },
  };
}

function decide(p: Piece, pass: ReadonlySet<string>, st: State, only?: ReadonlySet<string>): { mask: boolean; letter: string } {
  const text = p.head.slice(4);
  if (only ? !ehloKeywordPasses(text, only) : ehloKeywordPasses(text, pass)) return { mask: false, letter: '' };
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
