import net from 'node:net';
import { EventEmitter, once } from 'node:events';

/** A server from a published transcript: its banner, its EHLO reply and its unknown-command reply, byte for byte. */
export interface Published {
  banner: string;
  ehlo: string[];
  /** the EHLO reply the client sees through an ASA 9.x default map (OBSERVED, docs/devices.md, the default map) */
  masked: string[];
  unknown: (line: string) => string;
}

/** sendmail behind a 9.x ASA [UF13]: DELIVERBY and HELP are masked → XXXXXXXXA, XXXB. */
export const SENDMAIL_UF13: Published = {
  banner: '220 mail2.example.org ESMTP Sendmail 8.14.4/8.14.4; Tue, 1 Jan 2013 12:00:00 +0000',
  ehlo: [
    '250-mail2.example.org Hello client [192.0.2.1], pleased to meet you',
    '250-ENHANCEDSTATUSCODES',
    '250-PIPELINING',
    '250-8BITMIME',
    '250-SIZE',
    '250-DSN',
    '250-ETRN',
    '250-AUTH DIGEST-MD5 CRAM-MD5',
    '250-DELIVERBY',
    '250 HELP',
  ],
  masked: [
    '250-mail2.example.org Hello client [192.0.2.1], pleased to meet you',
    '250-ENHANCEDSTATUSCODES',
    '250-PIPELINING',
    '250-8BITMIME',
    '250-SIZE',
    '250-DSN',
    '250-ETRN',
    '250-AUTH DIGEST-MD5 CRAM-MD5',
    '250-XXXXXXXXA',
    '250 XXXB',
  ],
  unknown: (line) => `500 5.5.1 Command unrecognized: "${line}"`,
};

/** Exchange 2003 behind an ASA [PGT]: TURN → XXXA, CHUNKING → XXXXXXXB, VRFY → XXXC, …, 250 OK → 250 XI. */
export const EXCHANGE_PGT: Published = {
  banner: '220 mail.example.net Microsoft ESMTP MAIL Service, Version: 6.0.3790.4675 ready at  Tue, 1 Jan 2013 12:00:00 +0000 ',
  ehlo: [
    '250-mail.example.net Hello [192.0.2.1]',
    '250-TURN',
    '250-SIZE',
    '250-ETRN',
    '250-PIPELINING',
    '250-DSN',
    '250-ENHANCEDSTATUSCODES',
    '250-8bitmime',
    '250-BINARYMIME',
    '250-CHUNKING',
    '250-VRFY',
    '250-X-EXPS GSSAPI NTLM LOGIN',
    '250-X-EXPS=LOGIN',
    '250-AUTH GSSAPI NTLM LOGIN',
    '250-AUTH=LOGIN',
    '250-X-LINK2STATE',
    '250-XEXCH50',
    '250 OK',
  ],
  masked: [
    '250-mail.example.net Hello [192.0.2.1]',
    '250-XXXA',
    '250-SIZE',
    '250-ETRN',
    '250-PIPELINING',
    '250-DSN',
    '250-ENHANCEDSTATUSCODES',
    '250-8bitmime',
    '250-BINARYMIME',
    '250-XXXXXXXB',
    '250-XXXC',
    '250-XXXXXXXXXXXXXXXXXXXXXXXD',
    '250-XXXXXXXXXXXE',
    '250-AUTH GSSAPI NTLM LOGIN',
    '250-XXXXXXXXXF',
    '250-XXXXXXXXXXXG',
    '250-XXXXXXH',
    '250 XI',
  ],
  unknown: () => '500 5.3.3 Unrecognized command',
};

export interface PublishedServer {
  port: number;
  /** every byte received, in order (latin1) */
  text(): string;
  /** complete lines received (CR/LF stripped) */
  lines(): string[];
  /** resolves once at least `n` bytes have arrived in total */
  received(n: number): Promise<void>;
  close(): Promise<void>;
}

/** Serves `p` on 127.0.0.1: answers EHLO, HELO, NOOP, QUIT, everything else with `p.unknown`. */
export async function publishedServer(p: Published): Promise<PublishedServer> {
  let got = '';
  const ev = new EventEmitter();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('error', () => undefined);
    sock.on('close', () => sockets.delete(sock));
    let buf = '';
    sock.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      buf += d.toString('latin1');
      ev.emit('data');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        const verb = line.split(' ')[0].toUpperCase();
        if (verb === 'EHLO') sock.write(p.ehlo.map((l) => `${l}\r\n`).join(''));
        else if (verb === 'HELO') sock.write(`${p.ehlo[0].replace('250-', '250 ')}\r\n`);
        else if (verb === 'NOOP') sock.write('250 2.0.0 OK\r\n');
        else if (verb === 'QUIT') sock.end('221 2.0.0 closing connection\r\n');
        else sock.write(`${p.unknown(line)}\r\n`);
      }
    });
    sock.write(`${p.banner}\r\n`);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    text: () => got,
    lines: () => got.split('\n').slice(0, -1).map((l) => l.replace(/\r$/, '')),
    async received(n) {
      const deadline = Date.now() + 5000;
      while (got.length < n) {
        if (Date.now() > deadline) throw new Error(`server got ${got.length} bytes, waited for ${n}: ${JSON.stringify(got)}`);
        await new Promise<void>((r) => {
          const t = setTimeout(done, 100);
          function done() {
            clearTimeout(t);
            ev.off('data', done);
            r();
          }
          ev.on('data', done);
        });
      }
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
