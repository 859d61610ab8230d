import { Rewriter, genericLog, pieceText, printable } from '../engine/bytes.js';
import { PASS, type Rule } from '../engine/types.js';

export interface MaskBannerOptions {
  /**
   * `asa`: `220` kept, every other character (not CR/LF) becomes `*` (ASA/PIX 7.x+).
   * `mailguard`: every character except `2`, `0`, CR, LF becomes `*` (PIX 5.1–6.3); the separator after
   * the code too unless `space: 'keep'` (the default of the knob: Postfix's client recognises a PIX by a
   * greeting text of only `2`, `0`, space and `*` after `220 `, and a greeting without that space is no
   * reply it can parse — real Postfix waits for the rest of it and times out).
   * `mailguard-4.4`: `220` kept, every other character after it becomes `*` (PIX 4.4; which ones: INFERRED).
   */
  style: 'asa' | 'mailguard' | 'mailguard-4.4';
  /** `asa` and `mailguard`: the character after the code (space or `-`) survives (`keep`, default) or becomes `*`. INFERRED knob. */
  space?: 'keep' | 'mask';
  /** replace the reply code of the banner, e.g. `200` (Cricket's stripper). */
  code?: string;
}

function keepAt(o: MaskBannerOptions, pos: number, byte: number): boolean {
  switch (o.style) {
    case 'asa':
      return pos < 3 || (pos === 3 && o.space !== 'mask');
    case 'mailguard':
      return byte === 0x32 || byte === 0x30 || (pos === 3 && o.space !== 'mask');
    case 'mailguard-4.4':
      return pos < 4 || (pos - 4) % 2 === 1;
  }
}

/** Masks the server's greeting (the `220` banner), length kept. */
export function maskBanner(o: MaskBannerOptions): Rule {
  return {
    name: 'mask-banner',
    onServerSegment(seg, _st, ctx) {
      const w = new Rewriter(seg.data);
      for (const p of seg.pieces) {
        if (p.kind !== 'reply' || p.replyTo !== 'BANNER') continue;
        for (let i = p.start; i < p.end; i++) {
          const pos = p.linePos + (i - p.start);
          const b = seg.data[i];
          if (b === 0x0d || b === 0x0a) continue;
          if (o.code && pos < 3 && p.lineIndex === 0) w.set(i, o.code.charCodeAt(pos));
          else if (!keepAt(o, pos, b)) w.set(i, 0x2a);
        }
      }
      if (!w.changed) return PASS;
      const shown = seg.pieces.filter((p) => p.replyTo === 'BANNER').map((p) => pieceText(w.data, p));
      return { kind: 'rewrite', data: w.data, log: genericLog(ctx, 'mask-banner', `banner masked: ${printable(shown.join(' | '))}`) };
    },
  };
}
