import type { Persona } from '../persona.js';

/**
 * Cisco AsyncOS (ESA) listener, per docs/devices.md ("Receiver personas").
 * CONFIRMED: banner, EHLO list and order, unknown-command text, bad-command limit text.
 * SECONDARY: the 530 text, sender/recipient/data/accepted/quit texts. HELP from ESA214630.
 * INFERRED (marked below): texts no source gives; kept in AsyncOS's `#x.y.z` / lower-case style.
 */
export const asyncos: Persona = {
  name: 'asyncos',
  description: 'Cisco AsyncOS (Email Security Appliance) listener',
  defaultSize: 10485760,
  // "after 5 bad commands": five are answered 500, the sixth gets the 421 and the session ends
  badCommandLimit: 5,
  knownVerbs: ['AUTH', 'DATA', 'EHLO', 'HELO', 'HELP', 'MAIL', 'NOOP', 'QUIT', 'RCPT', 'RSET', 'VRFY', 'STARTTLS'],
  // HAT TLS "Required": everything but NOOP, EHLO, QUIT (and STARTTLS itself) is refused
  tlsRequiredAllows: ['NOOP', 'EHLO', 'QUIT', 'STARTTLS'],
  replies: {
    banner: (c) => `220 ${c.hostname} ESMTP`,
    ehlo: (c) => {
      const lines = [`250-${c.hostname}`, '250-8BITMIME', `250-SIZE ${c.size}`];
      if (c.tls !== 'off' && !c.secure) lines.push('250-STARTTLS');
      const last = lines.length - 1;
      lines[last] = `250 ${lines[last].slice(4)}`;
      return lines;
    },
    unknown: () => '500 #5.5.1 command not recognized',
    badCommandLimit: () => '421 Exceeded bad SMTP command limit, disconnecting.',
    tlsRequired: () => '530 #5.7.0 Must issue a STARTTLS command first',
    startTls: () => '220 Go ahead with TLS',
    helo: (c) => `250 ${c.hostname}`,
    mailOk: (c) => `250 sender <${c.address}> ok`,
    rcptOk: (c) => `250 recipient <${c.address}> ok`,
    dataGo: () => '354 go ahead',
    accepted: (c) => `250 ok:  Message ${c.messageNumber} accepted`,
    quit: (c) => `221 ${c.hostname}`,
    help: () => [
      '214-The following commands are recognized',
      '214- auth data ehlo helo',
      '214- help mail noop quit',
      '214 rcpt rset vrfy',
    ],
    sizeExceeded: () => '552 #5.3.4 message size limit exceeded', // INFERRED (seen in ESA logs, not a doc)
    mailSizeExceeded: () => '552 #5.3.4 message size limit exceeded', // INFERRED
    // INFERRED from here on
    noop: () => '250 ok',
    rset: () => '250 ok',
    vrfy: () => '252 send some mail, i will try my best',
    tlsActive: () => '503 #5.5.1 TLS already active',
    heloSyntax: (c) => `501 #5.0.0 ${c.verb} requires domain address`,
    needHelo: () => '503 #5.5.1 EHLO/HELO first',
    needMail: () => '503 #5.5.1 need MAIL before RCPT',
    needRcpt: () => '503 #5.5.1 need RCPT before DATA',
    nestedMail: () => '503 #5.5.1 nested MAIL command',
    badSender: () => '501 #5.1.7 bad sender address syntax',
    badRecipient: () => '501 #5.1.3 bad recipient address syntax',
    notImplemented: () => '502 #5.5.1 command not implemented',
    timeout: () => '421 Timeout waiting for client input',
    lineTooLong: () => '421 Line too long, disconnecting.',
  },
};
