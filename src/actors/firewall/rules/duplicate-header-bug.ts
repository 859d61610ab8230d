import { genericLog } from '../engine/bytes.js';
import { PASS, type Piece, type Rule } from '../engine/types.js';

export interface DuplicateHeaderBugOptions {
  /** how the connection ends — not documented, knob; default `reset` */
  action: 'reset' | 'close';
}

/** Header names remembered per message; beyond it new names are not tracked (bounded). */
const MAX_NAMES = 512;
/** Characters of a signature header collected to read its `h=` tag. */
const MAX_SIG = 4096;

interface State {
  names: Set<string>;
  /** a DKIM-Signature / DomainKey-Signature header being collected */
  sig?: string;
}

/**
 * PIX/ASA before 7.2(3) (fixed in 7.2(2.19), 8.0(2.7)) terminate the connection when the DATA
 * header section holds a duplicated header, or a DKIM-Signature / DomainKey-Signature whose
 * `h=` names another header. [ESA118550, HEISE] CONFIRMED. Debug text: `SMTP: Multiple X headers!`.
 */
export function duplicateHeaderBug(o: DuplicateHeaderBugOptions): Rule<State> {
  return {
    name: 'duplicate-header-bug',
    bodySegments: 'skip',
    init: () => ({ names: new Set() }),
    onClientSegment(seg, st, ctx) {
      for (const p of seg.pieces) {
        if (p.kind === 'eod') st.names.clear();
        if (p.kind !== 'data' || !p.header) continue;
        const hit = headerPiece(p, st);
        if (!hit) continue;
        st.names.clear();
        st.sig = undefined;
        const log = genericLog(ctx, 'duplicate-header-bug', `SMTP: Multiple ${hit} headers! (emulated defect before 7.2(3)); connection ${o.action === 'reset' ? 'reset' : 'closed'}`);
        return o.action === 'reset' ? { kind: 'reset', log } : { kind: 'drop-connection', log };
      }
      return PASS;
    },
  };
}

/** Feeds one header-section piece; returns the offending header name when the defect fires. */
function headerPiece(p: Piece, st: State): string | undefined {
  if (!p.complete) return undefined; // judged when the line is whole (its first HEAD_MAX characters)
  if (/^[ \t]/.test(p.head)) {
    if (st.sig !== undefined) st.sig = (st.sig + p.head).slice(0, MAX_SIG);
    return undefined;
  }
  const pending = st.sig;
  st.sig = undefined;
  if (pending !== undefined) {
    const named = signedHeaders(pending);
    // the PIX's debug line names Content-Type for DKIM mail (`SMTP: Multiple Content-Type headers!`,
    // CONFIRMED); prefer a header already seen, then Content-Type, then the first one named
    if (named.length) return named.find((n) => st.names.has(n.toLowerCase())) ?? named.find((n) => /^content-type$/i.test(n)) ?? named[0];
  }
  if (p.lineLen === 0) return undefined; // end of the header section
  const colon = p.head.indexOf(':');
  if (colon <= 0) return undefined;
  const raw = p.head.slice(0, colon).trim();
  const name = raw.toLowerCase();
  if (st.names.has(name)) return raw;
  if (st.names.size < MAX_NAMES) st.names.add(name);
  if (name === 'dkim-signature' || name === 'domainkey-signature') st.sig = p.head.slice(colon + 1);
  return undefined;
}

/** Header names in the `h=` tag of a signature header value. */
export function signedHeaders(value: string): string[] {
  const m = /(?:^|;)\s*h\s*=\s*([^;]*)/i.exec(value.replace(/\r?\n/g, ''));
  if (!m) return [];
  return m[1].split(':').map((s) => s.replace(/\s+/g, '')).filter(Boolean);
}
