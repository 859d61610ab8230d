import { dnsLine } from '../../model/result.js';
import { lineChecks, type Check } from '../types.js';

/** `dns: { includes, excludes }` over the sender's DNS queries, one line each: `NAME TYPE RCODE [AD] answers`. */
export const dns: Check<'dns'> = (spec, s) => lineChecks('dns', spec, (s.dns ?? []).map(dnsLine));
