import { Rewriter, contentEnd, genericLog, printable } from '../engine/bytes.js';
import { PASS, type Rule } from '../engine/types.js';
import { commandAllowed } from './mask-command.js';

export interface MailguardNoopOptions {
  /** verbs Mailguard lets through */
  allowed: string[];
  /**
   * What happens to another verb (sources conflict, knob): `noop` rewrites the line to `NOOP`
   * padded with spaces to the same length (padding INFERRED), the server answers the NOOP;
   * `ok` answers `250 OK` from the firewall and forwards nothing (PIX 4.x mailhost).
   * EHLO is always masked (`X`), so the server answers it with its unknown-command reply.
   */
  disallowed: 'noop' | 'ok';
  /** `mask` (default): EHLO is masked so the server answers it; `same`: EHLO is treated like any other disallowed verb (PIX 4.0/4.1 mailhost) */
  ehlo?: 'mask' | 'same';
  /** reply text for `ok` (INFERRED: `250 OK`) */
  okReply?: string;
}

/** PIX 4.x–6.3 Mailguard: commands outside the allow-list never reach the server as sent. */
export function mailguardNoop(o: MailguardNoopOptions): Rule {
  const allowed = new Set(o.allowed.map((v) => v.toUpperCase()));
  const isEhlo = (verb?: string) => verb === 'EHLO' && o.ehlo !== 'same';
  return {
    name: 'mailguard-noop',
    bodySegments: 'skip',
    onClientSegment(seg, _st, ctx) {
      const cmds = seg.pieces.filter((p) => p.kind === 'command');
      const bad = cmds.filter((p) => !commandAllowed(seg.data, p, allowed));
      if (!bad.length) return PASS;
      const shown = bad.map((p) => JSON.stringify(printable(seg.data.toString('latin1', p.start, contentEnd(seg.data, p)), 60))).join(', ');
      const replyable = bad.every((p) => p.complete && !p.continued && !isEhlo(p.verb) && contentEnd(seg.data, p) > p.start);
      if (o.disallowed === 'ok' && replyable && bad.length === cmds.length) {
        const reply = `${o.okReply ?? '250 OK'}\r\n`.repeat(bad.length);
        return { kind: 'reply', data: Buffer.from(reply, 'latin1'), log: genericLog(ctx, 'mailguard-noop', `answered ${shown} with ${o.okReply ?? '250 OK'}`) };
      }
      const w = new Rewriter(seg.data);
      for (const p of bad) {
        const end = contentEnd(seg.data, p);
        if (o.disallowed === 'noop' && !isEhlo(p.verb) && !p.continued && p.complete && end - p.start >= 4) {
          const noop = Buffer.from('NOOP'.padEnd(end - p.start, ' '), 'latin1');
          for (let i = 0; i < noop.length; i++) w.set(p.start + i, noop[i]);
        } else w.fill(p.start, p.end, 'X');
      }
      if (!w.changed) return PASS;
      return { kind: 'rewrite', data: w.data, log: genericLog(ctx, 'mailguard-noop', `disallowed command rewritten: ${shown}`) };
    },
  };
}
