import type { MessageSpec } from '../actors/sender/index.js';
import type { MessagePlan } from '../model/plan.js';

/** What a sender is asked to deliver for a planned message; the same in every runtime. */
export function messageSpecOf(m: MessagePlan): MessageSpec {
  return {
    id: m.spec.id,
    from: m.fromAddress,
    to: m.toAddress,
    subject: m.spec.subject ?? `mxlab ${m.spec.id}`,
    headers: { 'X-Mxlab-Message': m.spec.id, ...m.spec.headers },
    ...(m.spec.size !== undefined ? { size: m.spec.size } : {}),
    starttls: m.spec.starttls,
    dkim: m.spec.dkim,
  };
}
