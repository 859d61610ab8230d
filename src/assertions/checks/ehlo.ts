import { lineChecks, result, type Check } from '../types.js';

/**
 * `ehlo: { includes, excludes, equals }` over the EHLO reply lines the sender saw (before TLS).
 * A session whose sender never sent EHLO (it greeted with HELO, e.g. Postfix after a `220 ****`
 * banner: its PIX workaround) has no EHLO reply: the expectation fails and says so, instead of
 * holding on the reply to HELO.
 */
export const ehlo: Check<'ehlo'> = (spec, s) => {
  const sent = (s.hops[0]?.entries ?? []).filter((e) => e.dir === 'c2s' && /^(ehlo|helo)\b/i.test(e.text));
  if (sent.length && !sent.some((e) => /^ehlo\b/i.test(e.text))) {
    const why = s.clientView.greeting?.why;
    return [result('ehlo', false, 'an EHLO reply', `no EHLO was sent: the sender greeted with HELO${why ? ` (${why})` : ''}`)];
  }
  return lineChecks('ehlo', spec, s.clientView.ehlo);
};
