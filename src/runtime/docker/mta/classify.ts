import type { Reason } from '../../../model/result.js';
import type { MtaVerdict } from './types.js';

/** Maps the free text of a real MTA's deferral/bounce to the builtin sender's reasons. */
export function reasonFromText(text: string): Reason {
  const t = text.toLowerCase();
  // the lab DNS and DANE, in the MTAs' own words (docs/dane-mta-sts.md): Postfix 3.7 and Exim 4.96
  if (/no matching dane tlsa records|dane attempt failed|tlsa record problem|the certificate differs/.test(t)) return 'dane-mismatch';
  if (/non dnssec destination|no tlsa records found|lookup not dnssec|tlsa lookup fail\b/.test(t)) return 'dane-unavailable';
  if (/tlsa lookup (error|defer)|host lookup did not complete|name service error.*try again|temporary dns|dns lookup.*(fail|error)/.test(t)) return 'dns-failure';
  if (/name service error.*host not found|unrouteable address|domain .* accepts no mail|does not accept mail|indicated no smtp service|null ?mx|no mx or a records/.test(t)) return 'host-not-found';
  if (/tls is required, but was not offered|did not offer tls|starttls.*not (offered|advertised)|tls.*not available|tls required but not supported|no tls support|mandatory starttls|not advertising starttls/.test(t)) return 'tls-not-offered';
  if (/refused to start tls|starttls.*(rejected|refused|failed with)|\bstarttls\b.*\b[45]\d\d\b/.test(t)) return 'starttls-refused';
  if (/certificate|handshake|tls.*(fail|error)|ssl|server-cert-check|untrusted|cannot start tls/.test(t)) return 'tls-failed';
  if (/connection refused|econnrefused/.test(t)) return 'connection-refused';
  if (/timed out|timeout/.test(t)) return 'timeout';
  if (/lost connection|connection reset|reset by peer|unexpected (eof|close|disconnect)|remote host closed|connection closed|econnreset|broken pipe/.test(t)) return 'connection-reset';
  if (/message size|size limit|too (big|large)|\b552\b/.test(t)) return 'size-exceeded';
  if (/\b[45]\d\d[ -]|said: [45]|error from remote|rejected/.test(t)) return 'rejected';
  return 'protocol-error';
}

export function timedOut(what: string, log: string[]): MtaVerdict {
  return { outcome: 'deferred', reason: 'timeout', tls: false, detail: `mxlab: no final log line for ${what} within the timeout`, log };
}
