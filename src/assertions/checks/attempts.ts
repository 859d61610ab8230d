import { result, type Check } from '../types.js';

/** `attempts: N` — the message took N delivery attempts (retries included). */
export const attempts: Check<'attempts'> = (n, s) => [result('attempts', s.attempts === n, n, s.attempts)];
