/**
 * The one file that reaches into nodemailer's SMTP client (the builtin sender). Two members that are
 * not its API: the TLS socket STARTTLS makes (to record its key log in the tick it is made) and the
 * socket in use (protocol, cipher and certificates after STARTTLS, closing it). Each is named once in
 * INTERNALS; `missingInternals()` checks them against the installed release (test/sender-internals.test.ts),
 * and package.json pins nodemailer to the release tested (TESTED_WITH), as smtp-internals.ts does for
 * the receiver's smtp-server.
 */
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import SMTPConnection from 'nodemailer/lib/smtp-connection';

/** The nodemailer release these internals were read from and tested with. */
export const TESTED_WITH = '10.6.1';

export const INTERNALS: readonly { member: string; kind: 'method' | 'property'; why: string }[] = [
  { member: '_upgradeConnection', kind: 'method', why: 'wrapped: the TLS socket STARTTLS makes, listened to for its key log before any key exists' },
  { member: '_socket', kind: 'property', why: 'the socket in use (the TLS socket after STARTTLS): protocol, cipher, certificates; closed on failure' },
];

/** The members of INTERNALS the installed nodemailer lacks (or has as another kind), each as "SMTPConnection.member (kind)". */
export function missingInternals(): string[] {
  const conn = new SMTPConnection({}) as unknown as Record<string, unknown>;
  const proto = SMTPConnection.prototype as unknown as Record<string, unknown>;
  return INTERNALS.filter(({ member, kind }) => (kind === 'method' ? typeof proto[member] !== 'function' : !Object.hasOwn(conn, member))).map(({ member, kind }) => `SMTPConnection.${member} (${kind})`);
}

type Internal = { _upgradeConnection(cb: unknown): unknown; _socket?: Socket | TLSSocket | false };

/** The socket the connection uses now (the TLS socket once STARTTLS began), if any. */
export function socketOf(conn: SMTPConnection): Socket | TLSSocket | undefined {
  return (conn as unknown as Internal)._socket || undefined;
}

/** `made` gets the TLS socket STARTTLS creates, in the same tick (before its handshake sends anything). */
export function onTlsSocket(conn: SMTPConnection, made: (socket: TLSSocket) => void): void {
  const c = conn as unknown as Internal;
  const upgrade = c._upgradeConnection.bind(c);
  c._upgradeConnection = (cb: unknown) => {
    const plain = c._socket;
    const r = upgrade(cb);
    if (c._socket && c._socket !== plain) made(c._socket as TLSSocket);
    return r;
  };
}
