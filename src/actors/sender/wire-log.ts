import { format } from 'node:util';
import type { Clock } from '../../model/clock.js';
import type { ClientView } from '../../model/result.js';
import { TranscriptRecorder } from '../../smtp/transcript.js';

/** A complete reply and the command it answers (`<greeting>`, `EHLO`, `MAIL FROM`, `<end-of-data>` …). */
export interface ReplyEvent {
  command: string;
  lines: string[];
  tls: boolean;
}

type LogEntry = { tnx?: string; localPort?: number } & Record<string, unknown>;

/**
 * Nodemailer's transaction log (`logger` + `transactionLog`) turned into the sender's view of
 * its hop: every C:/S: line into a TranscriptRecorder, each reply matched to the command it
 * answers (commands go out in order, pipelined or not), and the banner, EHLO and STARTTLS
 * replies into a ClientView. Nodemailer logs a reply before acting on it, so `onReply` can
 * steer the connection (see attempt.ts).
 */
export class WireLog {
  readonly recorder: TranscriptRecorder;
  readonly view: ClientView = { banner: [], ehlo: [] };
  helo?: { ehloReply: string[]; heloReply: string[] };
  localPort?: number;
  /** the command answered by the latest reply */
  lastAnswered?: string;
  onReply: (event: ReplyEvent) => void = () => {};
  onUpgraded: () => void = () => {};
  private readonly awaiting: string[] = ['<greeting>'];

  constructor(
    clock: Clock,
    private readonly isSecure: () => boolean,
  ) {
    this.recorder = new TranscriptRecorder(clock);
  }

  /** the command whose reply is awaited, if any */
  get pending(): string | undefined {
    return this.awaiting[0];
  }

  /** bunyan-style logger for nodemailer's `logger` option */
  readonly logger = {
    trace: (e: LogEntry, m: string, ...a: unknown[]) => this.entry(e, m, a),
    debug: (e: LogEntry, m: string, ...a: unknown[]) => this.entry(e, m, a),
    info: (e: LogEntry, m: string, ...a: unknown[]) => this.entry(e, m, a),
    warn: (e: LogEntry, m: string, ...a: unknown[]) => this.entry(e, m, a),
    error: (e: LogEntry, m: string, ...a: unknown[]) => this.entry(e, m, a),
    fatal: (e: LogEntry, m: string, ...a: unknown[]) => this.entry(e, m, a),
  };

  /** message bytes as they are handed to the connection (inside DATA) */
  body(chunk: Buffer | string): void {
    this.recorder.push('c2s', chunk, this.isSecure());
  }

  /** the end-of-data dot was sent: the next reply answers it */
  endOfData(): void {
    this.recorder.push('c2s', '.\r\n', this.isSecure());
    this.awaiting.push('<end-of-data>');
  }

  note(text: string): void {
    this.recorder.note('c2s', text, this.isSecure());
  }

  private entry(e: LogEntry, message: string, args: unknown[]): void {
    const text = typeof message === 'string' ? message : String(message);
    if (e?.tnx === 'client') return this.command(text);
    if (e?.tnx === 'server') return this.reply(text);
    if (e?.tnx === 'network' && typeof e.localPort === 'number') this.localPort = e.localPort;
    if (e?.tnx === 'smtp' && /^Connection upgraded with STARTTLS/.test(format(text, ...args))) this.onUpgraded();
  }

  private command(line: string): void {
    this.recorder.push('c2s', `${line}\r\n`, this.isSecure());
    this.awaiting.push(verb(line));
  }

  private reply(text: string): void {
    const tls = this.isSecure();
    const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
    for (const line of lines) this.recorder.push('s2c', `${line}\r\n`, tls);
    const command = this.awaiting.shift() ?? '<unsolicited>';
    this.lastAnswered = command;
    if (command === '<greeting>') this.view.banner = lines;
    else if (command === 'EHLO' && tls) this.view.ehloAfterTls = lines;
    else if (command === 'EHLO') this.view.ehlo = lines;
    else if (command === 'HELO' && !tls) {
      this.helo = { ehloReply: this.view.ehlo, heloReply: lines };
      this.view.ehlo = lines;
    } else if (command === 'STARTTLS') this.view.starttls = lines.join('\n');
    this.onReply({ command, lines, tls });
  }
}

/** `MAIL FROM:<a@b>` → `MAIL FROM`, `ehlo x` → `EHLO` */
export function verb(line: string): string {
  const m = /^(MAIL FROM|RCPT TO)\b/i.exec(line) ?? /^\S*/.exec(line);
  return (m?.[0] ?? '').toUpperCase();
}
