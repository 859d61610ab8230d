import { genericLog } from '../engine/bytes.js';
import { PASS, type Rule } from '../engine/types.js';

export interface AllowTlsOptions {
  /** `allow-tls action log` */
  log: boolean;
}

/**
 * `allow-tls`: STARTTLS is advertised and passed (the device adds it to the verb allow-list and
 * the EHLO pass set); when the server answers it with 220 the engine stops inspecting (the
 * stream is encrypted). This rule records that moment. INFERRED beyond "allow ESMTP over TLS".
 */
export function allowTls(o: AllowTlsOptions): Rule {
  return {
    name: 'allow-tls',
    onServerSegment(seg, _st, ctx) {
      const started = seg.pieces.some((p) => p.kind === 'reply' && p.replyTo === 'STARTTLS' && p.final && p.code === '220');
      if (!started) return PASS;
      return { kind: 'pass', log: genericLog(ctx, 'allow-tls', `ESMTP over TLS started${o.log ? ' (action log)' : ''}; inspection stops`) };
    },
  };
}
