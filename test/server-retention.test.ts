/**
 * Long-running servers keep bounded memory: `onConnection` hands out each connection as it starts and
 * `keepClosed` forgets the oldest closed ones (what `mxlab proxy` and `mxlab receiver` use, with 0); a
 * connection's firewall events are capped, the rest counted.
 */
import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { startFirewall, type FirewallConnection } from '../src/actors/firewall/index.js';
import type { FirewallEvent } from '../src/model/result.js';
import type { ReceiverConnection } from '../src/actors/receiver/index.js';
import { monotonicClock } from '../src/model/clock.js';
import { lineClient, rawServer } from './helpers/raw-server.js';
import { map } from './helpers/engine.js';
import { receiver } from './receiver-helpers.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

/** One SMTP session to `port`: greeting, the commands, QUIT; resolves when the socket is closed. */
async function session(port: number, commands: string[]): Promise<void> {
  const sock = net.connect(port, '127.0.0.1');
  cleanup.push(async () => sock.destroy());
  await once(sock, 'connect');
  const c = lineClient(sock);
  await c.reply();
  for (const cmd of [...commands, 'QUIT']) {
    c.send(`${cmd}\r\n`);
    await c.reply();
  }
  sock.end();
  if (!sock.closed) await once(sock, 'close');
}

describe('keepClosed and onConnection', () => {
  it('firewall: every connection is handed out; only the newest closed one is kept', async () => {
    const srv = await rawServer();
    cleanup.push(srv.close);
    const seen: FirewallConnection[] = [];
    const fw = await startFirewall({ name: 'fw', device: 'asa 9.12(4)', clock: monotonicClock(), upstream: { host: '127.0.0.1', port: srv.port }, onConnection: (c) => seen.push(c), keepClosed: 1 });
    cleanup.push(() => fw.stop());
    for (let i = 0; i < 4; i++) await session(fw.port, ['HELO a']);
    await Promise.all(seen.map((c) => c.closed));
    expect(seen.map((c) => c.id)).toEqual([1, 2, 3, 4]);
    expect(fw.connections.map((c) => c.id)).toEqual([4]);
    expect(fw.byClientPort(seen[0].clientPort)).toBeUndefined();
    expect(seen[0].clientHop.entries.length).toBeGreaterThan(0); // the caller's own reference still holds it
  });

  it('firewall: by default every connection stays (a scenario run reads them afterwards)', async () => {
    const srv = await rawServer();
    cleanup.push(srv.close);
    const fw = await startFirewall({ name: 'fw', device: 'none', clock: monotonicClock(), upstream: { host: '127.0.0.1', port: srv.port } });
    cleanup.push(() => fw.stop());
    for (let i = 0; i < 3; i++) await session(fw.port, []);
    await Promise.all(fw.connections.map((c) => c.closed));
    expect(fw.connections.map((c) => c.id)).toEqual([1, 2, 3]);
  });

  it('receiver: ids keep counting while closed connections are forgotten', async () => {
    const seen: ReceiverConnection[] = [];
    const r = await receiver({ persona: 'generic', tls: 'off', onConnection: (c) => seen.push(c), keepClosed: 2 });
    cleanup.push(() => r.stop());
    for (let i = 0; i < 5; i++) await session(r.port, ['HELO a']);
    await Promise.all(seen.map((c) => c.closed));
    expect(seen.map((c) => c.id)).toEqual([1, 2, 3, 4, 5]);
    expect(r.connections.map((c) => c.id)).toEqual([4, 5]);
    expect(r.byRemotePort(seen[0].remotePort)).toBeUndefined();
  });
});

describe('events per connection', () => {
  it('past maxEventsPerConnection events are counted, passed on, noted once in the transcript, not kept', async () => {
    const srv = await rawServer();
    cleanup.push(srv.close);
    const live: FirewallEvent[] = [];
    const fw = await startFirewall({
      name: 'fw',
      device: 'asa 9.12(4)',
      config: map([' match cmd verb NOOP', '  log']),
      clock: monotonicClock(),
      upstream: { host: '127.0.0.1', port: srv.port },
      onEvent: (e) => live.push(e),
      maxEventsPerConnection: 3,
    });
    cleanup.push(() => fw.stop());
    await session(fw.port, Array.from({ length: 7 }, () => 'NOOP'));
    const conn = fw.connections[0];
    await conn.closed;
    const noops = live.filter((e) => e.rule === 'match-cmd-verb');
    expect(noops).toHaveLength(7);
    expect(conn.events).toHaveLength(3);
    expect(conn.eventsDropped).toBe(live.length - 3);
    expect(conn.clientHop.entries.filter((e) => e.text.includes('events past 3'))).toHaveLength(1);
  });
});
