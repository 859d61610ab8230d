import type { Hop, SessionResult, TranscriptEntry } from '../model/result.js';

/**
 * A session's transcript with what changes from run to run replaced by stable tokens, so two
 * runs of the same scenario compare line by line (golden files, `mxlab replay`). Replaced:
 * addresses and ports (`<ip>`, `<port>`), dates and times (`<date>`, `<time>`), message ids,
 * queue ids (Postfix, Exim, OpenSMTPD, sendmail, AsyncOS, Exchange), DKIM signatures and
 * timestamps, run ids in container names, the peer a sender connected to (an address, or a
 * container on the docker runtime), and the sizes of TLS records (certificates differ per run).
 * Timestamps of lines are left out. A retried message shows every attempt, each under `== attempt N`.
 */
export function normaliseSession(s: Pick<SessionResult, 'hops' | 'history'>): string[] {
  // a retried message: every attempt, in order
  if (s.history && s.history.length > 1) return s.history.flatMap((a) => [`== attempt ${a.attempt}`, ...a.hops.flatMap((h, i) => normaliseHop(h, i))]);
  return s.hops.flatMap((h, i) => normaliseHop(h, i));
}

export function normaliseHop(h: Hop, index: number): string[] {
  return [`== hop ${index + 1}: ${h.from} → ${h.to}`, ...normaliseEntries(h.entries)];
}

const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const MONTH = '(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)';
/** ordered: the first rules take the longer forms */
const RULES: [RegExp, string | ((m: string, sep?: string) => string)][] = [
  // RFC 5322 dates, with or without the day name, zone and zone comment
  [new RegExp(`(?:${DAY},? +)?\\d{1,2} ${MONTH} \\d{4} \\d{1,2}:\\d{2}(?::\\d{2})?(?: [+-]\\d{4})?(?: \\([A-Za-z ]+\\))?`, 'g'), '<date>'],
  [/\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g, '<time>'],
  [/\b\d{2}:\d{2}:\d{2}(?:\.\d+)?\b/g, '<time>'],
  // addresses with ports: 127.0.0.1:36791, outside:127.0.0.1/39220, [172.18.0.3]:25, ::ffff:1.2.3.4
  [/(?:::ffff:)?\b\d{1,3}(?:\.\d{1,3}){3}\b(?:([:/])\d{1,5}\b)?/g, (_m, sep) => (sep ? `<ip>${sep}<port>` : '<ip>')],
  // run ids in container names: mxlab-<base36 time>-<hex>[-<cell>]
  [/\b[0-9a-z]{7,9}-[0-9a-f]{6}(?:-\d+)?\b/g, '<run>'],
  // where a sender connected: an address in-process, a container name in docker — one token, so runs on either runtime compare
  [/^<connect (?:<ip>|mxlab-<run>-[a-z0-9-]+):(?:<port>|\d{1,5})>$/g, '<connect <ip>:<port>>'],
  // queue ids
  [/\bqueued as [0-9A-Za-z]+/g, 'queued as <queue-id>'],
  [/\bMessage \d+ accepted\b/g, 'Message <queue-id> accepted'],
  [/^(250 2\.0\.0 )[0-9A-Za-z]{8,20}( Message accepted)/g, '$1<queue-id>$2'],
  [/\bid=[0-9A-Za-z]{6}-[0-9A-Za-z]{6}-[0-9A-Za-z]{2,4}\b/g, 'id=<queue-id>'],
  [/\b(with E?SMTPS?A? id) \S+/g, '$1 <queue-id>'],
  [/\b(Queued mail for delivery|InternalId=)\S*/g, '$1'],
  // message ids: the header and any <local@domain> that looks generated (digits and dots)
  [/^(Message-ID:\s*)<[^>]*>/gi, '$1<message-id>'],
  [/<[^<>@\s]*\d[^<>@\s]*@[^<>\s]+>( Queued mail)/g, '<message-id>$1'],
  // DKIM timestamps and signatures
  [/\bt=\d{9,11}\b/g, 't=<time>'],
  [/\bb=[A-Za-z0-9+/=]*/g, 'b=<signature>'],
  // TLS records: sizes depend on the run's certificates and padding
  [/<TLS \d+ bytes>/g, '<TLS record>'],
];

/** Normalised text lines of one hop: `C: …` from the connecting side, `S: …` from the listening side. */
export function normaliseEntries(entries: TranscriptEntry[]): string[] {
  const out: string[] = [];
  let inDkim = false;
  let afterB = false;
  let lastTls = '';
  for (const e of entries) {
    const text = e.text;
    if (e.dir === 'c2s') {
      // a DKIM-Signature's b= value continues on its folded lines: they become part of the token
      if (/^DKIM-Signature:/i.test(text)) inDkim = true;
      else if (!/^[ \t]/.test(text)) inDkim = false;
      if (inDkim && afterB && /^[ \t]+[A-Za-z0-9+/=]+$/.test(text)) continue;
      afterB = inDkim && /\bb=[A-Za-z0-9+/=]*$/.test(text);
    }
    let line = text;
    for (const [re, to] of RULES) line = typeof to === 'string' ? line.replace(re, to) : line.replace(re, to);
    const shown = `${e.dir === 'c2s' ? 'C' : 'S'}: ${e.tls ? '[tls] ' : ''}${line}`;
    // a run of TLS records is one line: how the bytes were cut into reads is not part of the protocol
    if (line === '<TLS record>') {
      if (shown === lastTls) continue;
      lastTls = shown;
    } else lastTls = '';
    out.push(shown);
  }
  return out;
}

/** The first line where two normalised transcripts differ: its 0-based index and both sides (undefined past the end). */
export function firstDifference(a: string[], b: string[]): { index: number; a?: string; b?: string } | undefined {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return { index: i, a: a[i], b: b[i] };
  return undefined;
}
