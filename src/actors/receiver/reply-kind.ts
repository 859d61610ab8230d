import type { ReplyKind } from './persona.js';

/**
 * Which persona reply stands for a reply smtp-server is about to send. `verb` is the command
 * being answered (upper case, `''` outside a command). Pure; undefined keeps smtp-server's text.
 */
export function replyKind(verb: string, code: number, text: string): ReplyKind | undefined {
  if (code === 421) {
    if (/^Timeout/.test(text)) return 'timeout';
    if (/line too long/i.test(text)) return 'lineTooLong';
    return undefined;
  }
  if (code === 503 && /send (HELO|LHLO)/i.test(text)) return 'needHelo';
  switch (verb) {
    case 'EHLO':
      return code === 250 ? 'ehlo' : code === 501 ? 'heloSyntax' : undefined;
    case 'HELO':
      return code === 250 ? 'helo' : code === 501 ? 'heloSyntax' : undefined;
    case 'MAIL':
      if (code === 250) return 'mailOk';
      if (code === 552) return 'mailSizeExceeded';
      if (code === 503 && /nested/i.test(text)) return 'nestedMail';
      if (code === 501 && /sender address/i.test(text)) return 'badSender';
      return undefined;
    case 'RCPT':
      if (code === 250) return 'rcptOk';
      if (code === 503 && /need MAIL/i.test(text)) return 'needMail';
      if (code === 501 && /recipient address/i.test(text)) return 'badRecipient';
      return undefined;
    case 'DATA':
      if (code === 354) return 'dataGo';
      if (code === 250) return 'accepted';
      if (code === 552) return 'sizeExceeded';
      if (code === 503 && /need RCPT/i.test(text)) return 'needRcpt';
      return undefined;
    case 'STARTTLS':
      return code === 220 ? 'startTls' : code === 503 ? 'tlsActive' : undefined;
    case 'QUIT':
      return code === 221 ? 'quit' : undefined;
    case 'NOOP':
      return code === 250 ? 'noop' : undefined;
    case 'RSET':
      return code === 250 ? 'rset' : undefined;
    case 'VRFY':
      return code === 252 ? 'vrfy' : undefined;
    case 'HELP':
      return code === 214 ? 'help' : undefined;
    default:
      return undefined;
  }
}
