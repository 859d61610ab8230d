import { formatTime } from '../../model/time.js';
import { result, type Check } from '../types.js';

/** `delivered-after: 10m` — the message was delivered, at that scenario time or later. */
export const deliveredAfter: Check<'delivered-after'> = (ms, s) => {
  const at = s.outcome === 'delivered' ? s.deliveredAt : undefined;
  const actual = s.outcome !== 'delivered' ? `not delivered (${s.outcome})` : at === undefined ? 'delivered at an unknown time' : `delivered at ${formatTime(at)}`;
  return [result('delivered-after', at !== undefined && at >= ms, `delivered at ${formatTime(ms)} or later`, actual)];
};
