import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import { ReplyReader } from './lines.js';

/** a session that stops moving fails instead of hanging the bench */
const IDLE_TIMEOUT_MS = 15_000;

/**
 * One SMTP session by the cheapest honest client: greeting, EHLO (HELO when refused), STARTTLS when
 * `tls` is given and advertised, EHLO again, MAIL, RCPT, DATA, body, QUIT, wait for close.
 * `body` is a Buffer or an iterable of Buffers (written with backpressure), without the final CRLF.CRLF.
 * Resolves with `{ totalMs, dataMs, tls }`; `dataMs` runs from the first body byte to the 250 reply.
 */
export async function miniSession({ host, port, tls: tlsOptions, body, from = 'a@partner.example', to = 'b@esa.example.com' }) {
  const t0 = performance.now();
  const raw = net.connect({ host, port, noDelay: true }); // no Nagle: small writes go out at once
  raw.on('error', () => {});
  raw.setTimeout(IDLE_TIMEOUT_MS, () => raw.destroy(new Error(`no traffic for ${IDLE_TIMEOUT_MS} ms`)));
  let sock = raw;
  let replies = new ReplyReader(raw);
  try {
    await replies.expect('220');
    let ehlo = await say(sock, replies, 'EHLO partner.example');
    if (!ehlo[0].startsWith('250')) ehlo = await command(sock, replies, 'HELO partner.example', '250');
    let secure = false;
    if (tlsOptions && ehlo.some((l) => /^250[ -]STARTTLS\b/i.test(l))) {
      await command(sock, replies, 'STARTTLS', '220');
      replies.detach();
      sock = tls.connect({ socket: raw, rejectUnauthorized: false, ...tlsOptions });
      sock.on('error', () => {});
      await once(sock, 'secureConnect');
      secure = true;
      replies = new ReplyReader(sock);
      await command(sock, replies, 'EHLO partner.example', '250');
    }
    await command(sock, replies, `MAIL FROM:<${from}>`, '250');
    await command(sock, replies, `RCPT TO:<${to}>`, '250');
    await command(sock, replies, 'DATA', '354');
    const d0 = performance.now();
    for (const chunk of Buffer.isBuffer(body) ? [body] : body) {
      if (!sock.write(chunk)) await once(sock, 'drain');
    }
    sock.write('\r\n.\r\n');
    await replies.expect('250');
    const dataMs = performance.now() - d0;
    sock.write('QUIT\r\n');
    await replies.expect('221').catch(() => undefined); // a relay may close first
    sock.end();
    if (!raw.closed) await once(raw, 'close');
    return { totalMs: performance.now() - t0, dataMs, tls: secure };
  } catch (err) {
    raw.destroy();
    throw err;
  }
}

function say(sock, replies, line) {
  sock.write(line + '\r\n');
  return replies.next();
}

async function command(sock, replies, line, expect) {
  sock.write(line + '\r\n');
  return replies.expect(expect);
}
