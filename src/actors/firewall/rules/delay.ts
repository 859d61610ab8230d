import { genericLog } from '../engine/bytes.js';
import type { Rule } from '../engine/types.js';

export interface DelayOptions {
  ms: number;
}

/** L4 fault: every forwarded segment is held `ms` (both directions). Logged once per connection. */
export function delay(o: DelayOptions): Rule<{ logged: boolean }> {
  const hold = (st: { logged: boolean }, ctx: Parameters<NonNullable<Rule['onClientSegment']>>[2]) => {
    const first = !st.logged;
    st.logged = true;
    return { kind: 'delay' as const, ms: o.ms, ...(first ? { log: genericLog(ctx, 'delay', `fault: every segment held ${o.ms} ms`) } : {}) };
  };
  return {
    name: 'delay',
    init: () => ({ logged: false }),
    onClientSegment: (_seg, st, ctx) => hold(st, ctx),
    onServerSegment: (_seg, st, ctx) => hold(st, ctx),
    onTlsSegment: (_seg, st, ctx) => hold(st, ctx),
  };
}
