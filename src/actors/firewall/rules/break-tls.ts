import { genericLog } from '../engine/bytes.js';
import { PASS, type Rule } from '../engine/types.js';

/**
 * TLS fault `break-tls`: STARTTLS and its 220 pass, then the connection is reset when the client's
 * first TLS bytes (the ClientHello) arrive — what some inspection engines do to a session they
 * cannot or will not decrypt. A sender sees its handshake fail (`tls-failed`); the server sees a
 * STARTTLS and then a reset. Only reachable where STARTTLS passes (a device that masks it never
 * gets this far).
 */
export function breakTls(): Rule<{ done: boolean }> {
  return {
    name: 'break-tls',
    init: () => ({ done: false }),
    onTlsSegment(seg, st, ctx) {
      if (st.done || seg.direction !== 'client') return PASS;
      st.done = true;
      return { kind: 'reset', log: genericLog(ctx, 'break-tls', `fault: TLS ClientHello (${seg.data.length} bytes) after STARTTLS answered 220; connection reset`) };
    },
  };
}
