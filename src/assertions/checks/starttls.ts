import { result, type Check } from '../types.js';

/** `starttls: { reply, sent }` — the reply to STARTTLS starts with `reply` (give it whole for an exact check). */
export const starttls: Check<'starttls'> = (spec, s) => {
  const out = [];
  const actual = s.clientView.starttls;
  if (spec.reply !== undefined) out.push(result('starttls.reply', actual !== undefined && (actual === spec.reply || actual.startsWith(spec.reply)), spec.reply, actual ?? '(STARTTLS not sent)'));
  if (spec.sent !== undefined) out.push(result('starttls.sent', (actual !== undefined) === spec.sent, spec.sent, actual !== undefined));
  return out;
};
