import type { SessionResult } from '../../model/result.js';
import { lineChecks, type Check } from '../types.js';

/** `replies: { includes, excludes }` over every reply line the sender saw on its hop (e.g. a `530 #5.7.0 …`). */
export const replies: Check<'replies'> = (spec, s) => lineChecks('replies', spec, senderReplies(s));

export function senderReplies(s: SessionResult): string[] {
  return (s.hops[0]?.entries ?? []).filter((e) => e.dir === 's2c').map((e) => e.text);
}
