import { Rewriter, contentEnd, printable } from '../engine/bytes.js';
import { PASS, type Rule } from '../engine/types.js';

export interface ReplacePipeOptions {
  /** syslog prefix of the device, `%PIX` or `%ASA` */
  prefix?: string;
}

/**
 * In MAIL and RCPT, `|` becomes a space (PIX/ASA 7.0–7.2(2)); the device logs message 108002
 * `SMTP replaced string`. [ASA70] CONFIRMED (severity 2 as in Cisco's message catalogue).
 */
export function replacePipe(o: ReplacePipeOptions = {}): Rule {
  return {
    name: 'replace-pipe',
    bodySegments: 'skip',
    onClientSegment(seg, _st, ctx) {
      const w = new Rewriter(seg.data);
      const lines: string[] = [];
      for (const p of seg.pieces) {
        if (p.kind !== 'command' || p.continued || (p.verb !== 'MAIL' && p.verb !== 'RCPT')) continue;
        const end = contentEnd(seg.data, p);
        let hit = false;
        for (let i = p.start; i < end; i++) {
          if (seg.data[i] === 0x7c) {
            w.set(i, 0x20);
            hit = true;
          }
        }
        if (hit) lines.push(printable(seg.data.toString('latin1', p.start, end)));
      }
      if (!w.changed) return PASS;
      const prefix = o.prefix ?? ctx.conn.syslogPrefix;
      const log = `${prefix}-2-108002: SMTP replaced string: out ${ctx.conn.clientAddress} in ${ctx.conn.serverAddress} data: ${lines.join(' | ')}`;
      return { kind: 'rewrite', data: w.data, log };
    },
  };
}
