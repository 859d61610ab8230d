import net from 'node:net';
import { listenTracked } from './listen.js';

/** A plain TCP relay (two `pipe()`s): the baseline a firewall emulator is compared with. */
export async function startTcpRelay({ upstream, host = '127.0.0.1' }) {
  const sockets = new Set();
  const track = (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };
  const server = net.createServer((client) => {
    const up = net.connect(upstream);
    track(client);
    track(up);
    client.pipe(up);
    up.pipe(client);
    const kill = () => {
      client.destroy();
      up.destroy();
    };
    client.on('error', kill);
    up.on('error', kill);
    client.once('close', () => up.end());
    up.once('close', () => client.end());
  });
  return listenTracked(server, host, sockets);
}
