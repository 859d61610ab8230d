import type { Clock } from '../../../model/clock.js';
import type { FirewallAction } from '../../../model/result.js';
import type { BodyView } from './body-view.js';
import type { SmtpState } from './smtp-state.js';
import type { RuleName } from '../rules/names.js';

export type Direction = 'client' | 'server';

/**
 * One slice of a segment as the engine parsed it, in the state the connection had when the
 * segment arrived. Offsets index `Segment.data`. Rewrites keep lengths, so offsets stay valid.
 */
export interface Piece {
  kind: 'command' | 'data' | 'eod' | 'reply' | 'opaque';
  /** [start, end) in the segment; `end` includes the LF when `complete` */
  start: number;
  end: number;
  /** the line ends (LF) inside this segment */
  complete: boolean;
  /** the line began in an earlier segment */
  continued: boolean;
  /** offset of `start` within the whole line */
  linePos: number;
  /** first characters of the whole line so far (latin1, CR/LF stripped, at most HEAD_MAX) */
  head: string;
  /** bytes of the line so far including this piece (CR/LF excluded) */
  lineLen: number;
  /** command: upper-cased first word of the line (from `head`) */
  verb?: string;
  /** data: the line belongs to the header section */
  header?: boolean;
  /**
   * data: the message's header section declared a multipart or message type (or a Content-Type
   * whose value it could not read on that line), so MIME part headers may follow in the body.
   * Without it the body holds no MIME header, and rules about MIME headers pass body lines by.
   */
  mime?: boolean;
  /** data: RCPTs accepted into this transaction so far (command pieces: including this line) */
  rcptCount?: number;
  /** reply: the command it answers (`BANNER`, `EHLO`, `DATA`, `EOD`, …) */
  replyTo?: string;
  /** reply: 0-based line number within the reply */
  lineIndex?: number;
  /** reply: the three-digit code, when the head has one */
  code?: string;
  /** reply: this line is the last of its reply (`NNN ` or bare `NNN`) */
  final?: boolean;
}

export interface Segment {
  readonly direction: Direction;
  /** the bytes as they stand after the rules before this one */
  readonly data: Buffer;
  readonly pieces: readonly Piece[];
  /**
   * Set when the segment holds only message body lines (DATA after the header section, no end
   * of data). Reading `pieces` then builds one object per line (on first read): rules that look
   * at body lines should search `body` instead, see `Rule.bodySegments`.
   */
  readonly body?: BodyView;
}

export interface ConnInfo {
  /** 1-based connection number within this firewall */
  id: number;
  node: string;
  clientAddress: string;
  clientPort: number;
  serverAddress: string;
  serverPort: number;
  /** `%ASA`, `%PIX` or a generic prefix for log lines */
  syslogPrefix: string;
  /** the interface names of the two sides (the config's nameif; default `outside` / `inside`) */
  outsideName?: string;
  insideName?: string;
}

export interface RuleContext {
  readonly conn: ConnInfo;
  /** SMTP state of the connection before this segment */
  readonly smtp: Readonly<SmtpState>;
  /** the run's clock (ms): rules that count time (`rate-limit`) read it, never the wall clock */
  readonly clock: Clock;
}

/** A verdict from the closed set; `log` is the device's syslog line for the event it causes. */
export type Verdict = (
  | { kind: 'pass' }
  /** `restate`: the connection's SMTP state follows the rewritten server bytes, not the original ones */
  | { kind: 'rewrite'; data: Buffer; restate?: boolean }
  /** answer to the origin, do not forward */
  | { kind: 'reply'; data: Buffer }
  | { kind: 'drop-connection' }
  | { kind: 'reset' }
  | { kind: 'delay'; ms: number }
) & { log?: string };

export interface Rule<S = unknown> {
  /** equals the file name, e.g. `mask-ehlo-parameter` */
  readonly name: RuleName;
  init?(conn: ConnInfo): S;
  /** bytes from the connecting side */
  onClientSegment?(seg: Segment, st: S, ctx: RuleContext): Verdict;
  /**
   * What the client hook needs of segments with `seg.body` set (message body only — most bytes
   * of a large message): `skip` — nothing, the engine does not call it for them (rules about
   * commands, headers, end of data); `view` — it reads `seg.body`, not `seg.pieces`. Absent: it is
   * called and may read `seg.pieces` (correct, but one object per body line).
   */
  readonly bodySegments?: 'skip' | 'view';
  /** bytes from upstream */
  onServerSegment?(seg: Segment, st: S, ctx: RuleContext): Verdict;
  /**
   * Bytes of either side once STARTTLS was answered 220 (the engine inspects nothing there: one opaque
   * piece). Only rules below the SMTP layer have one: the L4 faults and `break-tls`. A `reply` verdict
   * counts as `pass`; a `rewrite` may only shorten (blackhole).
   */
  onTlsSegment?(seg: Segment, st: S, ctx: RuleContext): Verdict;
}

export const PASS: Verdict = Object.freeze({ kind: 'pass' }) as Verdict;

export function actionOf(v: Verdict): FirewallAction {
  return v.kind === 'pass' ? 'log' : v.kind;
}
