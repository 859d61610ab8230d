import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { firewallBehind } from './helpers/raw-server.js';

/** What the config changes on the wire besides the inspection: segment size, idle timeout, the log's labels. */
const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const INSPECT = 'policy-map global_policy\n class inspection_default\n  inspect esmtp';
const LONG_MAIL = `MAIL FROM:<${'a'.repeat(60)}@partner.example>`;

async function mailThrough(config: string) {
  const { srv, c } = await firewallBehind(cleanup, 'pix 7.2(2)', config);
  await c.reply();
  c.send('HELO partner.example\r\n');
  await c.reply();
  c.send(`${LONG_MAIL}\r\n`);
  await c.reply();
  return srv.text().split('\r\n').find((l) => l.startsWith('MAIL') || l.startsWith('XXXX'));
}

describe('config lines that change the wire', () => {
  it('sysopt connection tcpmss: the long MAIL line arrives in segments, and the 7.2(2) engine masks each one that is no valid command', async () => {
    expect(await mailThrough(INSPECT)).toBe(LONG_MAIL);
    expect(await mailThrough(`${INSPECT}\nsysopt connection tcpmss 48`)).toBe('X'.repeat(LONG_MAIL.length));
  });

  it('timeout conn: an idle connection is closed after the configured time', async () => {
    const { sock, c } = await firewallBehind(cleanup, 'asa 9.12(4)', `${INSPECT}\ntimeout conn 0:00:01 half-closed 0:10:00`);
    await c.reply();
    await once(sock, 'close');
    expect(sock.destroyed).toBe(true);
  });

  it('timeout conn: bytes that arrived while the process stalled past the timeout are activity, not idleness; real silence still closes', async () => {
    const { sock, c } = await firewallBehind(cleanup, 'asa 9.12(4)', `${INSPECT}\ntimeout conn 0:00:01 half-closed 0:10:00`);
    await c.reply();
    const closed = new Promise((r) => sock.once('close', r));
    c.send('HELO partner.example\r\n');
    // the whole process (client, firewall, server) stalls for 1.5 s right after the command left: when the loop
    // runs again the firewall's 1 s idle timer is due before its read of the HELO (Node runs timers first)
    const t0 = Date.now();
    while (Date.now() - t0 < 1500);
    const early = closed.then(() => Promise.reject(new Error('the firewall closed the connection as idle before the HELO was answered')));
    expect(await Promise.race([c.reply(), early])).toEqual(['250 esa.example.com']);
    early.catch(() => undefined);
    expect(sock.destroyed).toBe(false);
    // and the idle timer is armed again: a connection that then says nothing is closed
    await closed;
  });

  it("the config's interface names and the receiver's inside address label the log lines", async () => {
    const config = ['interface Ethernet0/0', ' nameif internet', ' security-level 0', 'interface Ethernet0/1', ' nameif servers', ' security-level 100', 'static (servers,internet) 203.0.113.25 10.9.9.25 netmask 255.255.255.255', INSPECT].join('\n');
    const { c, events } = await firewallBehind(cleanup, 'asa 9.12(4)', config);
    await c.reply();
    c.send('EHLO partner.example\r\n');
    await c.reply();
    expect(events.map((e) => e.log).join('\n')).toMatch(/from internet:127\.0\.0\.1\/\d+ to servers:10\.9\.9\.25\/25/);
  });
});
