import { lineChecks, type Check } from '../types.js';

/** `firewall: { events: { includes, excludes } }` over the rule names and device log lines of the session. */
export const firewall: Check<'firewall'> = (spec, s) =>
  lineChecks('firewall.events', spec.events, s.firewall.events.map((e) => `${e.rule} ${e.log}`));
