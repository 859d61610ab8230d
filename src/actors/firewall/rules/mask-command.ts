import { Rewriter, endsWithCrlf, genericLog, printable } from '../engine/bytes.js';
import { PASS, type Piece, type Rule } from '../engine/types.js';

export interface MaskCommandOptions {
  /** verbs allowed through (upper case) */
  allowed: string[];
  /** when set, only complete lines with these verbs are masked, the rest passes (ISP strippers, INFERRED) */
  denied?: string[];
}

/** The 15 verbs PIX/ASA 7.x+ `inspect esmtp` lets through. [ASA70, C-ESMTP-KB] CONFIRMED. */
export const ESMTP_VERBS = [
  'HELO', 'MAIL', 'RCPT', 'DATA', 'RSET', 'NOOP', 'QUIT',
  'AUTH', 'EHLO', 'ETRN', 'HELP', 'SAML', 'SEND', 'SOML', 'VRFY',
] as const;

/**
 * A command passes only when the segment holds the whole line: it starts the segment's line,
 * ends with CRLF inside it, and its verb (≥ 4 characters) is allowed. Anything else — other
 * verbs, a command split across segments (telnet character mode) — has every character turned
 * into `X`, CR and LF kept, length kept. [TS113423] CONFIRMED per segment.
 */
export function commandAllowed(data: Buffer, p: Piece, allowed: ReadonlySet<string>): boolean {
  return !p.continued && endsWithCrlf(data, p) && (p.verb ?? '').length >= 4 && allowed.has(p.verb ?? '');
}

export function maskCommand(o: MaskCommandOptions): Rule {
  const allowed = new Set(o.allowed.map((v) => v.toUpperCase()));
  const denied = o.denied && new Set(o.denied.map((v) => v.toUpperCase()));
  const masks = (data: Buffer, p: Piece) => (denied ? p.complete && !p.continued && denied.has(p.verb ?? '') : !commandAllowed(data, p, allowed));
  return {
    name: 'mask-command',
    bodySegments: 'skip',
    onClientSegment(seg, _st, ctx) {
      const w = new Rewriter(seg.data);
      const masked: string[] = [];
      for (const p of seg.pieces) {
        if (p.kind !== 'command' || !masks(seg.data, p)) continue;
        w.fill(p.start, p.end, 'X');
        if (w.changed) masked.push(printable(seg.data.toString('latin1', p.start, p.end).replace(/\r?\n$/, ''), 60));
      }
      if (!w.changed) return PASS;
      return {
        kind: 'rewrite',
        data: w.data,
        log: genericLog(ctx, 'mask-command', `cmd verb not allowed, masked: ${masked.map((m) => JSON.stringify(m)).join(', ')}`),
      };
    },
  };
}
