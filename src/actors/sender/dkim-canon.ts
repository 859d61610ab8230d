import { createHash, type Hash } from 'node:crypto';

/** RFC 6376 §3.4.2 relaxed header canonicalization of one header field, with CRLF. */
export function relaxedHeader(name: string, value: string): string {
  const v = value
    .replace(/\r\n(?=[ \t])/g, '')
    .replace(/[ \t]+/g, ' ')
    .replace(/^ | $/g, '');
  return `${name.toLowerCase().trim()}:${v}\r\n`;
}

/**
 * RFC 6376 §3.4.4 relaxed body canonicalization, hashed as the bytes stream past: memory is
 * one partial line plus a count of pending empty lines, whatever the body size.
 */
export class RelaxedBodyHash {
  private readonly hash: Hash;
  private partial = '';
  private emptyLines = 0;

  constructor(algorithm = 'sha256') {
    this.hash = createHash(algorithm);
  }

  update(chunk: string): void {
    const text = this.partial + chunk;
    let from = 0;
    let nl: number;
    while ((nl = text.indexOf('\n', from)) >= 0) {
      this.line(text.slice(from, nl).replace(/\r$/, ''));
      from = nl + 1;
    }
    this.partial = text.slice(from);
  }

  /** base64 body hash (the `bh=` value). */
  digest(): string {
    if (this.partial) this.line(this.partial);
    this.partial = '';
    return this.hash.digest('base64');
  }

  private line(raw: string): void {
    const line = raw.replace(/[ \t]+/g, ' ').replace(/ $/, '');
    if (line === '') {
      this.emptyLines++;
      return;
    }
    if (this.emptyLines) this.hash.update('\r\n'.repeat(this.emptyLines));
    this.emptyLines = 0;
    this.hash.update(line + '\r\n', 'latin1');
  }
}
