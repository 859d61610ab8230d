import type { ClientView, TranscriptEntry } from '../../model/result.js';

/**
 * What a sender saw, derived from the transcript of its hop (for real MTAs, whose own view is
 * only their log): greeting, the EHLO/HELO reply, the reply to STARTTLS, the EHLO reply after TLS.
 */
export function clientViewFromHop(entries: TranscriptEntry[]): ClientView {
  const view: ClientView = { banner: [], ehlo: [] };
  let phase: 'banner' | 'ehlo' | 'starttls' | 'ehlo2' | 'other' = 'banner';
  let sawEhlo = false;
  for (const e of entries) {
    if (e.dir === 'c2s') {
      const verb = e.text.split(' ')[0].toUpperCase();
      if (verb === 'EHLO' || verb === 'HELO') {
        if (view.starttls !== undefined && e.tls) {
          phase = 'ehlo2';
          view.ehloAfterTls = [];
        } else {
          phase = 'ehlo';
          if (sawEhlo) view.ehlo = [];
          sawEhlo = true;
        }
      } else if (verb === 'STARTTLS') phase = 'starttls';
      else phase = 'other';
      continue;
    }
    if (e.text.startsWith('<')) continue; // opaque chunk, e.g. <TLS 517 bytes>
    if (phase === 'banner') view.banner.push(e.text);
    else if (phase === 'ehlo') view.ehlo.push(e.text);
    else if (phase === 'ehlo2') view.ehloAfterTls?.push(e.text);
    else if (phase === 'starttls' && view.starttls === undefined) view.starttls = e.text;
  }
  return view;
}

/** The last EHLO or HELO the client sent before its first MAIL (plaintext lines only). */
export function greetingOf(entries: TranscriptEntry[]): { verb: 'EHLO' | 'HELO' } | undefined {
  let verb: 'EHLO' | 'HELO' | undefined;
  for (const e of entries) {
    if (e.dir !== 'c2s' || e.text.startsWith('<')) continue;
    const v = e.text.slice(0, 4).toUpperCase();
    if (v === 'EHLO' || v === 'HELO') verb = v;
    else if (v === 'MAIL') break;
  }
  return verb ? { verb } : undefined;
}
