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

/** The standard headers of a generated message, then the extra ones of the spec. */
export function buildHeaders(spec: MessageSpec, hostname: string, date: Date): Header[] {
  const headers: Header[] = [
    { name: 'Date', value: date.toUTCString().replace('GMT', '+0000') },
    { name: 'Message-ID', value: `<${spec.id}@${hostname}>` },
    { name: 'From', value: `<${spec.from}>` },
    { name: 'To', value: `<${spec.to}>` },
    { name: 'Subject', value: spec.subject ?? `mxlab test message ${spec.id}` },
    { name: 'MIME-Version', value: '1.0' },
    { name: 'Content-Type', value: 'text/plain; charset=us-ascii' },
    { name: 'Content-Transfer-Encoding', value: '7bit' },
  ];
  for (const [name, value] of Object.entries(spec.headers ?? {})) {
    headers.push({ name: name.replace(/[^\x21-\x39\x3b-\x7e]/g, ''), value: safeValue(value) });
  }
  return headers;
}

/** CRLF only where it folds (followed by WSP); any other line break becomes a space. */
function safeValue(value: string): string {
  return value.replace(/\r?\n(?![ \t])/g, ' ').replace(/\r?\n/g, '\r\n');
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

/**
 * The whole message as a stream: header block, then the generated body. `onChunk` sees each
 * chunk as the consumer pulls it (so a transcript records it when it is sent, not earlier),
 * `onEnd` fires once the last chunk has been pulled.
 */
export function messageStream(
  headers: Header[],
  id: string,
  size?: number,
  hooks: { onChunk?: (chunk: Buffer) => void; onEnd?: () => void } = {},
): Readable {
  const parts = (function* () {
    yield headerBlock(headers);
    yield* bodyChunks(id, size);
  })();
  return new Readable({
    read() {
      const next = parts.next();
      if (next.done) {
        hooks.onEnd?.();
        this.push(null);
        return;
      }
      const chunk = Buffer.from(next.value, 'latin1');
      hooks.onChunk?.(chunk);
      this.push(chunk);
    },
  });
}

/** Approximate total size (headers + body) for SIZE= in MAIL FROM. */
export function approximateSize(headers: Header[], size = DEFAULT_BODY_SIZE): number {
  const lineBytes = LINE_CHARS + 2;
  return Buffer.byteLength(headerBlock(headers)) + Math.max(1, Math.round(size / lineBytes)) * lineBytes;
}
