import { result, type Check } from '../types.js';

/** `tls: true|false` — the message travelled (was accepted) inside TLS. */
export const tls: Check<'tls'> = (expected, s) => [result('tls', s.tls === expected, expected, s.tls)];
