import { clean, queueId, rfc822Date, type Persona, type ReplyContext } from '../persona.js';

/** sendmail's shortenstring(): lines over 203 characters keep both ends around `...`. */
function shorten(s: string, max = 203): string {
  if (s.length <= max) return s;
  const half = (max - 3) >> 1;
  return `${s.slice(0, half)}...${s.slice(-half)}`;
}

const hello = (c: ReplyContext) => `${c.hostname} Hello [${c.remoteAddress}], pleased to meet you`;

/**
 * sendmail 8.14/8.15 with STARTTLS and AUTH, texts from srvrsmtp.c. EHLO keyword order is
 * sendmail's: … ETRN AUTH STARTTLS DELIVERBY HELP ([UF13] shows the list without STARTTLS).
 * No reverse lookup is done, so the client is shown as `[ip]`. MAXBADCOMMANDS is 25.
 */
export const sendmail: Persona = {
  name: 'sendmail',
  description: 'sendmail 8.14 (STARTTLS, AUTH advertised)',
  defaultSize: 0,
  badCommandLimit: 25,
  knownVerbs: ['HELO', 'EHLO', 'MAIL', 'RCPT', 'DATA', 'RSET', 'NOOP', 'QUIT', 'HELP', 'VRFY', 'EXPN', 'VERB', 'ETRN', 'AUTH', 'STARTTLS', 'ONEX', 'XUSR'],
  tlsRequiredAllows: ['EHLO', 'HELO', 'STARTTLS', 'NOOP', 'RSET', 'QUIT', 'HELP'],
  replies: {
    banner: (c) => `220 ${c.hostname} ESMTP Sendmail 8.14.4/8.14.4; ${rfc822Date(c.now)}`,
    ehlo: (c) => [
      `250-${hello(c)}`,
      '250-ENHANCEDSTATUSCODES',
      '250-PIPELINING',
      '250-8BITMIME',
      c.size > 0 ? `250-SIZE ${c.size}` : '250-SIZE',
      '250-DSN',
      '250-ETRN',
      '250-AUTH DIGEST-MD5 CRAM-MD5 LOGIN PLAIN',
      ...(c.tls !== 'off' && !c.secure ? ['250-STARTTLS'] : []),
      '250-DELIVERBY',
      '250 HELP',
    ],
    unknown: (c) => `500 5.5.1 Command unrecognized: "${clean(shorten(c.line))}"`,
    badCommandLimit: (c) => `421 4.7.0 ${c.hostname} Too many bad commands; closing connection`,
    tlsRequired: () => '530 5.7.0 Must issue a STARTTLS command first',
    startTls: () => '220 2.0.0 Ready to start TLS',
    tlsActive: () => '503 5.5.0 TLS already active',
    tlsUnavailable: () => '454 4.3.3 TLS not available after start',
    helo: (c) => `250 ${hello(c)}`,
    mailOk: (c) => `250 2.1.0 <${clean(c.address)}>... Sender ok`,
    rcptOk: (c) => `250 2.1.5 <${clean(c.address)}>... Recipient ok`,
    dataGo: () => '354 Enter mail, end with "." on a line by itself',
    accepted: (c) => `250 2.0.0 ${queueId(c.hostname, c.messageNumber, 14)} Message accepted for delivery`,
    sizeExceeded: () => '552 5.2.3 Message size exceeds maximum value',
    mailSizeExceeded: (c) => `552 5.2.3 Message size exceeds fixed maximum message size (${c.size})`,
    quit: (c) => `221 2.0.0 ${c.hostname} closing connection`,
    help: () => [
      '214-2.0.0 This is sendmail version 8.14.4',
      '214-2.0.0 Topics:',
      '214-2.0.0 \tHELO\tEHLO\tMAIL\tRCPT\tDATA',
      '214-2.0.0 \tRSET\tNOOP\tQUIT\tHELP\tVRFY',
      '214-2.0.0 \tEXPN\tVERB\tETRN\tDSN\tAUTH',
      '214-2.0.0 \tSTARTTLS',
      '214-2.0.0 For more info use "HELP <topic>".',
      '214-2.0.0 To report bugs in the implementation see',
      '214-2.0.0 \thttp://www.sendmail.org/email-addresses.html',
      '214-2.0.0 For local information send email to Postmaster at your site.',
      '214 2.0.0 End of HELP info',
    ],
    noop: () => '250 2.0.0 OK',
    rset: () => '250 2.0.0 Reset state',
    vrfy: () => '252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery (or try finger)',
    heloSyntax: (c) => `501 5.0.0 ${c.verb} requires domain address`,
    needHelo: () => '503 5.0.0 Polite people say HELO first',
    needMail: () => '503 5.0.0 Need MAIL before RCPT',
    needRcpt: () => '503 5.0.0 Need RCPT (recipient)',
    nestedMail: () => '503 5.5.0 Sender already specified',
    badSender: () => '553 5.5.4 Domain name required for sender address',
    badRecipient: () => '553 5.5.4 Domain name required for recipient address',
    notImplemented: (c) => `502 5.7.0 Sorry, we do not allow this operation`,
    timeout: (c) => `421 4.4.1 ${c.hostname} Lost input channel`,
    lineTooLong: (c) => `421 4.7.0 ${c.hostname} Too many bad commands; closing connection`,
  },
};
