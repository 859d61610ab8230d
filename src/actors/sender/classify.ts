import type { Verdict } from './policy.js';

/** The fields nodemailer puts on its errors (see smtp-connection `_formatError`). */
export interface SmtpErrorLike {
  message: string;
  code?: string;
  originalCode?: string;
  responseCode?: number;
  response?: string;
  command?: string;
}

export interface ErrorContext {
  /** the error happened between the 220 to STARTTLS and the end of the TLS handshake */
  handshaking: boolean;
  /** the command whose reply was awaited or received, `<greeting>` for the banner */
  command?: string;
}

/**
 * Maps an error of one connection to a verdict, the way an MTA queue manager would:
 * 4xx and network trouble defer, 5xx bounces (except a 5xx greeting, which Postfix skips
 * and defers, `smtp_skip_5xx_greeting`), 552 is a size problem.
 */
export function classifyError(err: SmtpErrorLike, ctx: ErrorContext): Verdict {
  const detail = err.response ?? err.message;
  const original = err.originalCode ?? '';
  if (ctx.handshaking) {
    return { outcome: 'deferred', reason: 'tls-failed', detail: `TLS handshake failed: ${tlsErrorText(err)}` };
  }
  if (err.code === 'ETIMEDOUT') {
    const step = ctx.command ? ` waiting for the reply to ${ctx.command}` : '';
    return { outcome: 'deferred', reason: 'timeout', detail: `${err.message}${step}` };
  }
  const code = err.responseCode ?? replyCode(err.response);
  if (code !== undefined) {
    if (code === 552) return { outcome: 'bounced', reason: 'size-exceeded', detail };
    if (code >= 500 && ctx.command === '<greeting>') return { outcome: 'deferred', reason: 'rejected', detail };
    if (code >= 500) return { outcome: 'bounced', reason: 'rejected', detail };
    if (code >= 400) return { outcome: 'deferred', reason: 'rejected', detail };
  }
  if (err.code === 'EMESSAGE' && /size larger than allowed/i.test(err.message)) {
    return { outcome: 'bounced', reason: 'size-exceeded', detail: err.message };
  }
  if (err.code === 'EDNS') return { outcome: 'deferred', reason: 'connection-refused', detail: `Host not found: ${err.message}` };
  if (original === 'ECONNREFUSED') return { outcome: 'deferred', reason: 'connection-refused', detail: err.message };
  if (err.code === 'ESOCKET' || err.code === 'ECONNECTION' || /^E(CONNRESET|PIPE|CONNABORTED)$/.test(original)) {
    return { outcome: 'deferred', reason: 'connection-reset', detail: err.message };
  }
  return { outcome: 'deferred', reason: 'protocol-error', detail };
}

/**
 * The TLS error in a few words with its code, e.g. `certificate has expired (CERT_HAS_EXPIRED)` or
 * `tlsv1 alert protocol version (ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION)`: OpenSSL's reason string is
 * taken out of its `…:error:0A00042E:SSL routines:func:reason:file:line:` form.
 */
export function tlsErrorText(err: SmtpErrorLike): string {
  const openssl = /error:[0-9A-F]+:[^:]*:[^:]*:([^:]+)/.exec(err.message)?.[1];
  const text = (openssl ?? err.message).replace(/^Client network socket disconnected before secure TLS connection was established$/, 'connection closed during the TLS handshake').trim();
  const code = err.originalCode && err.originalCode !== err.code ? err.originalCode : undefined;
  return code ? `${text} (${code})` : text;
}

function replyCode(response: string | undefined): number | undefined {
  const m = /^([2-5]\d\d)/.exec(response ?? '');
  return m ? Number(m[1]) : undefined;
}
