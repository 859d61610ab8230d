import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

/** Header lines kept per message; the rest of the message is only counted. */
export const MAX_HEADER_LINES = 200;
export const MAX_HEADER_BYTES = 64 * 1024;

export interface ReceivedMessage {
  /** octets of the message as received (dot-stuffing removed, the end-of-data mark not counted) */
  bytes: number;
  /** SHA-256 (hex) of those octets: what the receiver got, before any trace header of its own */
  sha256: string;
  /** header lines as received (continuation lines separate), up to the caps */
  headers: string[];
  /** more than the size limit arrived */
  oversized: boolean;
  /** the end-of-data mark arrived (false when the connection went away mid-message) */
  complete: boolean;
}

/**
 * Reads a DATA stream without keeping it: counts and hashes its bytes (SHA-256) and collects header
 * lines up to MAX_HEADER_LINES / MAX_HEADER_BYTES. Resolves at the end of the stream.
 */
export function sinkMessage(stream: Readable & { sizeExceeded?: boolean }, limit: number): Promise<ReceivedMessage> {
  return new Promise((resolve) => {
    const headers: string[] = [];
    let headerBytes = 0;
    let inHeaders = true;
    let partial = '';
    let bytes = 0;
    const hash = createHash('sha256');
    let digest: string | undefined;
    const take = (line: string) => {
      if (line === '' || headers.length >= MAX_HEADER_LINES || headerBytes + line.length > MAX_HEADER_BYTES) {
        inHeaders = false;
        return;
      }
      headers.push(readable(line));
      headerBytes += line.length;
    };
    stream.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      hash.update(chunk);
      if (!inHeaders) return;
      let text = partial + chunk.toString('latin1');
      let nl: number;
      while (inHeaders && (nl = text.indexOf('\n')) >= 0) {
        take(text.slice(0, nl).replace(/\r$/, ''));
        text = text.slice(nl + 1);
      }
      partial = inHeaders ? text.slice(0, MAX_HEADER_BYTES) : '';
    });
    const done = (complete: boolean) => () =>
      resolve({ bytes, sha256: (digest ??= hash.digest('hex')), headers, complete, oversized: stream.sizeExceeded === true || (limit > 0 && bytes > limit) });
    stream.once('end', done(true));
    stream.once('close', done(false));
    stream.once('error', done(false));
  });
}

/** A header line's bytes (held as latin1) shown as UTF-8 when they are UTF-8 (RFC 6532 headers), else as they are. */
function readable(line: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[\x80-\xff]/.test(line)) return line;
  const utf8 = Buffer.from(line, 'latin1').toString('utf8');
  return utf8.includes('\ufffd') ? line : utf8;
}
