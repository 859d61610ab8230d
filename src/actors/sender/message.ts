import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { MessageSpec } from './types.js';

/** Body size when the message gives none. */
export const DEFAULT_BODY_SIZE = 200;
/** Bytes generated per read: the body is never held whole in memory. */
const CHUNK_BYTES = 64 * 1024;
/** Longest body line, CRLF excluded (RFC 2045 limit for encoded lines). */
const LINE_CHARS = 76;
const FILLER = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** One header: name and value as sent (value may carry CRLF + WSP folding). */
export interface Header {
  name: string;
  value: string;
}

/**
 * The standard headers of a generated message, then the extra ones of the spec. An extra header with the
 * name of a standard one (any case: `Subject`, `Content-Type`, …) sets that header in its place instead
 * of adding a second: a message with two Subject fields is one RFC 5322 §3.6 forbids, and one the PIX
 * duplicate-header defect would cut off.
 */
export function buildHeaders(spec: MessageSpec, hostname: string, date: Date): Header[] {
  const headers: Header[] = [
    { name: 'Date', value: date.toUTCString().replace('GMT', '+0000') },
    { name: 'Message-ID', value: `<${spec.id}@${hostname}>` },
    { name: 'From', value: `<${spec.headerFrom ?? spec.from}>` },
    { name: 'To', value: foldList('To', (spec.rcpt ?? [spec.to]).map((a) => `<${a}>`)) },
    { name: 'Subject', value: spec.subject ?? `mxlab test message ${spec.id}` },
    { name: 'MIME-Version', value: '1.0' },
    { name: 'Content-Type', value: 'text/plain; charset=us-ascii' },
    { name: 'Content-Transfer-Encoding', value: '7bit' },
  ];
  for (const [given, value] of Object.entries(spec.headers ?? {})) {
    const name = given.replace(/[^\x21-\x39\x3b-\x7e]/g, '');
    const standard = headers.find((h) => h.name.toLowerCase() === name.toLowerCase());
    if (standard) standard.value = safeValue(value);
    else headers.push({ name, value: safeValue(value) });
  }
  return headers;
}

/**
 * A list header's items joined with `, `, folded before an item that would take the line past 78
 * characters (RFC 5322 §2.1.1), as MUAs do: many recipients never make a header line over 998,
 * which an inspecting firewall would refuse (ASA: match header line length gt 998).
 */
function foldList(name: string, items: string[]): string {
  let out = '';
  let col = name.length + 2;
  items.forEach((item, i) => {
    if (i > 0) {
      out += ',';
      col += 1;
      if (col + 1 + item.length > 78) {
        out += '\r\n';
        col = 0;
      }
      out += ' ';
      col += 1;
    }
    out += item;
    col += item.length;
  });
  return out;
}

/** CRLF only where it folds (followed by WSP); any other line break, and a bare CR, becomes a space. */
export function safeValue(value: string): string {
  return value.replace(/\r?\n(?![ \t])/g, ' ').replace(/\r(?!\n)/g, ' ').replace(/\r?\n/g, '\r\n');
}

export function headerBlock(headers: Header[]): string {
  return headers.map((h) => `${h.name}: ${h.value}\r\n`).join('') + '\r\n';
}

/**
 * The body: `size` bytes (rounded to whole lines, at least one) of ≤ 76-char ASCII lines with
 * CRLF, none starting with a dot, no trailing or repeated whitespace (so simple and relaxed
 * DKIM canonicalization agree). Yields chunks of about 64 KiB, generated on demand.
 */
export function* bodyChunks(id: string, size = DEFAULT_BODY_SIZE): Generator<string> {
  const lineBytes = LINE_CHARS + 2;
  const lines = Math.max(1, Math.round(size / lineBytes));
  const perChunk = Math.floor(CHUNK_BYTES / lineBytes);
  const tag = `mxlab ${id.replace(/\s+/g, '-')} line`.slice(0, 40);
  for (let start = 0; start < lines; start += perChunk) {
    const end = Math.min(lines, start + perChunk);
    const out: string[] = [];
    for (let n = start; n < end; n++) out.push(bodyLine(tag, n));
    yield out.join('');
  }
}

function bodyLine(tag: string, n: number): string {
  const head = `${tag} ${String(n + 1).padStart(7, '0')} `;
  const shift = n % FILLER.length;
  const filler = (FILLER.slice(shift) + FILLER + FILLER).slice(0, LINE_CHARS - head.length);
  return `${head}${filler}\r\n`;
}

/** What a message is made of: generated headers and body, or the bytes of an `eml:` file (see eml.ts). */
export type Content = { kind: 'generated'; headers: Header[]; id: string; size?: number } | { kind: 'eml'; bytes: Buffer };

/** The octets and SHA-256 (hex) of a message as handed to SMTP (CRLF line ends, before dot-stuffing). */
export interface Sent {
  size: number;
  sha256: string;
}

function* parts(c: Content): Generator<Buffer> {
  if (c.kind === 'eml') {
    for (let at = 0; at < c.bytes.length; at += CHUNK_BYTES) yield c.bytes.subarray(at, at + CHUNK_BYTES);
    return;
  }
  // header values a scenario writes with non-ASCII characters go out as UTF-8 (RFC 6532), on both runtimes
  yield Buffer.from(headerBlock(c.headers), 'utf8');
  for (const chunk of bodyChunks(c.id, c.size)) yield Buffer.from(chunk, 'latin1');
}

/**
 * The whole message as a stream, generated (or sliced from the file) as the consumer pulls it.
 * `onChunk` sees each chunk when it is pulled (so a transcript records it when it is sent, not
 * earlier), `onEnd` fires once the last chunk has been pulled. `sent()` gives the message's size
 * and SHA-256, hashed on the way (the rest is generated for it when the send was cut short).
 */
export function messageStream(c: Content, hooks: { onChunk?: (chunk: Buffer) => void; onEnd?: () => void } = {}): { stream: Readable; sent(): Sent } {
  const it = parts(c);
  const hash = createHash('sha256');
  let size = 0;
  let done: Sent | undefined;
  const take = (chunk: Buffer) => {
    hash.update(chunk);
    size += chunk.length;
  };
  const stream = new Readable({
    read() {
      const next = it.next();
      if (next.done) {
        done ??= { size, sha256: hash.digest('hex') };
        hooks.onEnd?.();
        this.push(null);
        return;
      }
      take(next.value);
      hooks.onChunk?.(next.value);
      this.push(next.value);
    },
  });
  const sent = (): Sent => {
    if (!done) {
      for (let next = it.next(); !next.done; next = it.next()) take(next.value);
      done = { size, sha256: hash.digest('hex') };
    }
    return done;
  };
  return { stream, sent };
}

/** The SIZE= a message announces: the eml's octets, or the generated message's (approximately). */
export function announcedSize(c: Content): number {
  return c.kind === 'eml' ? c.bytes.length : approximateSize(c.headers, c.size);
}

/** Approximate total size (headers + body) for SIZE= in MAIL FROM. */
export function approximateSize(headers: Header[], size = DEFAULT_BODY_SIZE): number {
  const lineBytes = LINE_CHARS + 2;
  return Buffer.byteLength(headerBlock(headers)) + Math.max(1, Math.round(size / lineBytes)) * lineBytes;
}
