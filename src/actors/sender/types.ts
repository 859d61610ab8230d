import type { PlaintextFallback, SenderTls, StartTlsMode } from '../../vocabulary.js';
import type { Clock } from '../../model/clock.js';
import type { ClientView, DnsQuery, Outcome, Reason, TranscriptEntry } from '../../model/result.js';
import type { PolicyCache } from './sts-policy.js';

/** The sender's TLS policy, like Postfix `smtp_tls_security_level` none | may | encrypt | verify. */
export type TlsPolicy = SenderTls;

/** Per message: `always` sends STARTTLS even when not advertised (the telnet test of the seed). */
export type { StartTlsMode } from '../../vocabulary.js';

export interface SenderOptions {
  /** scenario node name */
  name: string;
  /** EHLO name, default `${name}.example` */
  hostname?: string;
  tls: TlsPolicy;
  /** PEM trusted for `verify` (system CAs when absent) */
  ca?: string;
  clock: Clock;
  /** per-step timeout: connect, greeting, each reply, TLS handshake, end of data. Default 10000 */
  timeoutMs?: number;
  /**
   * After a failed TLS handshake under `opportunistic`: `same-attempt` reconnects in plaintext at once
   * (Exim, OpenSMTPD; the default), `next-attempt` defers the first attempt and reconnects in plaintext
   * on later ones (Postfix), `never` defers. See docs/tls-faults.md.
   */
  plaintextFallback?: PlaintextFallback;
  /** record the TLS key log (NSS format) of the connections, for pcaps (`DeliveryResult.keylog`) */
  keylog?: boolean;
  /** the lab DNS: `deliver` without a target resolves the recipient's domain (MX, A, TLSA, MTA-STS) through it */
  dns?: SenderDns;
}

/** How a sender finds its next hop through the lab DNS. */
export interface SenderDns {
  /** the lab resolver this sender asks (UDP, TCP when truncated) */
  server: { host: string; port: number };
  /**
   * where to connect for a resolved address and port: the local runtime maps its lab addresses to
   * 127.0.0.1 ports; undefined means nothing listens there (connection refused). Without it the
   * address itself is dialled (docker runtime).
   */
  endpoint?(address: string, port: number): { host: string; port: number; node?: string } | undefined;
  /** the node at a resolved address, when `endpoint` does not say (docker: container addresses) */
  nodes?: Record<string, string>;
  /** MTA-STS policies cached across this sender's deliveries (RFC 8461 §3.3); one per sender node */
  policies?: PolicyCache;
}

export interface MessageSpec {
  id: string;
  /** envelope sender and From: address, e.g. partner@partner.example */
  from: string;
  /** envelope recipient and To: address, e.g. user@esa.example.com */
  to: string;
  /** envelope recipients (one RCPT TO each; default [to]); the generated To: lists them */
  rcpt?: string[];
  /** the generated From: when the envelope sender is not it (the null sender `<>`: from is "") */
  headerFrom?: string;
  /**
   * a file with the whole message (headers, MIME, 8-bit and all), sent as it is: only its line ends
   * made CRLF (eml.ts); `headers` go on top of it; subject, size and dkim do not apply
   */
  eml?: string;
  subject?: string;
  /** extra headers, appended after the standard ones */
  headers?: Record<string, string>;
  /** approximate body size in bytes (generated and streamed); default about 200 */
  size?: number;
  starttls?: StartTlsMode;
  /** sign with a DKIM-Signature whose h= lists From, To, Subject, Date, Message-ID, MIME-Version, Content-Type */
  dkim?: boolean;
}

export interface DeliveryTarget {
  host: string;
  port: number;
  /** SNI and the name verified under `verify` */
  servername?: string;
  /** next hop node name */
  node: string;
}

export interface DkimKey {
  domain: string;
  selector: string;
  /** PKCS#8 PEM */
  privateKey: string;
  /** SPKI PEM */
  publicKey: string;
  /** the TXT record to publish at `${selector}._domainkey.${domain}` */
  dnsRecord: string;
}

export interface DeliveryResult {
  outcome: Outcome;
  reason: Reason;
  /** the session was inside TLS when the outcome was decided (for `delivered`: the message travelled encrypted) */
  tls: boolean;
  /** the reply or error text that decided the outcome */
  detail?: string;
  /**
   * What the sender saw on its last connection. `ehlo` holds the reply to EHLO, or — when EHLO was
   * refused and the sender fell back to HELO — the reply to HELO (the refused EHLO reply is in `helo`).
   */
  clientView: ClientView;
  /** present when EHLO was refused and HELO was sent (PIX 6.3 Mailguard) */
  helo?: { ehloReply: string[]; heloReply: string[] };
  /** the message as handed to SMTP (CRLF line ends, before dot-stuffing): octets and SHA-256 */
  sent?: { size: number; sha256: string };
  /** the sender's hop as it saw it, every connection in order, decrypted lines marked tls:true */
  transcript: TranscriptEntry[];
  /** local port of the last connection's client socket */
  localPort?: number;
  /** connections this delivery attempt made (2 when it fell back to plaintext after a failed handshake) */
  connections: number;
  /** MTA-style log lines, worded like AsyncOS mail logs */
  log: string[];
  /** NSS key log lines of every TLS session of the delivery, when `SenderOptions.keylog` */
  keylog?: string[];
  /** the DNS queries this delivery made (with the lab DNS) */
  dns?: DnsQuery[];
  /** the node the last connection went to (with the lab DNS: where the MX host's address led) */
  nextHop?: string;
}
