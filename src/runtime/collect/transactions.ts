import type { TranscriptEntry } from '../../model/result.js';

/**
 * A connection can carry several messages (a real MTA reuses its connections). These read a
 * transcript for the messages in it — by the `X-Mxlab-Message` header every mxlab message
 * carries — and cut out one message's transaction. Lines inside TLS that a hop saw only as
 * `<TLS … bytes>` cannot be read; such a transcript names no message.
 */

const HEADER_RE = /^x-mxlab-message:\s*(\S+)\s*$/i;
const MAIL_RE = /^mail from:/i;
const GREETING_RE = /^(ehlo|helo)\s+(\S+)/i;

/** The message ids whose header lines went client → server in `entries`, in order. */
export function messagesIn(entries: readonly TranscriptEntry[]): string[] {
  const out: string[] = [];
  for (const e of entries) {
    if (e.dir !== 'c2s') continue;
    const m = HEADER_RE.exec(e.text);
    if (m) out.push(m[1]);
  }
  return out;
}

export function carries(entries: readonly TranscriptEntry[], id: string): boolean {
  return messagesIn(entries).includes(id);
}

/**
 * The entries that belong to message `id`: all of them when the connection carried one
 * transaction (or the message cannot be found in it); otherwise the connection's preamble
 * (greeting, EHLO, STARTTLS) plus the transaction from its MAIL FROM to the next one.
 */
export function transactionOf(entries: TranscriptEntry[], id: string): TranscriptEntry[] {
  const mails = entries.flatMap((e, i) => (e.dir === 'c2s' && MAIL_RE.test(e.text) ? [i] : []));
  if (mails.length < 2) return entries;
  const at = entries.findIndex((e) => e.dir === 'c2s' && HEADER_RE.exec(e.text)?.[1] === id);
  if (at < 0) return entries;
  const start = mails.filter((i) => i < at).pop() ?? mails[0];
  const next = mails.find((i) => i > at);
  return [...entries.slice(0, mails[0]), ...entries.slice(start, next ?? entries.length)];
}

/** The EHLO/HELO name the client gave first, e.g. `partner.example`. */
export function greetingName(entries: readonly TranscriptEntry[]): string | undefined {
  for (const e of entries) {
    if (e.dir !== 'c2s') continue;
    const m = GREETING_RE.exec(e.text);
    if (m) return m[2].toLowerCase();
  }
  return undefined;
}

/** First and last timestamps of a transcript (ms of the run's clock). */
export function span(entries: readonly TranscriptEntry[]): { start: number; end: number } {
  return { start: entries[0]?.t ?? Number.POSITIVE_INFINITY, end: entries[entries.length - 1]?.t ?? Number.NEGATIVE_INFINITY };
}
