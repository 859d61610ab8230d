import { dkimSignature, generatedBodyHash, signingKeyFor } from '../../actors/sender/dkim.js';
import { bodyChunks, buildHeaders, headerBlock } from '../../actors/sender/message.js';
import type { DkimKey, MessageSpec } from '../../actors/sender/index.js';
import { emlMessage } from '../../actors/sender/eml.js';
import { HarnessError } from '../types.js';
import { CODE } from '../../errors.js';

/** Real MTAs get the message as a file for local submission; keep that bounded. */
const MAX_SUBMIT_BYTES = 64 * 1024 * 1024;

/**
 * The message a real MTA submits locally (sendmail / exim -bm / smtpctl): the same headers and
 * generated body as the builtin sender, DKIM-signed with the run's key when asked, with LF line
 * ends (the MTA puts CRLF on the wire, so the signature stays valid).
 */
export function messageText(spec: MessageSpec, hostname: string, dkim: DkimKey | undefined, now = new Date()): string {
  if ((spec.size ?? 0) > MAX_SUBMIT_BYTES) {
    throw new HarnessError(CODE.MESSAGE_TOO_LARGE, `message ${spec.id}: ${spec.size} bytes is more than a real MTA is fed here (${MAX_SUBMIT_BYTES})`, 'use a builtin sender for huge messages');
  }
  let headers = buildHeaders(spec, hostname, now);
  if (spec.dkim && dkim) headers = [dkimSignature(headers, generatedBodyHash(spec.id, spec.size), signingKeyFor(dkim, spec.headerFrom ?? spec.from), now.getTime() / 1000), ...headers];
  const body = [...bodyChunks(spec.id, spec.size)].join('');
  return (headerBlock(headers) + body).replace(/\r\n/g, '\n');
}

/** The Message-ID the generated message carries (without brackets). */
export function messageIdOf(spec: MessageSpec, hostname: string): string {
  return `${spec.id}@${hostname}`;
}

/**
 * What a real MTA is given for a message, and the Message-ID to follow it by in its log. An `eml:`
 * goes as the file is, with LF line ends for local submission, and on top an `X-Mxlab-Message`
 * header (how the run finds the message at the next hop) and, when the file has none, a Message-ID
 * (the MTA would make one the run cannot know); the MTA adds its own Received: line anyway.
 */
export async function submission(spec: MessageSpec, hostname: string, dkim: DkimKey | undefined): Promise<{ content: string | Buffer; messageId: string }> {
  if (!spec.eml) return { content: messageText(spec, hostname, dkim), messageId: messageIdOf(spec, hostname) };
  const bytes = await emlMessage(spec.eml, spec.headers);
  const found = messageIdIn(bytes);
  const messageId = found ?? messageIdOf(spec, hostname);
  const top = `X-Mxlab-Message: ${spec.id}\r\n${found ? '' : `Message-ID: <${messageId}>\r\n`}`;
  const content = Buffer.from(Buffer.concat([Buffer.from(top, 'latin1'), bytes]).toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
  return { content, messageId };
}

/** The Message-ID (without brackets) in a message's header section, if it has one. */
export function messageIdIn(bytes: Buffer): string | undefined {
  const end = bytes.indexOf('\r\n\r\n');
  const head = bytes.subarray(0, end < 0 ? Math.min(bytes.length, 1 << 20) : end).toString('latin1');
  return /^message-id:[ \t]*<([^>\r\n]+)>/im.exec(head)?.[1];
}

/** The Message-ID of an `eml:` as the builtin sender sends it (how a real receiver's stored copy is found). */
export async function emlMessageId(path: string | undefined): Promise<string | undefined> {
  if (path === undefined) return undefined;
  return emlMessage(path).then(messageIdIn, () => undefined);
}
