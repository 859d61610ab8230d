/**
 * The persona model: everything that makes a receiver's wire bytes look like one product.
 * A persona is data plus small pure functions; the engine (connection.ts) applies it.
 * Add one: a file under personas/ exporting a `Persona`, plus one line in personas/index.ts.
 */

export type { PersonaName } from '../../vocabulary.js';
import type { PersonaName, ReceiverTls } from '../../vocabulary.js';
export type TlsMode = ReceiverTls;

/** What a reply function may read. All values are per connection, at the moment of the reply. */
export interface ReplyContext {
  /** the receiver's hostname, e.g. `esa.example.com` */
  hostname: string;
  /** effective message size limit, 0 = none */
  size: number;
  /** true when the scenario gave `size` explicitly (some products print SIZE without a number otherwise) */
  sizeGiven: boolean;
  tls: TlsMode;
  /** the session is inside TLS */
  secure: boolean;
  /** client IP as the receiver sees it, e.g. `127.0.0.1` */
  remoteAddress: string;
  /** the current command line as received (no CRLF) */
  line: string;
  /** upper-cased first word of `line` */
  verb: string;
  /** the address of MAIL/RCPT (without angle brackets), `''` for `<>` */
  address: string;
  /** messages accepted by this receiver so far, including the one being answered (1-based) */
  messageNumber: number;
  /** octets of the BDAT chunk (or whole message) being answered, else 0 */
  bytes: number;
  /** wall-clock time, for products that print a date in their banner */
  now: Date;
}

/** A reply: one line (`250 ok`) or a multi-line reply, each line complete with code and separator. */
export type Reply = string | readonly string[];
export type ReplyFn = (c: ReplyContext) => Reply;

/** Replies every persona must define. */
export interface RequiredReplies {
  banner: ReplyFn;
  /** the whole EHLO reply, first line `250-<host>…`, last line `250 …` */
  ehlo: ReplyFn;
  /** any command the product does not recognise (including firewall-masked `XXXXXXXX`) */
  unknown: ReplyFn;
}

/**
 * Replies a persona may define; an undefined one keeps smtp-server's own text.
 * The engine maps smtp-server's replies to these kinds in reply-kind.ts.
 */
export interface OptionalReplies {
  helo: ReplyFn;
  /** sent instead of `unknown` once more than `badCommandLimit` bad commands were seen; closes */
  badCommandLimit: ReplyFn;
  /** `tls: required` and a command outside `tlsRequiredAllows` before STARTTLS */
  tlsRequired: ReplyFn;
  startTls: ReplyFn;
  /** STARTTLS inside TLS */
  tlsActive: ReplyFn;
  /** STARTTLS while the listener has TLS off, when the product does not treat it as unknown */
  tlsUnavailable: ReplyFn;
  mailOk: ReplyFn;
  rcptOk: ReplyFn;
  dataGo: ReplyFn;
  accepted: ReplyFn;
  /** end of DATA after more than `size` bytes */
  sizeExceeded: ReplyFn;
  /** MAIL FROM … SIZE=n with n over the limit */
  mailSizeExceeded: ReplyFn;
  quit: ReplyFn;
  help: ReplyFn;
  noop: ReplyFn;
  rset: ReplyFn;
  vrfy: ReplyFn;
  heloSyntax: ReplyFn;
  needHelo: ReplyFn;
  needMail: ReplyFn;
  needRcpt: ReplyFn;
  nestedMail: ReplyFn;
  badSender: ReplyFn;
  badRecipient: ReplyFn;
  /** a BDAT chunk without LAST was received */
  chunkOk: ReplyFn;
  /** `BDAT` with a missing or bad size */
  bdatSyntax: ReplyFn;
  /** a recognised verb the emulation does not implement (AUTH, ETRN, TURN, EXPN, BDAT …) */
  notImplemented: ReplyFn;
  timeout: ReplyFn;
  /** a command line over the parser's limit; the connection closes after it */
  lineTooLong: ReplyFn;
}

export type ReplyKind = keyof RequiredReplies | keyof OptionalReplies;

export interface Persona {
  readonly name: PersonaName;
  /** the product in one line, for `mxlab devices`-style listings */
  readonly description: string;
  /** size limit when the scenario gives none (0 = no limit) */
  readonly defaultSize: number;
  /** bad commands tolerated; the next one gets `badCommandLimit` and the session closes. undefined = no limit */
  readonly badCommandLimit?: number;
  /** verbs the product recognises (upper case); anything else gets `unknown`. STARTTLS only counts when TLS is on */
  readonly knownVerbs: readonly string[];
  /** with `tls: required`, verbs allowed before STARTTLS; everything else known gets `tlsRequired` */
  readonly tlsRequiredAllows: readonly string[];
  readonly replies: RequiredReplies & Partial<OptionalReplies>;
}

/** Keep echoed client text from splitting a reply: control characters (not TAB) become spaces. */
export function clean(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0a-\x1f\x7f]/g, ' ');
}

/** A deterministic queue id from a receiver name and message number (upper-case hex, `len` digits). */
export function queueId(seed: string, n: number, len = 10): string {
  let h = 0x811c9dc5;
  for (const ch of `${seed}#${n}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  const g = Math.imul(h ^ n, 0x9e3779b1) >>> 0;
  return (h.toString(16).padStart(8, '0') + g.toString(16).padStart(8, '0')).toUpperCase().slice(0, len);
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 date in UTC as MTAs print it in banners: `Tue, 1 Jan 2013 12:00:00 +0000`. */
export function rfc822Date(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

/** Builds a multi-line reply: `code-` on every line but the last, `code ` on the last. */
export function multiline(code: number, lines: readonly string[]): string[] {
  return lines.map((l, i) => `${code}${i < lines.length - 1 ? '-' : ' '}${l}`);
}
