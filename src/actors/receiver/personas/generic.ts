import { multiline, type Persona } from '../persona.js';

/**
 * smtp-server's own texts with a plain EHLO list. Only the replies every persona must define
 * are given; everything else is whatever smtp-server says. smtp-server closes with 421 on the
 * tenth unrecognized command, i.e. nine are tolerated.
 */
export const generic: Persona = {
  name: 'generic',
  description: 'smtp-server defaults (Nodemailer), plain EHLO list',
  defaultSize: 0,
  badCommandLimit: 9,
  knownVerbs: ['HELO', 'EHLO', 'MAIL', 'RCPT', 'DATA', 'RSET', 'NOOP', 'QUIT', 'HELP', 'VRFY', 'STARTTLS'],
  tlsRequiredAllows: ['EHLO', 'HELO', 'STARTTLS', 'NOOP', 'RSET', 'QUIT'],
  replies: {
    banner: (c) => `220 ${c.hostname} ESMTP`,
    ehlo: (c) =>
      multiline(250, [
        `${c.hostname} Nice to meet you, [${c.remoteAddress}]`,
        'PIPELINING',
        '8BITMIME',
        ...(c.tls !== 'off' && !c.secure ? ['STARTTLS'] : []),
        ...(c.size > 0 ? [`SIZE ${c.size}`] : []),
      ]),
    unknown: () => '500 Error: command not recognized',
    badCommandLimit: () => '421 Error: too many unrecognized commands',
    tlsRequired: () => '530 Must issue a STARTTLS command first',
  },
};
