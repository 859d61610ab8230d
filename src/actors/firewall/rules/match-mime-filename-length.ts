import { verdictFor } from '../engine/match-action.js';
import { hits, thresholdText } from '../engine/threshold.js';
import type { BodyView } from '../engine/body-view.js';
import { PASS, type Piece, type Rule } from '../engine/types.js';
import type { LengthMatchOptions } from './match-cmd-line-length.js';

/** A MIME file name on a message line: `filename="…"`, `filename=…`, `name="…"`. */
export function mimeFilename(line: string): string | undefined {
  const m = /\b(?:file)?name\*?=\s*(?:"([^"]*)"?|([^;\s]*))/i.exec(line);
  return m ? (m[1] ?? m[2] ?? '') : undefined;
}

const EQ = 0x3d;
const STAR = 0x2a;

/** `d[i]` is the `=` of `name=` or `name*=` (any case): the only places where `mimeFilename` can match. */
function afterName(d: Buffer, i: number): boolean {
  let j = i - 1;
  if (d[j] === STAR) j--;
  return j >= 3 && (d[j - 3] | 0x20) === 0x6e && (d[j - 2] | 0x20) === 0x61 && (d[j - 1] | 0x20) === 0x6d && (d[j] | 0x20) === 0x65;
}

/** The first file name on a body line starting here whose length is a hit (a search for `=`, no piece per line). */
function nameInBody(b: BodyView, hit: (len: number) => boolean): string | undefined {
  // a body without MIME structure holds no MIME header: nothing to search
  if (!b.mime) return undefined;
  const d = b.data;
  for (let i = d.indexOf(EQ); i >= 0; i = d.indexOf(EQ, i + 1)) {
    if (!afterName(d, i)) continue;
    const p = b.pieceAt(i);
    const name = p.continued ? undefined : mimeFilename(p.head);
    if (name !== undefined && hit(name.length)) return name;
    i = p.end - 1;
  }
  return undefined;
}

/** The first file name whose length is a hit on a message line starting in this segment. */
function nameInPieces(pieces: readonly Piece[], hit: (len: number) => boolean): string | undefined {
  for (const p of pieces) {
    if (p.kind !== 'data' || p.continued || !(p.header || p.mime)) continue;
    const name = mimeFilename(p.head);
    if (name !== undefined && hit(name.length)) return name;
  }
  return undefined;
}

/**
 * `match [not] MIME filename length gt N` — checked per header line, and per body line when the header
 * declared a multipart or message type (`Piece.mime`: where MIME part headers are). A `filename=` in the
 * text of a message without MIME structure is not a MIME file name.
 */
export function matchMimeFilenameLength(o: LengthMatchOptions): Rule {
  const hit = (len: number) => hits(o, len);
  const criterion = thresholdText(o, 'MIME filename length');
  return {
    name: 'match-mime-filename-length',
    bodySegments: 'view',
    onClientSegment(seg, _st, ctx) {
      const name = seg.body ? nameInBody(seg.body, hit) : nameInPieces(seg.pieces, hit);
      if (name === undefined) return PASS;
      return verdictFor(o.action, ctx, 'match-mime-filename-length', criterion, `file name of ${name.length} octets`);
    },
  };
}
