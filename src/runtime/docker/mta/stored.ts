import { createHash } from 'node:crypto';
import type { ServerView } from '../../../model/result.js';

/** Header lines kept per stored message (as the persona receivers keep). */
const MAX_HEADER_LINES = 200;

export interface StoredMessage {
  /** its X-Mxlab-Message header */
  id?: string;
  /** its Message-ID (without brackets): an .eml the builtin sender sent as it is carries no X-Mxlab-Message */
  messageId?: string;
  /** the receiver's own Received: field (unfolded), removed from the message */
  received: string;
  view: ServerView;
}

/**
 * A message as a real receiver stored it, read back: the trace fields the MTA put on top
 * (`trace`, e.g. Return-Path, Delivered-To, its Received:) are removed, and what is left is the
 * message as received in DATA — its size and SHA-256 over CRLF line ends, as on the wire after
 * dot-unstuffing (the MTA stored it with LF), and its header lines.
 */
export function readStored(file: Buffer, trace: readonly string[]): StoredMessage {
  const text = file.toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const headerText = end < 0 ? text : text.slice(0, end);
  const lines = headerText.split(/\r?\n/);
  // fields: a line and its continuation lines
  const fields: { name: string; lines: string[]; start: number }[] = [];
  let offset = 0;
  for (const l of lines) {
    if (/^[ \t]/.test(l) && fields.length) fields[fields.length - 1].lines.push(l);
    else fields.push({ name: (/^([^:\s]+):/.exec(l)?.[1] ?? '').toLowerCase(), lines: [l], start: offset });
    offset += Buffer.byteLength(l, 'latin1') + (text[offset + l.length] === '\r' ? 2 : 1);
  }
  let top = 0;
  let received = '';
  for (const name of trace) {
    if (fields[top]?.name !== name) continue;
    if (name === 'received') received = fields[top].lines.join(' ').replace(/\s+/g, ' ');
    top++;
  }
  const body = file.subarray(fields[top]?.start ?? 0);
  const crlf = toCrlf(body);
  const kept = fields.slice(top).flatMap((f) => f.lines).filter((l) => l !== '');
  const id = kept.map((l) => /^x-mxlab-message:\s*(\S+)\s*$/i.exec(l)?.[1]).find(Boolean);
  const messageId = kept.map((l) => /^message-id:[ \t]*<([^>\r\n]+)>/i.exec(l)?.[1]).find(Boolean);
  return {
    ...(id ? { id } : {}),
    ...(messageId ? { messageId } : {}),
    received,
    view: {
      commands: [],
      tls: /\bwith (esmtps|esmtpsa|utf8smtps)\b/i.test(received),
      accepted: true,
      headers: kept.slice(0, MAX_HEADER_LINES),
      size: crlf.length,
      sha256: createHash('sha256').update(crlf).digest('hex'),
    },
  };
}

/** LF line ends as CRLF (a CR already before an LF is kept as it is). */
function toCrlf(b: Buffer): Buffer {
  let n = 0;
  for (let i = 0; i < b.length; i++) if (b[i] === 0x0a && (i === 0 || b[i - 1] !== 0x0d)) n++;
  if (!n) return b;
  const out = Buffer.allocUnsafe(b.length + n);
  let j = 0;
  for (let i = 0; i < b.length; i++) {
    if (b[i] === 0x0a && (i === 0 || b[i - 1] !== 0x0d)) out[j++] = 0x0d;
    out[j++] = b[i];
  }
  return out;
}
