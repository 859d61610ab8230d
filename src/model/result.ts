/**
 * The result model: everything a run records, JSON-serialisable. Reporters and assertions
 * read only these types. Times are scenario time: milliseconds since the cell's nodes were up, jumping over
 * idle queue time (see ScenarioClock in clock.ts).
 */

export type { Outcome, Reason } from '../vocabulary.js';
import type { Outcome, Reason } from '../vocabulary.js';
import type { Scenario } from '../scenario/schema.js';

/** One line (or one opaque chunk) seen on a hop. */
export interface TranscriptEntry {
  /** scenario time: ms since the cell's nodes were up */
  t: number;
  /** c2s = from the connecting side to the listening side of this hop */
  dir: 'c2s' | 's2c';
  /** the line without CRLF; for encrypted or binary chunks a description like `<TLS 517 bytes>` */
  text: string;
  /** true when the line travelled inside TLS */
  tls?: boolean;
}

export interface Hop {
  /** node names, e.g. `partner` → `fw`, `fw` → `esa` */
  from: string;
  to: string;
  entries: TranscriptEntry[];
}

/** What the sending side saw. */
export interface ClientView {
  /** the greeting line(s), e.g. `220 esa.example.com ESMTP` */
  banner: string[];
  /** the EHLO (or HELO) reply lines as received, e.g. `250-8BITMIME` … `250 XXXXXXXA` */
  ehlo: string[];
  /** the reply to STARTTLS when it was sent, e.g. `500 #5.5.1 command not recognized` */
  starttls?: string;
  /** EHLO reply after TLS, when TLS was established */
  ehloAfterTls?: string[];
  /** the greeting the sender sent (its last EHLO/HELO before MAIL), and why when known, e.g. Postfix's PIX workaround */
  greeting?: { verb: 'EHLO' | 'HELO'; why?: string };
}

/** What the receiving side saw. */
export interface ServerView {
  /** the commands as received, in order, e.g. `EHLO partner.example`, `XXXXXXXX` (DATA content excluded) */
  commands: string[];
  /** whether the receiver's session was encrypted when it ended */
  tls: boolean;
  /** the message was accepted (end of data answered 2xx) */
  accepted: boolean;
  /** header lines of the accepted message, for checks on what arrived */
  headers?: string[];
  /**
   * octets of the message as the receiver got it in DATA/BDAT (dot-stuffing removed, before any trace
   * header the receiver adds), and their SHA-256 in hex: compare them with `sent` to see whether it
   * arrived byte for byte. Absent when no message arrived in full.
   */
  size?: number;
  sha256?: string;
  /** when the connection carried more than one message: each one's size and hash, by its X-Mxlab-Message id */
  messages?: { id?: string; size: number; sha256: string }[];
}

export type FirewallAction = 'pass' | 'rewrite' | 'reply' | 'drop-connection' | 'reset' | 'delay' | 'log';

export interface FirewallEvent {
  t: number;
  /** firewall node name */
  node: string;
  /** connection number within this firewall, 1-based */
  conn: number;
  /** the rule that acted, e.g. `mask-ehlo-parameter` */
  rule: string;
  action: FirewallAction;
  /** `client` = segment from the connecting side, `server` = from upstream */
  direction: 'client' | 'server';
  /** the device's log line, e.g. `%ASA-5-108003: ...`, or a generic one */
  log: string;
}

/** One DNS query a sender made and the lab resolver's answer. */
export interface DnsQuery {
  /** ms since run start */
  t: number;
  /** the node that asked */
  node: string;
  /** e.g. `corp.example` */
  name: string;
  /** e.g. `MX`, `A`, `TLSA`, `TXT` */
  type: string;
  /** `NOERROR`, `NXDOMAIN`, `SERVFAIL`, `REFUSED`, … (`TIMEOUT`: no answer) */
  rcode: string;
  /** the answer carried the AD bit (DNSSEC secure, as a validating resolver vouches) */
  ad: boolean;
  /** the answer records' data, e.g. `10 mx1.corp.example`, `3 1 1 5f2a…` */
  answers: string[];
}

/** A DNS query as one line: `corp.example MX NOERROR AD 10 mx1.corp.example` (what `dns:` expectations match). */
export function dnsLine(q: DnsQuery): string {
  return [q.name, q.type, q.rcode, ...(q.ad ? ['AD'] : []), ...(q.answers.length ? [q.answers.join(', ')] : [])].join(' ');
}

/** What one delivery attempt saw: a session's fields describe its last attempt, each AttemptRecord its own. */
export interface AttemptView {
  outcome: Outcome;
  reason: Reason;
  tls: boolean;
  /** free text: the reply or error that decided the outcome */
  detail?: string;
  clientView: ClientView;
  /**
   * the message as the builtin sender handed it to SMTP (CRLF line ends, before dot-stuffing): its
   * octets and SHA-256 (hex). Equal to serverView's when it arrived byte for byte.
   */
  sent?: { size: number; sha256: string };
  serverView: ServerView;
  hops: Hop[];
  firewall: { events: FirewallEvent[] };
  /** the sender's own log lines (real MTAs in containers; builtin sender's notes) */
  log?: string[];
  /** every hop's raw bytes, one entry per TCP connection (only when the run records them: the pcap and bundle reporters ask) */
  wire?: WireCapture[];
  /** the TLS key log of the TLS connections, NSS key log lines from both ends (recorded with `wire`) */
  keylog?: string[];
}

