import { describe, expect, it } from 'vitest';
import { reasonFromText } from '../src/runtime/docker/mta/classify.js';

/**
 * The real MTAs' own words for the lab DNS outcomes, as Postfix 3.7 and Exim 4.96 logged them in the
 * docker scenarios (scenarios/docker/dane-cases.yaml, mx-routing-real-mtas.yaml), mapped to reasons.
 * (Under dane / mta-sts the runtime then names a missing STARTTLS by the policy: submit.ts.)
 */
const lines: [string, string][] = [
  // Postfix
  ['Server certificate not verified (num=65:no matching DANE TLSA records)', 'dane-mismatch'],
  ['TLSA lookup error for mx.lazy.example:25', 'dns-failure'],
  ['Host or domain name not found. Name service error for name=bogus.example type=MX: Host not found, try again', 'dns-failure'],
  ['non DNSSEC destination', 'dane-unavailable'],
  ['no TLSA records found', 'dane-unavailable'],
  ['Host or domain name not found. Name service error for name=nowhere.example type=A: Host not found', 'host-not-found'],
  ['Domain nomail.example does not accept mail (nullMX)', 'host-not-found'],
  ['TLS is required, but was not offered by host mx1.corp.example[172.22.0.15]', 'tls-not-offered'],
  // Exim
  ['u@wrong.example R=dnslookup T=remote_smtp defer (-37) H=mx.wrong.example [172.25.0.10]: TLS session: (certificate verification failed): Verification failed. The certificate differs. ', 'dane-mismatch'],
  ['u@lazy.example R=dnslookup T=remote_smtp defer (-36): DANE error: tlsa lookup DEFER', 'dns-failure'],
  ['u@bogus.example R=dnslookup defer (-1): host lookup did not complete', 'dns-failure'],
  ['u@insecure.example R=dnslookup T=remote_smtp: DANE error: mx.insecure.example lookup not DNSSEC', 'dane-unavailable'],
  ['u@denial.example R=dnslookup T=remote_smtp: DANE error: tlsa lookup FAIL', 'dane-unavailable'],
  ['ops@nowhere.example: Unrouteable address', 'host-not-found'],
  ['ops@nomail.example: an MX or SRV record indicated no SMTP service', 'host-not-found'],
  ['ops@corp.example R=dnslookup T=remote_smtp defer (-38) H=mx1.corp.example [172.22.0.15]: a TLS session is required, but the server did not offer TLS support', 'tls-not-offered'],
];

describe('real MTA log lines → reasons', () => {
  for (const [line, reason] of lines) it(`${reason}: ${line.slice(0, 70)}`, () => expect(reasonFromText(line)).toBe(reason));
});
