import { lineChecks, type Check } from '../types.js';

/** `ehlo: { includes, excludes, equals }` over the EHLO reply lines the sender saw (before TLS). */
export const ehlo: Check<'ehlo'> = (spec, s) => lineChecks('ehlo', spec, s.clientView.ehlo);
