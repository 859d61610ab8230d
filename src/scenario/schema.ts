import { z } from 'zod';
import { MAX_DURATION_MS, parseDuration } from './duration.js';
import { DNSSEC_STATES, MTA_STS_MODES, OUTCOMES, PERSONA_NAMES, PLAINTEXT_FALLBACKS, REASON_NAMES, RECEIVER_MTAS, RECEIVER_TLS, SENDER_MTAS, SENDER_TLS, STARTTLS_MODES, TLS_FAULTS } from '../vocabulary.js';

/**
 * The scenario format v1: the single source of truth. Types are inferred from it, the editor
 * JSON Schema (`mxlab schema`) is generated from it, every object is strict.
 */

/**
 * Caps on what a scenario may hold: every string field has a length cap and every list a count
 * cap, so a hostile file is exit 2 with file:line:col before any of it reaches a socket, a
 * certificate or the wire. Use the helpers below for every new key (`line()` for a value that
 * goes on one line of SMTP, `text()` for multi-line text, `hostname`, `mailbox`, `filePath`,
 * `list()`), never a bare `z.string()` or `z.array()`.
 */
export const LIMITS = {
  /** a node name: one DNS label */
  name: 63,
  /** a message id, a matrix key */
  id: 128,
  /** RFC 1035 §2.3.4: a domain name (without the trailing dot) */
  hostname: 253,
  /** RFC 5321 §4.5.3.1.3: a reverse-path or forward-path is at most 256 octets with its <> */
  mailbox: 254,
  /** RFC 5321 §4.5.3.1.6: a text line is at most 1000 octets with its CRLF */
  line: 998,
  /** one header value, folding included (a header-length rule can be tested well past 998) */
  headerValue: 64 * 1024,
  /** a description or other multi-line prose */
  text: 16 * 1024,
  /** a device configuration in the device's own CLI syntax */
  config: 1024 * 1024,
  /** a file path (PATH_MAX on Linux) */
  path: 4096,
  /** entries of one list or mapping (messages, nodes, includes…) */
  list: 1000,
} as const;

const chars = (n: number) => `at most ${n.toLocaleString('en-US')} characters`;

/** A string of at most `max` characters, any content (multi-line prose, a device config). */
export function text(max: number = LIMITS.text): z.ZodString {
  return z.string().max(max, { message: chars(max), abort: true });
}

/** One line of at most `max` characters: no CR, LF or NUL (it may be written to the SMTP wire). */
export function line(max: number = LIMITS.line): z.ZodString {
  return text(max).regex(/^[^\r\n\0]*$/, 'one line (no CR, LF or NUL)');
}

/** A non-empty `line()`. */
export function word(max: number = LIMITS.line): z.ZodString {
  return line(max).min(1, 'a non-empty value');
}

const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';

