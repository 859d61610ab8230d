import type { ServerView } from '../../model/result.js';
import type { MtaReceipt } from '../collect/records.js';
import type { ReceiverNode } from '../../scenario/schema.js';
import type { LineLog } from './line-log.js';

/** Environment for the Postfix image as a receiver (see containers/postfix/entrypoint.sh). */
export function postfixReceiverEnv(node: ReceiverNode, hostname: string): Record<string, string> {
  return {
    MXLAB_ROLE: 'receiver',
    MXLAB_HOSTNAME: hostname,
    MXLAB_TLS: node.tls,
    ...(node.size ? { MXLAB_SIZE: String(node.size) } : {}),
  };
}

const HEADER_RE = /postfix\/cleanup\[\d+\]: ([0-9A-Za-z]+): warning: header (.*?) from \S+; from=<[^>]*>(?: to=<[^>]*>)?(?: proto=\S+)?(?: helo=<[^>]*>)?$/;

/** `line` is the receiver's log of the `X-Mxlab-Message: id` header (its queue id in group 1). */
function headerOf(line: string, id: string): RegExpExecArray | undefined {
  const m = HEADER_RE.exec(line);
  return m && m[2] === `X-Mxlab-Message: ${id}` ? m : undefined;
}

/**
 * Waits (at most `timeoutMs`) until the receiver logged message `id`: the sender's log can report it sent
 * before the receiver's log lines have come through the container's log stream.
 */
export async function waitPostfixReceived(logs: LineLog, id: string, timeoutMs: number): Promise<void> {
  await logs.waitFor((line) => headerOf(line, id) !== undefined, 0, timeoutMs);
}

/**
 * What a real Postfix receiver got, read from its log: the header lines of the message whose
 * `X-Mxlab-Message` is `id` (header_checks WARN logs every header), and TLS from its Received
 * header. Undefined when that message never arrived.
 */
export function postfixReceiverView(logs: LineLog, id: string): { view: ServerView; log: string[] } | undefined {
  let qid: string | undefined;
  for (const line of logs.lines) qid = headerOf(line, id)?.[1] ?? qid;
  if (!qid) return undefined;
  const headers: string[] = [];
  const log: string[] = [];
  for (const line of logs.lines) {
    if (!line.includes(`${qid}:`)) continue;
    const m = HEADER_RE.exec(line);
    if (m && m[1] === qid) headers.push(m[2].replace(/\?\?/g, ' '));
    else log.push(line);
  }
  const received = headers.find((h) => h.startsWith('Received:')) ?? '';
  return { view: { commands: [], tls: /using TLS/.test(received), accepted: true, headers }, log };
}

/** The collector's receipt for message `id`: waits up to `waitMs` for it to be logged. */
export async function postfixReceipt(logs: LineLog, id: string, waitMs: number): Promise<MtaReceipt | undefined> {
  if (waitMs > 0) await waitPostfixReceived(logs, id, waitMs);
  return postfixReceiverView(logs, id);
}
