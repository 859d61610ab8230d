import net from 'node:net';
import { listenTracked } from './listen.js';
import tls from 'node:tls';

const TERMINATOR = Buffer.from('\r\n.\r\n');

/**
 * A minimal SMTP server for the benches: the cheapest honest peer.
 * With `secureContext` it advertises STARTTLS and upgrades with a plain `tls.TLSSocket`
 * (the floor of bench 1); without, it is a read-and-discard sink (bench 2).
 * DATA is scanned for CRLF.CRLF only, never split into lines or kept.
 */
export async function startMiniServer({ hostname = 'mini.example', secureContext, host = '127.0.0.1' } = {}) {
  const sockets = new Set();
  const stats = { sessions: 0, messages: 0, dataBytes: 0 };
  const server = net.createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    stats.sessions++;
    serve(socket, hostname, secureContext, stats);
  });
  return { ...(await listenTracked(server, host, sockets)), stats };
}

function serve(raw, hostname, secureContext, stats) {
  let sock = raw;
  let secure = false;
  let inData = false;
  let tail = Buffer.alloc(0);
  let cmd = '';
  const reply = (...lines) => sock.write(lines.join('\r\n') + '\r\n');

  const onData = (chunk) => {
    if (inData) return data(chunk);
    cmd += chunk.toString('latin1');
    let i;
    while (!inData && (i = cmd.indexOf('\r\n')) >= 0) {
      const line = cmd.slice(0, i);
      cmd = cmd.slice(i + 2);
      if (command(line) === 'upgrade') return;
    }
    if (inData && cmd.length) {
      const rest = Buffer.from(cmd, 'latin1');
      cmd = '';
      data(rest);
    }
  };

  // finds CRLF.CRLF without copying the chunk: only the seam with the previous chunk is joined
  const data = (chunk) => {
    let end = -1; // index in `chunk` just past the terminator
    if (tail.length) {
      const seam = Buffer.concat([tail, chunk.subarray(0, TERMINATOR.length - 1)]);
      const j = seam.indexOf(TERMINATOR);
      if (j >= 0) end = j + TERMINATOR.length - tail.length;
    }
    if (end < 0) {
      const k = chunk.indexOf(TERMINATOR);
      if (k >= 0) end = k + TERMINATOR.length;
    }
    if (end < 0) {
      stats.dataBytes += chunk.length;
      const keep = TERMINATOR.length - 1;
      tail = chunk.length >= keep ? Buffer.from(chunk.subarray(chunk.length - keep)) : Buffer.concat([tail, chunk]).subarray(-keep);
      return;
    }
    stats.dataBytes += end;
    inData = false;
    tail = Buffer.alloc(0);
    stats.messages++;
    reply('250 2.0.0 Ok: queued as BENCH');
    if (end < chunk.length) onData(chunk.subarray(end));
  };

  const command = (line) => {
    const verb = line.slice(0, 4).toUpperCase();
    switch (verb) {
      case 'EHLO': {
        const ext = ['PIPELINING', '8BITMIME', ...(secureContext && !secure ? ['STARTTLS'] : [])];
        const all = [hostname, ...ext];
        return reply(...all.map((e, n) => `250${n === all.length - 1 ? ' ' : '-'}${e}`));
      }
      case 'HELO':
        return reply(`250 ${hostname}`);
      case 'STAR':
        if (!secureContext || secure) return reply('502 5.5.1 Not implemented');
        reply('220 2.0.0 Ready to start TLS');
        sock.removeListener('data', onData);
        cmd = ''; // anything pipelined after STARTTLS is dropped (RFC 3207)
        secure = true;
        sock = new tls.TLSSocket(raw, { isServer: true, secureContext });
        sock.on('error', () => raw.destroy());
        sock.on('data', onData);
        return 'upgrade';
      case 'MAIL':
        return reply('250 2.1.0 Ok');
      case 'RCPT':
        return reply('250 2.1.5 Ok');
      case 'DATA':
        inData = true;
        tail = Buffer.from('\r\n'); // an empty body is just ".\r\n"
        return reply('354 End data with <CR><LF>.<CR><LF>');
      case 'RSET':
      case 'NOOP':
        return reply('250 2.0.0 Ok');
      case 'QUIT':
        reply('221 2.0.0 Bye');
        return sock.end();
      default:
        return reply('502 5.5.2 Error: command not recognized');
    }
  };

  raw.on('error', () => raw.destroy());
  raw.on('data', onData);
  reply(`220 ${hostname} ESMTP mini`);
}
