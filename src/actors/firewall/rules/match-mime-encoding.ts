import { verdictFor, type MatchAction } from '../engine/match-action.js';
import type { BodyView } from '../engine/body-view.js';
import { PASS, type Rule } from '../engine/types.js';

export interface MimeEncodingMatchOptions {
  /** 7bit 8bit base64 binary quoted-printable, or `others` for anything else */
  encodings: string[];
  /** `match not mime encoding …`: act on every other encoding */
  not?: boolean;
  action: MatchAction;
}

const KNOWN = ['7bit', '8bit', 'base64', 'binary', 'quoted-printable'];

const COLON = 0x3a;
const LF = 0x0a;
const NAME = Buffer.from('content-transfer-encoding', 'latin1');

function startsWithName(d: Buffer, s: number): boolean {
  if (s + NAME.length > d.length) return false;
  for (let k = 0; k < NAME.length; k++) if ((d[s + k] | 0x20) !== NAME[k]) return false;
  return true;
}

/**
 * Heads of the complete body pieces that may be a `Content-Transfer-Encoding:` line: the first
 * piece when it continues a line, then lines that start with the name and hold a `:` here.
 */
function* candidates(b: BodyView): Generator<string> {
  const d = b.data;
  if (b.continued) {
    const p = b.pieceAt(0);
    if (p.complete) yield p.head;
  }
  for (let i = d.indexOf(COLON, b.continued ? b.secondLine : 0); i >= 0; ) {
    const s = b.lineStart(i);
    if (startsWithName(d, s)) {
      const p = b.pieceAt(s);
      if (p.complete) yield p.head;
    }
    const lf = d.indexOf(LF, i);
    if (lf < 0) break;
    i = d.indexOf(COLON, lf + 1);
  }
}

/** `match mime encoding E…` — a `Content-Transfer-Encoding:` line (message or MIME part) with one of them. */
export function matchMimeEncoding(o: MimeEncodingMatchOptions): Rule {
  const want = new Set(o.encodings.map((e) => e.toLowerCase()));
  return {
    name: 'match-mime-encoding',
    bodySegments: 'view',
    onClientSegment(seg, _st, ctx) {
      const heads = seg.body ? candidates(seg.body) : seg.pieces.filter((p) => p.kind === 'data' && p.complete).map((p) => p.head);
      for (const head of heads) {
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
