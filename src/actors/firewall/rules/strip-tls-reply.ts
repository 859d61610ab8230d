import { genericLog } from '../engine/bytes.js';
import { PASS, type Rule } from '../engine/types.js';

export interface StripTlsReplyOptions {
  /** what the client gets instead of the server's 220 */
  reply: string;
}

export const STRIP_TLS_REPLY = '454 4.7.0 TLS not available due to local problem';

/**
 * TLS fault `strip-tls-reply`: the client's STARTTLS passes to the server, but the client gets a
 * 454 instead of the server's 220. The server waits for a ClientHello that never comes; a sender
 * that goes on in plaintext has its next command read as TLS by the server, which ends the session.
 */
export function stripTlsReply(o: StripTlsReplyOptions = { reply: STRIP_TLS_REPLY }): Rule {
  return {
    name: 'strip-tls-reply',
    onServerSegment(seg, _st, ctx) {
      const hit = seg.pieces.find((p) => p.kind === 'reply' && p.replyTo === 'STARTTLS' && p.code === '220' && p.final);
      if (!hit) return PASS;
      const data = Buffer.concat([seg.data.subarray(0, hit.start), Buffer.from(`${o.reply}\r\n`, 'latin1'), seg.data.subarray(hit.end)]);
      return { kind: 'rewrite', data, restate: true, log: genericLog(ctx, 'strip-tls-reply', `fault: server's 220 to STARTTLS replaced with "${o.reply}"`) };
    },
  };
}
