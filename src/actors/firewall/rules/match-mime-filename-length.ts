import { verdictFor } from '../engine/match-action.js';
import { PASS, type Rule } from '../engine/types.js';
import type { LengthMatchOptions } from './match-cmd-line-length.js';

/** A MIME file name on a message line: `filename="…"`, `filename=…`, `name="…"`. */
export function mimeFilename(line: string): string | undefined {
  const m = /\b(?:file)?name\*?=\s*(?:"([^"]*)"?|([^;\s]*))/i.exec(line);
  return m ? (m[1] ?? m[2] ?? '') : undefined;
}

/** `match MIME filename length gt N` — checked per message line (headers and MIME part headers). */
export function matchMimeFilenameLength(o: LengthMatchOptions): Rule {
  return {
    name: 'match-mime-filename-length',
    onClientSegment(seg, _st, ctx) {
      for (const p of seg.pieces) {
        if (p.kind !== 'data' || p.continued) continue;
        const name = mimeFilename(p.head);
        if (name === undefined || name.length <= o.gt) continue;
        return verdictFor(o.action, ctx, 'match-mime-filename-length', `MIME filename length gt ${o.gt}`, `file name of ${name.length} octets`);
      }
      return PASS;
    },
  };
}
