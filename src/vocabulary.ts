/**
 * The words of the scenario format that several layers share: the schema validates against these
 * lists, the result model and the actors take their types from them, the CLI lists them in help
 * and errors. Add a value here (one line) and every layer sees it. Imports nothing internal.
 */

/** Final state of one message. */
export const OUTCOMES = ['delivered', 'deferred', 'bounced'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** Machine-readable reason for an outcome, with what it means. `ok` accompanies `delivered`. */
export const REASONS = {
  ok: 'delivered',
  'tls-not-offered': 'TLS required by the sender, STARTTLS not advertised',
  'starttls-refused': 'STARTTLS sent, answered with a non-220 reply',
  'tls-failed': 'TLS handshake or certificate verification failed',
  'connection-refused': 'nothing listened at the next hop',
  'connection-reset': 'RST or an unexpected close during the session',
  timeout: 'a step took longer than the sender waits',
  rejected: 'a 4xx/5xx reply to a command (greeting, MAIL, RCPT, DATA, end of data)',
  'size-exceeded': 'the message is larger than the receiver takes',
  'protocol-error': 'a reply the sender could not make sense of',
  expired: 'still undelivered when the sender\'s queue-lifetime ran out (the message is returned, like Postfix maximal_queue_lifetime)',
  'dns-failure': 'a DNS lookup failed (SERVFAIL, e.g. a bogus DNSSEC answer, or no answer): the sender tries again later',
  'host-not-found': 'the recipient domain or every MX host of it does not exist (NXDOMAIN, or a null MX)',
  'dane-required-tls-not-offered': 'secure, usable TLSA records made TLS mandatory (RFC 7672 §2.2), but STARTTLS was not offered or was refused',
  'dane-mismatch': "the server's certificate matched none of the secure TLSA records, or a DANE-TA certificate did not name the host (RFC 7672 §3)",
  'dane-unavailable': 'DANE was required (dane-only) but the MX host has no secure TLSA records',
  'mta-sts-policy': 'an MTA-STS policy in enforce mode refused the MX host: TLS not offered, a certificate not valid for the host, or the host not in the policy (RFC 8461 §4–5)',
} as const;
export type Reason = keyof typeof REASONS;
export const REASON_NAMES = Object.keys(REASONS) as Reason[];

/** Receiver personas: reply texts, EHLO list and limits of a real product (src/actors/receiver/personas). */
export const PERSONA_NAMES = ['asyncos', 'postfix', 'sendmail', 'exchange', 'generic'] as const;
export type PersonaName = (typeof PERSONA_NAMES)[number];

/** A receiver's TLS setting (AsyncOS HAT mail-flow policy words). */
export const RECEIVER_TLS = ['off', 'preferred', 'required'] as const;
export type ReceiverTls = (typeof RECEIVER_TLS)[number];

/**
 * A receiver's TLS fault (`tls-fault:`): a certificate that fails verification, or a handshake
 * that cannot complete. `none` is a correct TLS service (a timeline step sets it to clear a fault).
 */
export const TLS_FAULTS = ['none', 'expired', 'not-yet-valid', 'wrong-name', 'unknown-ca', 'self-signed', 'handshake-abort', 'tls1.0-only'] as const;
export type TlsFault = (typeof TLS_FAULTS)[number];

/**
 * What an `opportunistic` sender does after a failed TLS handshake (docs/tls-faults.md): `same-attempt`
 * reconnects in plaintext at once (Exim tls_tempfail_tryclear, OpenSMTPD), `next-attempt` defers the
 * first attempt and falls back on later ones (Postfix: only once the message waited minimal_backoff_time),
 * `never` defers every time.
 */
export const PLAINTEXT_FALLBACKS = ['same-attempt', 'next-attempt', 'never'] as const;
export type PlaintextFallback = (typeof PLAINTEXT_FALLBACKS)[number];

/**
 * A sender's TLS policy: Postfix smtp_tls_security_level none | may | encrypt | verify | dane |
 * dane-only; `mta-sts` applies the recipient domain's MTA-STS policy (RFC 8461), opportunistic without one.
 */
export const SENDER_TLS = ['none', 'opportunistic', 'required', 'verify', 'dane', 'dane-only', 'mta-sts'] as const;
export type SenderTls = (typeof SENDER_TLS)[number];

/** Sending MTAs: `builtin` runs on any runtime, the others in containers (docker runtime). */
export const SENDER_MTAS = ['builtin', 'postfix', 'exim', 'opensmtpd', 'generic'] as const;
export type SenderMta = (typeof SENDER_MTAS)[number];

/** Receiving MTAs: `builtin` is a persona; the others are real MTAs in containers. */
export const RECEIVER_MTAS = ['builtin', 'postfix', 'exim', 'opensmtpd'] as const;
export type ReceiverMta = (typeof RECEIVER_MTAS)[number];

/** DNSSEC status of a lab DNS zone, as a validating resolver reports it: AD bit, no AD bit, SERVFAIL. */
export const DNSSEC_STATES = ['secure', 'insecure', 'bogus'] as const;
export type DnssecState = (typeof DNSSEC_STATES)[number];

/** An MTA-STS policy's mode (RFC 8461 §3.2). */
export const MTA_STS_MODES = ['enforce', 'testing', 'none'] as const;
export type MtaStsMode = (typeof MTA_STS_MODES)[number];
/** The real MTAs mxlab has an adapter for (src/runtime/docker/mta): `generic` is described by the node's `generic:` map. */
export const REAL_MTAS = ['postfix', 'exim', 'opensmtpd', 'generic'] as const;
export type RealMta = (typeof REAL_MTAS)[number];

/**
 * How each real MTA takes a node's `config:` — Postfix main.cf parameters (applied with
 * `postconf -e`), Exim macros (Debian's exim4.conf.localmacros), OpenSMTPD smtpd.conf lines,
 * the generic contract's own `NAME=value` lines (the image reads MXLAB_CONFIG_FILE).
 */
export const MTA_CONFIG_FORM = { postfix: 'map', exim: 'map', opensmtpd: 'lines', generic: 'map' } as const satisfies Record<RealMta, 'map' | 'lines'>;

/** Per message: `always` sends STARTTLS even when not advertised (the telnet test of the seed). */
export const STARTTLS_MODES = ['auto', 'always', 'never'] as const;
export type StartTlsMode = (typeof STARTTLS_MODES)[number];
