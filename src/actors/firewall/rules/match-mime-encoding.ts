import { verdictFor, type MatchAction } from '../engine/match-action.js';
import { PASS, type Rule } from '../engine/types.js';
import { fieldLineHeads } from '../engine/field-lines.js';

export interface MimeEncodingMatchOptions {
  /** 7bit 8bit base64 binary quoted-printable, or `others` for anything else */
  encodings: string[];
  /** `match not mime encoding …`: act on every other encoding */
  not?: boolean;
  action: MatchAction;
}

const KNOWN = ['7bit', '8bit', 'base64', 'binary', 'quoted-printable'];

const NAME = Buffer.from('content-transfer-encoding', 'latin1');

/** `match mime encoding E…` — a `Content-Transfer-Encoding:` line (message or MIME part) with one of them. */
export function matchMimeEncoding(o: MimeEncodingMatchOptions): Rule {
  const want = new Set(o.encodings.map((e) => e.toLowerCase()));
  return {
    name: 'match-mime-encoding',
    bodySegments: 'view',
    onClientSegment(seg, _st, ctx) {
      for (const head of fieldLineHeads(seg, NAME)) {
        const m = /^content-transfer-encoding\s*:\s*([^\s;]+)/i.exec(head);
        if (!m) continue;
        const enc = m[1].toLowerCase();
        if ((want.has(enc) || (want.has('others') && !KNOWN.includes(enc))) !== !!o.not) {
          return verdictFor(o.action, ctx, 'match-mime-encoding', `${o.not ? 'not ' : ''}mime encoding ${o.encodings.join(' ')}`, `encoding ${enc}`);
        }
      }
      return PASS;
    },
  };
}
