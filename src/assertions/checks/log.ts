import { lineChecks, type Check } from '../types.js';

/** `log: { includes, excludes }` over the sender's own log lines (a real MTA's log, the builtin sender's AsyncOS-style lines). */
export const log: Check<'log'> = (spec, s) => lineChecks('log', spec, s.log ?? []);
