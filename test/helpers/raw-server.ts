import net from 'node:net';
import tls from 'node:tls';
import { EventEmitter, once } from 'node:events';
import { startFirewall } from '../../src/actors/firewall/index.js';
import { monotonicClock } from '../../src/model/clock.js';
import type { FirewallEvent } from '../../src/model/result.js';

export const ESA_EHLO = ['250-esa.example.com', '250-8BITMIME', '250-SIZE 14680064', '250 STARTTLS'];

/** A tiny raw SMTP server: ESA-like replies, records the bytes it got, optional real STARTTLS. */
export async function rawServer(o: { tls?: { key: string; cert: string } } = {}) {
  const got: Buffer[] = [];
  const ev = new EventEmitter();
  const sockets = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    sockets.add(sock);
    sock.on('error', (e) => ev.emit('sock-error', e));
    sock.on('close', () => ev.emit('sock-close'));
    let io: net.Socket | tls.TLSSocket = sock;
    let buf = '';
    let inData = false;
    const onData = (d: Buffer) => {
      got.push(d);
      ev.emit('data');
      buf += d.toString('latin1');
      let i: number;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i).replace(/\r$/, '');
        buf = buf.slice(i + 1);
        if (inData) {
          if (line === '.') {
            inData = false;
            io.write('250 ok:  Message 1 accepted\r\n');
          }
          continue;
        }
        const verb = line.split(' ')[0].toUpperCase();
        if (verb === 'EHLO') io.write(ESA_EHLO.map((l) => `${l}\r\n`).join(''));
        else if (verb === 'HELO') io.write('250 esa.example.com\r\n');
        else if (verb === 'MAIL' || verb === 'RCPT') io.write('250 ok\r\n');
        else if (verb === 'DATA') {
          inData = true;
          io.write('354 go ahead\r\n');
        } else if (verb === 'QUIT') io.end('221 esa.example.com\r\n');
        else if (verb === 'STARTTLS' && o.tls && io === sock) {
          sock.off('data', onData);
          sock.write('220 Go ahead with TLS\r\n');
          const t = new tls.TLSSocket(sock, { isServer: true, key: o.tls.key, cert: o.tls.cert });
          t.on('error', () => undefined);
          t.on('secure', () => ev.emit('secure'));
          t.on('data', onData);
          io = t;
        } else io.write('500 #5.5.1 command not recognized\r\n');
      }
    };
    sock.on('data', onData);
    sock.write('220 esa.example.com ESMTP\r\n');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    ev,
    text: () => Buffer.concat(got).toString('latin1'),
    bytes: () => got.reduce((n, b) => n + b.length, 0),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

/** A line-reading client over a plain or TLS socket. */
export function lineClient(sock: net.Socket | tls.TLSSocket) {
  let buf = '';
  const ev = new EventEmitter();
  sock.on('data', (d: Buffer) => {
    buf += d.toString('latin1');
    ev.emit('data');
  });
  sock.on('error', (e) => ev.emit('failed', e));
  return {
    /** lines up to and including the final line of one reply */
    async reply(): Promise<string[]> {
      for (;;) {
        const lines = buf.split('\r\n');
        const last = lines.findIndex((l, i) => i < lines.length - 1 && /^\d{3}( |$)/.test(l));
        if (last >= 0) {
          buf = lines.slice(last + 1).join('\r\n');
          return lines.slice(0, last + 1);
        }
        await once(ev, 'data');
      }
    },
    send: (s: string) => sock.write(s),
    detach: () => sock.removeAllListeners('data'),
  };
}


/**
 * A firewall (`device`, `config`) in front of a `rawServer`, and a `lineClient` connected to it;
 * what it starts is pushed on `cleanup` (run it in `afterEach`).
 */
export async function firewallBehind(cleanup: (() => Promise<unknown>)[], device: string, config?: string, tlsCert?: { key: string; cert: string }) {
  const srv = await rawServer({ tls: tlsCert });
  cleanup.push(srv.close);
  const events: FirewallEvent[] = [];
  const fw = await startFirewall({ name: 'fw', device, config, clock: monotonicClock(), upstream: { host: '127.0.0.1', port: srv.port }, onEvent: (e) => events.push(e) });
  cleanup.push(() => fw.stop());
  const sock = net.connect(fw.port, '127.0.0.1');
  cleanup.push(async () => sock.destroy());
  await once(sock, 'connect');
  return { srv, fw, sock, c: lineClient(sock), events };
}
