import { PassThrough } from 'node:stream';
import { endTransaction, parserOf, sessionOf, type Parser, type SMTPConnection } from './smtp-internals.js';
import type { ReplyKind } from './persona.js';
import { sinkMessage, type ReceivedMessage } from './message-sink.js';

/** One BDAT transaction (RFC 3030): the chunks so far stream into a sink, never kept. */
interface Transfer {
  stream: PassThrough;
  result: Promise<ReceivedMessage>;
  bytes: number;
}

export interface BdatHooks {
  /** answer with a persona reply kind (`bytes` = the chunk's or message's size) */
  reply(kind: ReplyKind, bytes: number): void;
  /** the whole message arrived within the size limit */
  accepted(m: ReceivedMessage): void;
  /** the message arrived in full (accepted or not) */
  received?(m: ReceivedMessage): void;
  size: number;
}

const SYNTAX = /^BDAT +(\d{1,12})( +LAST)? *$/i;

/**
 * CHUNKING for personas that advertise it. The command handler switches smtp-server's parser
 * into data mode with a feed that consumes exactly the announced octets, then hands the rest of
 * the input back to command parsing (smtp-internals.ts owns the parser's members).
 */
export class BdatReceiver {
  private transfer: Transfer | undefined;
  private patched = new WeakSet<Parser>();
  private chunk: { remaining: number; last: boolean; reject: ReplyKind | undefined; size: number } | undefined;

  constructor(
    private readonly conn: SMTPConnection,
    private readonly hooks: BdatHooks,
  ) {}

  /** Handles one `BDAT n [LAST]` line; `next` resumes the parser. Returns false on a syntax error. */
  command(line: string, next: () => void): boolean {
    const m = SYNTAX.exec(line);
    const parser = parserOf(this.conn);
    if (!m || !parser) return false;
    const env = sessionOf(this.conn).envelope;
    const reject: ReplyKind | undefined = !env.mailFrom ? 'needMail' : env.rcptTo.length === 0 ? 'needRcpt' : undefined;
    this.chunk = { remaining: Number(m[1]), last: !!m[2], reject, size: Number(m[1]) };
    if (!reject && !this.transfer) {
      const stream = new PassThrough();
      this.transfer = { stream, result: sinkMessage(stream, this.hooks.size), bytes: 0 };
    }
    this.patch(parser);
    if (this.chunk.remaining === 0) {
      this.complete(next);
      return true;
    }
    parser.setDataMode(true); // the parser hands everything after this line to the feed below
    next();
    return true;
  }

  private patch(parser: Parser): void {
    if (this.patched.has(parser)) return;
    this.patched.add(parser);
    parser.interceptFeed((buf, done, feed) => {
      const c = this.chunk;
      if (!c) return feed(buf, done);
      const take = Math.min(c.remaining, buf.length);
      c.remaining -= take;
      if (!c.reject && this.transfer) {
        this.transfer.bytes += take;
        this.transfer.stream.write(buf.subarray(0, take));
      }
      if (c.remaining > 0) return done();
      parser.setDataMode(false);
      const rest = buf.subarray(take);
      this.complete(() => (rest.length ? parser.write(rest, done) : done()));
    });
  }

  private complete(resume: () => void): void {
    const c = this.chunk!;
    this.chunk = undefined;
    if (c.reject) {
      this.hooks.reply(c.reject, c.size);
      return resume();
    }
    const t = this.transfer!;
    if (!c.last) {
      this.hooks.reply('chunkOk', c.size);
      return resume();
    }
    this.transfer = undefined;
    t.stream.end();
    void t.result.then((m) => {
      this.hooks.received?.(m);
      if (m.oversized) this.hooks.reply('sizeExceeded', m.bytes);
      else {
        this.hooks.accepted(m);
        this.hooks.reply('accepted', m.bytes);
      }
      endTransaction(this.conn);
      resume();
    });
  }

  /** The connection went away: let the sink finish. */
  abort(): void {
    this.transfer?.stream.destroy();
    this.transfer = undefined;
    this.chunk = undefined;
  }
}
