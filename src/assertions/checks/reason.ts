import { result, type Check } from '../types.js';

/** `reason: connection-reset` etc. */
export const reason: Check<'reason'> = (expected, s) => [result('reason', s.reason === expected, expected, s.reason)];