export interface SessionResult extends AttemptView {
  message: string;
  from: string;
  to: string;
  /**
   * delivery attempts made (a queue run each; one attempt may hold two connections: a plaintext one after
   * a failed handshake). The session's other fields describe the last attempt; `history` lists them all.
   */
  attempts: number;
  /** the sender's own log lines, every attempt's */
  log?: string[];
  /** the DNS queries the sender made for this message, in order (scenarios with the lab DNS) */
  dns?: DnsQuery[];
  /** wall-clock ms the delivery took (from handing the message to the sender to the assembled session) */
  durationMs?: number;
  /** scenario time (ms) the last attempt started */
  t?: number;
  /** scenario time (ms) the message was accepted by the receiver's side (`delivered-after:`) */
  deliveredAt?: number;
  /** every attempt, first to last, when there was more than one */
  history?: AttemptRecord[];
}

/** The bytes of one TCP connection of a hop, and the hop it belongs to (an index into `hops`). */
export interface WireCapture extends WireConnection {
  hop: number;
}

/** The bytes of one TCP connection as they crossed the wire, TLS records included. */
export interface WireConnection {
  /** the connecting side and the listening side */
  client: WireEndpoint;
  server: WireEndpoint;
  /** when the connection was seen open (ms since run start) */
  t: number;
  segments: WireSegment[];
  /** how it ended: both sides closed, or one side (`by`) reset it */
  end?: { t: number; how: 'close' | 'reset'; by?: 'client' | 'server' };
}

export interface WireEndpoint {
  ip: string;
  port: number;
}

/** Bytes one side sent at one time. */
export interface WireSegment {
  t: number;
  dir: 'c2s' | 's2c';
  /** base64 of the bytes kept */
  data: string;
  /** the segment's full length, when more than what `data` keeps (capture limit reached) */
  len?: number;
}

/** One delivery attempt of a message: what the session's fields hold for the last one. */
export interface AttemptRecord extends AttemptView {
  /** 1-based */
  attempt: number;
  /** scenario time (ms) the attempt started */
  t: number;
  /** scenario time (ms) it ended */
  end: number;
}

/** A timeline step as it was applied to a cell. */
export interface TimelineRecord {
  /** scenario time (ms) it was due */
  at: number;
  /** scenario time (ms) it was applied (`at`, or later when a session was still running) */
  t: number;
  node: string;
  /** what changed, e.g. `config-append "policy-map global_policy …"`, `state stopped` */
  change: string;
  /** the step could not be applied (e.g. a device the emulator rejects) */
  error?: string;
}

export interface ExpectationResult {
  /** the expectation as written, for display */
  spec: Record<string, unknown>;
  /** 1-based line in the scenario file */
  line?: number;
  message: string;
  /** one entry per checked field */
  checks: CheckResult[];
  ok: boolean;
}

export interface CheckResult {
  /** e.g. `ehlo.includes`, `outcome` */
  name: string;
  ok: boolean;
  expected: unknown;
  actual: unknown;
  /** something the check did, e.g. `wrote golden/inside.txt (new)` under mxlab run --update */
  note?: string;
}

export interface CellResult {
  /** position among the scenario's runs in matrix order, the same in every shard (mxlab merge orders by it) */
  index?: number;
  /** matrix values for this cell, {} without matrix */
  cell: Record<string, string>;
  /** e.g. `fw.device=pix 7.2(2)` or `` */
  label: string;
  ok: boolean;
  /** harness error for this cell (exit 3), if any */
  error?: { code: string; message: string };
  sessions: SessionResult[];
  expectations: ExpectationResult[];
  durationMs: number;
  /** wall-clock ms spent starting and stopping the cell's nodes */
  timing?: { startMs: number; stopMs: number };
  /** the scenario this cell ran: matrix values (after --matrix overrides) applied, no matrix, only its expectations, no `when` */
  scenario?: Scenario;
  /** what ran as each node: software, version (read from the running image for real MTAs), image tag */
  nodes?: Record<string, NodeVersion>;
  /** the timeline steps, at the scenario times they were applied */
  timeline?: TimelineRecord[];
  /** scenario time (ms) the cell's schedule ended: the last attempt or step (a timeline of hours on a run of seconds) */
  scenarioMs?: number;
}

/** What ran as one node of a cell. */
export interface NodeVersion {
  role: 'sender' | 'receiver' | 'firewall';
  /** e.g. `mxlab builtin sender`, `asyncos persona`, `pix 7.2(2) (emulated)`, `postfix` */
  software: string;
  /** e.g. `mxlab 0.1.0`, `mail_version = 3.7.11` */
  version: string;
  /** the container image, e.g. `mxlab/postfix:3f2a…` (docker runtime) */
  image?: string;
  /** the engine's id of that image (`sha256:…`): the exact bytes that ran */
  imageId?: string;
}

export interface ScenarioResult {
  file: string;
  name: string;
  runtime: 'local' | 'docker';
  ok: boolean;
  cells: CellResult[];
}

export interface RunResult {
  mxlab: string;
  /** the command line that made this result, e.g. ['mxlab', 'run', 'scenarios/', '--matrix', 'fw.device=asa 9.12(4)'] */
  command?: string[];
  /** `--shard I/N`: this result holds every N-th run from I */
  shard?: { index: number; total: number };
  startedAt: string;
  durationMs: number;
  ok: boolean;
  summary: { scenarios: number; cells: number; expectations: number; failed: number; errors: number };
  scenarios: ScenarioResult[];
  /** the user interrupted the run: by which signal, and how many planned runs never started */
  interrupted?: { signal: string; notRun: number };
}
