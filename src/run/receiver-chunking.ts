import { personas } from '../actors/receiver/personas/index.js';
import type { ReceiverNode } from '../scenario/schema.js';

/**
 * Does a receiver node offer CHUNKING (RFC 3030) in its EHLO reply before TLS? A persona: its own
 * EHLO reply says (postfix and exchange do). A real MTA, as mxlab runs it: Postfix 3.7 offers it
 * unless `smtpd_discard_ehlo_keywords` names it (postconf(5)); Exim 4.96 offers it to every host
 * (`chunking_advertise_hosts = *`, which Debian's configuration leaves alone and no macro changes:
 * checked with `exim -bP` in mxlab/exim); OpenSMTPD 6.8 has no CHUNKING (no such string in smtpd).
 */
export function receiverChunking(node: ReceiverNode): boolean {
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
      return (typeof reply === 'string' ? [reply] : reply).slice(1).some((l) => /^250[ -]CHUNKING\b/i.test(l));
    }
    case 'postfix': {
      const discard = !node.config || Array.isArray(node.config) ? undefined : node.config.smtpd_discard_ehlo_keywords;
      return !String(discard ?? '').toLowerCase().split(/[\s,]+/).includes('chunking');
    }
    case 'exim':
      return true;
    case 'opensmtpd':
      return false;
  }
}
