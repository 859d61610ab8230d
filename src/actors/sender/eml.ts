import { readInputBytes } from '../../scenario/input-file.js';
import { safeValue } from './message.js';

import { MAX_EML_BYTES } from '../../scenario/message-files.js';

export { MAX_EML_BYTES };

const CR = 0x0d;
const LF = 0x0a;

/**
 * The line ends SMTP requires (RFC 5321 §2.3.8: CR and LF only as CRLF), and nothing else: a bare LF
 * and a bare CR each become CRLF, and a message that does not end with CRLF gets one (the end-of-data
 * mark needs it). Headers, MIME, 8-bit bytes and dots stay as they are (dots are doubled on the wire
 * by the SMTP layer, and undone by the receiver). A file that already has CRLF line ends throughout
 * and ends with CRLF is returned unchanged — the receiver then gets it byte for byte.
 */
export function crlf(buf: Buffer): Buffer {
  let bare = 0;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if ((b === LF && buf[i - 1] !== CR) || (b === CR && buf[i + 1] !== LF)) bare++;
  }
  const ends = buf.length >= 2 && buf[buf.length - 2] === CR && buf[buf.length - 1] === LF;
  if (bare === 0 && ends) return buf;
  const out = Buffer.allocUnsafe(buf.length + bare + 2);
  let o = 0;
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i];
    if (b === LF && buf[i - 1] !== CR) out[o++] = CR;
    out[o++] = b;
    if (b === CR && buf[i + 1] !== LF) out[o++] = LF;
  }
  if (o < 2 || out[o - 2] !== CR || out[o - 1] !== LF) {
    out[o++] = CR;
    out[o++] = LF;
  }
  return out.subarray(0, o);
}

/** Any byte above 0x7F (the message needs 8BITMIME, announced with BODY=8BITMIME when the server offers it). */
export function has8bit(buf: Buffer): boolean {
  for (let i = 0; i < buf.length; i++) if (buf[i] > 0x7f) return true;
  return false;
}

/**
 * The message of an `eml:` file as the builtin sender hands it to SMTP: the file's bytes with CRLF
 * line ends (see `crlf`), and the scenario's extra `headers:` (if any) put on top, each `Name: value`.
 */
export async function emlMessage(path: string, extra?: Record<string, string>): Promise<Buffer> {
  const file = crlf(await readInputBytes(path, 'message file (.eml)', MAX_EML_BYTES));
  const top = Object.entries(extra ?? {}).map(([name, value]) => `${name}: ${safeValue(value)}\r\n`).join('');
  return top ? Buffer.concat([Buffer.from(top, 'utf8'), file]) : file;
}
