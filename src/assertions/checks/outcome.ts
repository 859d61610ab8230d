import { result, type Check } from '../types.js';

/** `outcome: delivered | deferred | bounced` */
export const outcome: Check<'outcome'> = (expected, s) => [result('outcome', s.outcome === expected, expected, s.outcome)];
