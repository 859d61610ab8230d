import type { MessageSpec } from '../actors/sender/index.js';
import type { MessagePlan } from '../model/plan.js';

/** What a sender is asked to deliver for a planned message; the same in every runtime. */
export function messageSpecOf(m: MessagePlan): MessageSpec {
  const envelope = {
    id: m.spec.id,
    from: m.fromAddress,
    to: m.toAddress,
    ...(m.rcptTo && (m.rcptTo.length !== 1 || m.rcptTo[0] !== m.toAddress) ? { rcpt: m.rcptTo } : {}),
    starttls: m.spec.starttls,
  };
  // an eml goes as it is: no X-Mxlab-Message (the builtin sender's sessions are found by port)
  if (m.eml !== undefined) return { ...envelope, eml: m.eml, ...(m.spec.headers ? { headers: { ...m.spec.headers } } : {}) };
  return {
    ...envelope,
    // the null sender has no address for From:; the generated message names the sender node
    ...(m.fromAddress === '' ? { headerFrom: `${m.spec.from}@${m.path[0]}.example` } : {}),
    subject: m.spec.subject ?? `mxlab ${m.spec.id}`,
    headers: { 'X-Mxlab-Message': m.spec.id, ...m.spec.headers },
    ...(m.spec.size !== undefined ? { size: m.spec.size } : {}),
    dkim: m.spec.dkim,
  };
}
