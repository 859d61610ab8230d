import { personas } from '../actors/receiver/personas/index.js';
import type { ReceiverNode } from '../scenario/schema.js';

/**
 * Does a receiver node offer this EHLO keyword (upper case) in its reply before TLS? A persona: its own
 * EHLO reply says (postfix and exchange offer CHUNKING; every persona offers STARTTLS unless `tls: off`).
 * A real MTA, as mxlab runs it: STARTTLS unless `tls: off` (Postfix smtpd_tls_security_level none, Exim
 * without MAIN_TLS_ENABLE, OpenSMTPD's listen without tls: each image's entrypoint.sh); CHUNKING:
 * Postfix 3.7 offers it; Exim 4.96 to every host (`chunking_advertise_hosts = *`, which Debian's
 * configuration leaves alone and no macro changes: checked with `exim -bP` in mxlab/exim); OpenSMTPD
 * 6.8 has no CHUNKING (no such string in smtpd). Postfix's `smtpd_discard_ehlo_keywords` takes any
 * keyword out (postconf(5)).
 */
export function receiverOffers(node: ReceiverNode, keyword: string): boolean {
  const kw = keyword.toUpperCase();
  switch (node.mta) {
    case 'builtin': {
      const p = personas[node.persona];
      const reply = p.replies.ehlo({
        hostname: node.hostname ?? 'receiver.example.com',
        size: node.size ?? p.defaultSize,
        sizeGiven: node.size !== undefined,
        tls: node.tls,
        secure: false,
        remoteAddress: '192.0.2.1',
        line: 'EHLO client.example',
        verb: 'EHLO',
        address: '',
        messageNumber: 1,
        bytes: 0,
        now: new Date(0),
      });
      return (typeof reply === 'string' ? [reply] : reply).slice(1).some((l) => l.slice(4).split(/[\s=]/)[0].toUpperCase() === kw);
    }
    case 'postfix': {
      const discard = !node.config || Array.isArray(node.config) ? undefined : node.config.smtpd_discard_ehlo_keywords;
      if (String(discard ?? '').toUpperCase().split(/[\s,]+/).includes(kw)) return false;
      return kw === 'STARTTLS' ? node.tls !== 'off' : kw === 'CHUNKING';
    }
    case 'exim':
      return kw === 'STARTTLS' ? node.tls !== 'off' : kw === 'CHUNKING';
    case 'opensmtpd':
      return kw === 'STARTTLS' && node.tls !== 'off';
  }
}
