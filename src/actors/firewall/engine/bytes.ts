import type { Piece, RuleContext } from './types.js';

const CR = 0x0d;
const LF = 0x0a;

/** A copy-on-write view of a segment's bytes for rules that substitute in place. */
export class Rewriter {
  private copy: Buffer | undefined;
  constructor(private readonly original: Buffer) {}
  get changed(): boolean {
    return this.copy !== undefined;
  }
  get data(): Buffer {
    return this.copy ?? this.original;
  }
  set(i: number, byte: number): void {
    if (this.data[i] === byte) return;
    this.copy ??= Buffer.from(this.original);
    this.copy[i] = byte;
  }
  /** Replace every byte in [start, end) except CR and LF with `ch`. */
  fill(start: number, end: number, ch: string): void {
    const b = ch.charCodeAt(0);
    for (let i = start; i < end; i++) if (this.data[i] !== CR && this.data[i] !== LF) this.set(i, b);
  }
}

/** End of the piece's content (before CR/LF). */
export function contentEnd(data: Buffer, p: Piece): number {
  let e = p.end;
  if (e > p.start && data[e - 1] === LF) e--;
  if (e > p.start && data[e - 1] === CR) e--;
  return e;
}

/** The piece ends its line with CRLF inside this segment. */
export function endsWithCrlf(data: Buffer, p: Piece): boolean {
  return p.complete && p.end - p.start >= 2 && data[p.end - 1] === LF && data[p.end - 2] === CR;
}

export function pieceText(data: Buffer, p: Piece): string {
  return data.toString('latin1', p.start, contentEnd(data, p));
}

/** Printable form of a line for log lines: control bytes escaped, long lines cut. */
export function printable(s: string, max = 120): string {
  const t = s.replace(/[\x00-\x1f\x7f-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

/** `from outside:IP/port to inside:IP/port`, the way ASA log lines name a connection. */
export function connText(ctx: RuleContext): string {
  const c = ctx.conn;
  return `from ${c.outsideName ?? 'outside'}:${c.clientAddress}/${c.clientPort} to ${c.insideName ?? 'inside'}:${c.serverAddress}/${c.serverPort}`;
}

/**
 * A clearly generic log line (not a real device message ID): used wherever the spec does not
 * confirm the device's own message.
 */
export function genericLog(ctx: RuleContext, rule: string, text: string): string {
  return `mxlab-fw ${ctx.conn.node} conn ${ctx.conn.id}: ${rule}: ${text}; ${connText(ctx)}`;
}

/** The address of a `MAIL FROM:`/`RCPT TO:` line head: inside `<…>`, else the first word after the colon. */
export function mailAddress(head: string): string {
  const lt = head.indexOf('<');
  if (lt >= 0) {
    const gt = head.indexOf('>', lt);
    return head.slice(lt + 1, gt >= 0 ? gt : undefined);
  }
  const colon = head.indexOf(':');
  return colon < 0 ? '' : (head.slice(colon + 1).trim().split(/\s/, 1)[0] ?? '');
}
