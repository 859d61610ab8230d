import { clean, queueId, type Persona } from '../persona.js';

/**
 * Postfix 3.x smtpd with STARTTLS and no SASL. Texts from Postfix's smtpd.c; unknown-command
 * text CONFIRMED by docs/esmtp-inspection.md §3 [WTTW]. HELP and EXPN are not Postfix commands.
 * The error limit is smtpd_hard_error_limit (20), counted here over unknown commands only.
 */
export const postfix: Persona = {
  name: 'postfix',
  description: 'Postfix 3.x smtpd (STARTTLS, no SASL)',
  defaultSize: 10240000,
  badCommandLimit: 20,
  knownVerbs: ['HELO', 'EHLO', 'MAIL', 'RCPT', 'DATA', 'BDAT', 'RSET', 'NOOP', 'VRFY', 'ETRN', 'QUIT', 'STARTTLS', 'AUTH', 'XCLIENT', 'XFORWARD'],
  tlsRequiredAllows: ['EHLO', 'HELO', 'STARTTLS', 'NOOP', 'RSET', 'QUIT'],
  replies: {
    banner: (c) => `220 ${c.hostname} ESMTP Postfix`,
    ehlo: (c) => [
      `250-${c.hostname}`,
      '250-PIPELINING',
      `250-SIZE ${c.size}`,
      '250-VRFY',
      '250-ETRN',
      ...(c.tls !== 'off' && !c.secure ? ['250-STARTTLS'] : []),
      '250-ENHANCEDSTATUSCODES',
      '250-8BITMIME',
      '250-DSN',
      '250-SMTPUTF8',
      '250 CHUNKING',
    ],
    unknown: () => '502 5.5.2 Error: command not recognized',
    badCommandLimit: (c) => `421 4.7.0 ${c.hostname} Error: too many errors`,
    tlsRequired: () => '530 5.7.0 Must issue a STARTTLS command first',
    startTls: () => '220 2.0.0 Ready to start TLS',
    tlsActive: () => '554 5.5.1 Error: TLS already active',
    tlsUnavailable: () => '502 5.5.1 Error: command not implemented',
    helo: (c) => `250 ${c.hostname}`,
    mailOk: () => '250 2.1.0 Ok',
    rcptOk: () => '250 2.1.5 Ok',
    dataGo: () => '354 End data with <CR><LF>.<CR><LF>',
    accepted: (c) => `250 2.0.0 Ok: queued as ${queueId(c.hostname, c.messageNumber, 10)}`,
    sizeExceeded: () => '552 5.3.4 Message size exceeds fixed limit',
    mailSizeExceeded: () => '552 5.3.4 Message size exceeds fixed limit',
    quit: () => '221 2.0.0 Bye',
    noop: () => '250 2.0.0 Ok',
    rset: () => '250 2.0.0 Ok',
    vrfy: (c) => `252 2.0.0 ${clean(c.line.slice(5).trim())}`,
    heloSyntax: (c) => `501 Syntax: ${c.verb} hostname`,
    needHelo: () => '503 5.5.1 Error: send HELO/EHLO first',
    needMail: () => '503 5.5.1 Error: need MAIL command',
    needRcpt: () => '554 5.5.1 Error: no valid recipients',
    nestedMail: () => '503 5.5.1 Error: nested MAIL command',
    badSender: () => '501 5.1.7 Bad sender address syntax',
    badRecipient: () => '501 5.1.3 Bad recipient address syntax',
    notImplemented: () => '502 5.5.1 Error: command not implemented',
    timeout: (c) => `421 4.4.2 ${c.hostname} Error: timeout exceeded`,
    lineTooLong: (c) => `421 4.7.0 ${c.hostname} Error: too many errors`,
  },
};