/** A DNS host name (RFC 1123): dot-separated labels of letters, digits and -, each ≤ 63, in all ≤ 253. */
export const hostname = z
  .string()
  .min(1, 'a host name')
  .max(LIMITS.hostname, { message: `a host name of ${chars(LIMITS.hostname)}`, abort: true })
  .regex(new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`), 'a host name: labels of letters, digits and - (each at most 63, not starting or ending with -) separated by dots');

/** A mailbox local@domain, at most 254 characters, one line, no <> or spaces (RFC 5321 §4.1.2). */
export const mailbox = text(LIMITS.mailbox).regex(/^[^\s<>@]+@[^\s<>@]+$/, 'an address local-part@domain (no spaces or <>)');

/** A file path (resolved against the scenario file's folder by whoever reads it). */
export const filePath = word(LIMITS.path);

/** A list of 1 to `max` items. */
export function list<T extends z.ZodType>(item: T, max: number = LIMITS.list) {
  return z.array(item).min(1).max(max, { message: `at most ${max} entries`, abort: true });
}

/** A mapping of at most `max` entries. */
export function capped<T extends z.ZodType>(schema: T, max: number = LIMITS.list) {
  return schema.refine((v) => v === null || typeof v !== 'object' || Object.keys(v).length <= max, `at most ${max} entries`);
}

/** A duration: `250ms`, `90s`, `10m`, `4h`, `2d`, parts run together (`1h30m`), or 0; parsed to ms. */
export const duration = z
  .union([z.literal(0), text(32)])
  .transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === undefined || ms > MAX_DURATION_MS) {
      ctx.addIssue({ code: 'custom', message: ms === undefined ? 'a duration such as 90s, 10m, 4h or 1h30m' : 'a duration of at most 366d' });
      return z.NEVER;
    }
    return ms;
  })
  .describe('a duration: 250ms, 90s, 10m, 4h, 2d, 1h30m, or 0');

const nodeName = z
  .string()
  .max(LIMITS.name, { message: `a node name of ${chars(LIMITS.name)}`, abort: true })
  .regex(/^[a-z][a-z0-9-]*$/, 'a lower-case name of letters, digits and -');

export { PERSONA_NAMES as personaNames, SENDER_MTAS as senderMtas, RECEIVER_TLS as receiverTls, SENDER_TLS as senderTls } from '../vocabulary.js';

/** A JavaScript regular expression, checked to compile. */
const regex = word().refine((v) => {
  try {
    new RegExp(v);
    return true;
  } catch {
    return false;
  }
}, 'a valid regular expression (JavaScript syntax)');

/**
 * A real MTA's own settings: a map (Postfix main.cf parameters, Exim macros, the generic
 * contract's NAME=value lines) or a list of lines (OpenSMTPD smtpd.conf); which one each MTA
 * takes is checked against the node's `mta:`.
 */
const mtaConfig = z
  .union([
    capped(z.record(text(LIMITS.id).regex(/^[A-Za-z][A-Za-z0-9_.-]*$/, 'a setting name: letters, digits, _ . -'), z.union([line(), z.number(), z.boolean()]))),
    list(line()),
  ])
  .describe('the MTA\'s own settings: Postfix main.cf parameters, Exim macros (maps); OpenSMTPD smtpd.conf lines (a list)');

/** A local image tag, e.g. `my/postfix:3.9` (no registry is contacted: it must exist on the engine). */
const imageRef = word(255).regex(/^[A-Za-z0-9][A-Za-z0-9._/:@-]*$/, 'an image reference, e.g. my/postfix:3.9');

/** The generic MTA contract: an MTA mxlab ships no adapter for, described without TypeScript. */
export const genericMta = z
  .strictObject({
    submit: list(word(), 64).describe('argv that submits one message: {from} is the envelope sender (<> for the null sender), an argument that is exactly {to} becomes one argument per recipient ({to} inside a longer one: the first recipient); the message comes on stdin'),
    ready: regex.describe('a log line that says the MTA is up'),
    log: word(LIMITS.path).regex(/^(stdout|\/.+)$/, 'stdout or an absolute path in the container').describe('where the MTA logs: stdout, or a file in the container'),
    'queue-id': regex.describe("its first group is the queue id, on the log line that carries the message's Message-ID"),
    delivered: regex.describe('a log line of the queue id that says the message was delivered'),
    deferred: regex.describe('… deferred (kept for a later attempt)'),
    bounced: regex.describe('… bounced (given up)'),
    tls: regex.optional().describe('a log line of the queue id that says the delivery used TLS'),
    version: list(word(), 16).optional().describe('argv that prints the MTA version'),
  })
  .describe('mta: generic — how to drive and read an MTA mxlab has no adapter for');

const byo = {
  config: mtaConfig.optional(),
  image: imageRef.optional().describe("a local image to run instead of mxlab's (mta: names the adapter it speaks)"),
  build: filePath.optional().describe('a Dockerfile context, relative to the scenario file, built and cached by content hash'),
};

export const senderNode = z
  .strictObject({
    role: z.literal('sender'),
    mta: z.enum(SENDER_MTAS).default('builtin').describe('builtin runs anywhere; postfix, exim, opensmtpd, generic need --runtime docker'),
    tls: z.enum(SENDER_TLS).default('opportunistic').describe('TLS policy of the sending MTA'),
    via: nodeName.optional().describe('a firewall node this sender connects through'),
    hostname: hostname.optional().describe('EHLO name; default <node>.example'),
    timeout: z.number().int().positive().max(600_000).default(10_000).describe('per-step timeout in ms'),
    'plaintext-fallback': z
      .enum(PLAINTEXT_FALLBACKS)
      .optional()
      .describe('builtin sender, opportunistic, after a failed TLS handshake: same-attempt (default; Exim, OpenSMTPD) | next-attempt (Postfix) | never'),
    retry: list(duration, 100).optional().describe('delays between delivery attempts of a deferred message, the last one repeating, e.g. [5m, 10m, 20m]; without it one attempt'),
    'queue-lifetime': duration.optional().describe('a deferred message older than this bounces (reason expired) at its next failed attempt; default 5d with retry'),
    ...byo,
    generic: genericMta.optional(),
  })
  .describe('An MTA that queues and delivers');

export const receiverNode = z
  .strictObject({
    role: z.literal('receiver'),
    persona: z.enum(PERSONA_NAMES).default('generic').describe('reply texts, EHLO list and limits of a real product'),
    mta: z.enum(RECEIVER_MTAS).default('builtin').describe('builtin = the persona; postfix, exim, opensmtpd = a real MTA receiver (docker runtime)'),
    hostname: hostname.optional().describe('default <node>.example.com'),
    tls: z.enum(RECEIVER_TLS).default('preferred').describe('HAT mail-flow TLS setting: off | preferred | required'),
    size: z.number().int().positive().optional().describe('advertised and enforced SIZE'),
    'tls-fault': z
      .enum(TLS_FAULTS)
      .default('none')
      .describe('a broken TLS service: expired | not-yet-valid | wrong-name | unknown-ca | self-signed (certificates) | handshake-abort | tls1.0-only'),
    ...byo,
  })
  .describe('A receiving server: a persona, or a real MTA');

export const firewallNode = z
  .strictObject({
    role: z.literal('firewall'),
    device: word(LIMITS.id).optional().describe('product and version, e.g. "pix 7.2(2)", "asa 9.12(4)", "none"; optional with a config that has its "ASA Version …" / "PIX Version …" line'),
    config: text(LIMITS.config).optional().describe("device configuration in the device's own CLI syntax: commands, or a whole show running-config / write terminal"),
    'config-file': filePath.optional().describe('a file with the configuration (e.g. a pasted show running-config), relative to the scenario file'),
    'forwards-to': nodeName.describe('the node behind the firewall'),
  })
  .describe('A firewall emulator that inspects SMTP');

export const nodeSchema = z.discriminatedUnion('role', [senderNode, receiverNode, firewallNode]);

/** `to:` a receiver node, or an address routed through the lab DNS (MX records). */
export const NODE_NAME_RE = /^[a-z][a-z0-9-]*$/;
export const MAILBOX_RE = /^[^\s<>@]+@[^\s<>@]+$/;
export const isMailbox = (to: string) => to.includes('@');

export const messageSchema = z.strictObject({
  id: text(LIMITS.id).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, . _ -'),
  from: nodeName.describe('a sender node'),
  to: text(LIMITS.mailbox)
    .refine((v) => (v.includes('@') ? MAILBOX_RE.test(v) && hostname.safeParse(v.slice(v.lastIndexOf('@') + 1)).success : NODE_NAME_RE.test(v)), 'a receiver node, or an address local-part@domain routed by the domain\'s MX records')
    .describe('a receiver node, or user@domain (routed through the lab DNS: MX records in preference order)'),
  subject: line(LIMITS.headerValue).optional(),
  headers: capped(z.record(text(LIMITS.line).regex(/^[\x21-\x39\x3b-\x7e]+$/, 'a header name: printable ASCII without : or spaces'), text(LIMITS.headerValue)))
    .optional()
    .describe('extra header fields; in a generated message one named like a generated header (Subject, Content-Type, …) sets it instead of adding a second; with eml: they go on top of the file'),
  size: z.number().int().nonnegative().max(1 << 30).optional().describe('body size in bytes of the generated message'),
  starttls: z.enum(STARTTLS_MODES).default('auto').describe('always = send STARTTLS even when not offered'),
  dkim: z.boolean().default(false).describe('sign the generated message with DKIM (h= lists Content-Type)'),
  'mail-from': z.union([mailbox, z.literal('')]).optional().describe('envelope sender (MAIL FROM); "" is the null sender <>; default <sender node>@<its hostname>'),
  'rcpt-to': list(mailbox, 1000).optional().describe('envelope recipients (one RCPT TO each, at most 1000: Postfix\'s smtpd_recipient_limit); default postmaster@<receiver hostname>'),
  eml: filePath.optional().describe('a file with the whole message (headers, MIME, 8-bit), relative to the scenario file, sent as it is: only bare LF/CR become CRLF; headers: go on top'),
});

const stringList = list(line());

/** `PRIO host` or a receiver node name (preference 10, 20, … in list order). */
const mxEntry = word(LIMITS.hostname + 6).regex(/^(?:\d{1,5}\s+\S+|[a-z][a-z0-9-]*)$/, 'a receiver node, or "PRIO host" (e.g. "10 mx1.corp.example")');
/** RFC 6698 §2: usage selector matching-type data; data is hex, or `leaf` / `ca` for the run's certificates. */
const tlsaRecord = word(4096).regex(/^[0-3]\s+[01]\s+[0-2]\s+(?:leaf|ca|(?:[0-9a-fA-F]{2})+)$/, 'a TLSA record "USAGE SELECTOR TYPE DATA", e.g. "3 1 1 leaf", "2 0 1 ca" or hex data');
/** RFC 8461 §3.2: an `mx` pattern, a host name or `*.` and a domain. */
const mtaStsMx = word(LIMITS.hostname + 2).regex(/^(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/, 'a host name, or *.domain (one label)');

export const dnsZoneSchema = z
  .strictObject({
    dnssec: z.enum(DNSSEC_STATES).default('insecure').describe('secure: answers carry the AD bit; insecure: they do not; bogus: SERVFAIL'),
    mx: list(mxEntry, 32).optional().describe('MX records: receiver nodes (preference 10, 20, … in order) or "PRIO host"'),
    txt: list(line(), 100).optional().describe('TXT records at the domain'),
    tlsa: z
      .union([z.enum(['auto', 'mismatch', 'servfail']), list(tlsaRecord, 16)])
      .optional()
      .describe("TLSA records at _25._tcp.<each MX host>: auto (3 1 1 of the host's certificate), mismatch, servfail (the TLSA lookup fails), or records with data hex | leaf | ca"),
    'mta-sts': z
      .strictObject({
        mode: z.enum(MTA_STS_MODES).describe('enforce | testing | none'),
        mx: list(mtaStsMx, 32).optional().describe('host patterns the policy allows; default the MX hosts'),
        'max-age': z.number().int().min(0, 'seconds from 0 to 31557600').max(31_557_600, 'seconds from 0 to 31557600').default(86_400).describe('seconds a sender caches the policy (RFC 8461 §3.2)'),
        id: word(32).regex(/^[A-Za-z0-9]+$/, '1 to 32 letters and digits').optional().describe('the _mta-sts TXT id; default a hash of the policy'),
      })
      .optional()
      .describe('an MTA-STS policy: _mta-sts TXT record and https://mta-sts.<domain>/.well-known/mta-sts.txt (served by the lab, with the run CA)'),
  })
  .describe('A DNS zone the lab resolver answers for');
/** A value of a matrix axis as `when:` names it (a number or boolean matches the axis value written the same way). */
const matrixValue = z.union([line(), z.number(), z.boolean()]);

export const expectationSchema = z.strictObject({
  message: text(LIMITS.id).describe('a message id'),
  when: capped(z.record(text(LIMITS.id), z.union([matrixValue, list(matrixValue)]))).optional().describe('matrix cells this applies to'),
  outcome: z.enum(OUTCOMES).optional(),
  reason: z.enum(REASON_NAMES as [string, ...string[]]).optional(),
  tls: z.boolean().optional(),
  banner: z.strictObject({ includes: stringList.optional(), excludes: stringList.optional(), equals: line().optional() }).optional(),
  ehlo: z.strictObject({ includes: stringList.optional(), excludes: stringList.optional(), equals: stringList.optional() }).optional(),
  starttls: z.strictObject({ reply: line().optional(), sent: z.boolean().optional() }).optional(),
  replies: z.strictObject({ includes: stringList.optional(), excludes: stringList.optional() }).optional().describe('every reply line the sender saw'),
  server: z.strictObject({ commands: z.strictObject({ includes: stringList.optional(), excludes: stringList.optional() }) }).optional(),
  firewall: z.strictObject({ events: z.strictObject({ includes: stringList.optional(), excludes: stringList.optional() }) }).optional(),
  intact: z.boolean().optional().describe('true: the receiver got the message byte for byte (the size and SHA-256 it recorded equal what the builtin sender sent)'),
  golden: filePath.optional().describe("a file with the message's normalised transcript, relative to the scenario file; mxlab run --update writes it"),
  attempt: z.number().int().min(1).max(100_000).optional().describe('check the other fields on this delivery attempt (1 = the first) instead of the last'),
  attempts: z.number().int().min(1).max(100_000).optional().describe('how many delivery attempts the message took'),
  'delivered-after': duration.optional().describe('the message was delivered, at this scenario time or later (e.g. 10m)'),
  dns: z.strictObject({ includes: stringList.optional(), excludes: stringList.optional() }).optional().describe('over the DNS queries the sender made, one line each: NAME TYPE RCODE [AD] answers'),
  log: z.strictObject({ includes: stringList.optional(), excludes: stringList.optional() }).optional().describe("over the sender's own log lines (a real MTA's log; the builtin sender's AsyncOS-style lines)"),
});

/**
 * One timeline step: at scenario time `at`, change `node`. Firewall: `config` (replaces it),
 * `config-append` (adds lines to it), `device`, `fault` (`break-tls`, `delay 200`, … or `none`);
 * receiver: `tls`, `size`, `tls-fault`; any node: `state: stopped | started`.
 */
export const timelineStep = z
  .strictObject({
    at: duration.describe('scenario time of the change, e.g. 10m'),
    node: nodeName.describe('the node it changes'),
    config: text(LIMITS.config).optional().describe("firewall: the whole new configuration (replaces the node's config)"),
    'config-append': text(LIMITS.config).optional().describe('firewall: lines added after the current configuration'),
    device: word(LIMITS.id).optional().describe('firewall: a new device or release (a firmware upgrade)'),
    fault: line(LIMITS.id).optional().describe('firewall: a fault to add, "NAME [VALUE]" (break-tls, strip-tls-reply, delay 200, …), or none to clear them'),
    tls: z.enum(RECEIVER_TLS).optional().describe('receiver: off | preferred | required'),
    size: z.number().int().positive().optional().describe('receiver: advertised and enforced SIZE'),
    'tls-fault': z.enum(TLS_FAULTS).optional().describe('receiver: a TLS fault, or none'),
    state: z.enum(['stopped', 'started']).optional().describe('any node: stopped (refuses connections; a sender holds its queue) or started'),
  })
  .refine((s) => Object.keys(s).some((k) => k !== 'at' && k !== 'node'), 'a change: config, config-append, device, fault, tls, size, tls-fault or state');

export const matrixSchema = capped(z.record(
  text(LIMITS.id).regex(/^[a-z][a-z0-9-]*\.[a-z-]+$/, 'node.field, e.g. fw.device'),
  list(z.union([text(LIMITS.config), z.number(), z.boolean()])),
), 32);

export const scenarioSchema = z.strictObject({
  $schema: text(LIMITS.path).optional(),
  name: word(),
  description: text().optional(),
  runtime: z.enum(['local', 'docker']).optional(),
  nodes: capped(z.record(nodeName, nodeSchema), 256),
  messages: list(messageSchema, 10_000),
  expect: z.array(expectationSchema).max(10_000, { message: 'at most 10000 entries', abort: true }).default([]),
  matrix: matrixSchema.optional(),
  timeline: z.array(timelineStep).max(LIMITS.list, { message: `at most ${LIMITS.list} entries`, abort: true }).optional().describe('changes to the network at scenario times'),
  dns: capped(z.record(hostname, dnsZoneSchema), 256).optional().describe('the lab DNS: zones its resolver answers for (nothing else resolves)'),
});

export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type NodeSpec = z.output<typeof nodeSchema>;
export type SenderNode = z.output<typeof senderNode>;
export type ReceiverNode = z.output<typeof receiverNode>;
export type FirewallNode = z.output<typeof firewallNode>;
export type GenericMta = z.output<typeof genericMta>;
export type MtaConfig = z.output<typeof mtaConfig>;
export type MessageSpecV1 = z.output<typeof messageSchema>;
export type Expectation = z.output<typeof expectationSchema>;
/** An expectation as a scenario (or a test) writes it: durations as text, defaults not applied. */
export type ExpectationInput = z.input<typeof expectationSchema>;
export type TimelineStep = z.output<typeof timelineStep>;
export type DnsZone = z.output<typeof dnsZoneSchema>;

/** The JSON Schema for editors (`# yaml-language-server: $schema=…`). */
export function scenarioJsonSchema(): unknown {
  return z.toJSONSchema(scenarioSchema, { io: 'input', unrepresentable: 'any' });
}
