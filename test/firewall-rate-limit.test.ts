/**
 * `rate-limit N` (an ASA action, CONFIRMED): the matching events of one match line on one connection
 * pass at most N a second, bursts of N; the segment of an event over the rate is held until the rate
 * allows it (INFERRED: a dropped TCP segment comes back as a retransmission, so the net effect is delay).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { engine, errors, map, send } from './helpers/engine.js';
import { firewallBehind } from './helpers/raw-server.js';

/** the run's clock, moved by hand */
let t = 0;
const clock = { now: () => t };
const noop = (action: string[]) => engine(map([' match cmd verb NOOP', ...action.map((a) => `  ${a}`)]), undefined, clock);

describe('rate-limit N (pure, on the run clock moved by hand)', () => {
  beforeEach(() => {
    t = 1000;
  });

  it('N events pass at once, the next ones are held 1/N s each; the rate refills with time', () => {
    const e = noop(['rate-limit 2']);
    const go = () => send(e, 'NOOP\r\n');
    for (let i = 0; i < 2; i++) expect(go()).toMatchObject({ delayMs: 0, events: [], forward: Buffer.from('NOOP\r\n') });
    const held = go();
    expect(held.delayMs).toBe(500);
    expect(held.forward?.toString()).toBe('NOOP\r\n');
    expect(held.events.map((x) => [x.rule, x.action])).toEqual([['match-cmd-verb', 'delay']]);
    expect(held.events[0].log).toContain('match cmd verb NOOP: rate-limit 2; command NOOP; over the rate, held 500 ms');
    t += 500; // the held NOOP is sent now; the next one waits its turn
    expect(go().delayMs).toBe(500);
    t += 1500;
    expect(go().delayMs).toBe(0);
    expect(send(e, 'HELO x\r\n').delayMs).toBe(0); // not a matching event
  });

  it('per connection: another connection has its own rate; `log` logs the events within the rate', () => {
    const a = noop(['rate-limit 1']);
    expect(send(a, 'NOOP\r\n').delayMs).toBe(0);
    expect(send(a, 'NOOP\r\n').delayMs).toBe(1000);
    const b = noop(['rate-limit 1', 'log']);
    const out = send(b, 'NOOP\r\n');
    expect(out.delayMs).toBe(0);
    expect(out.events.map((x) => [x.rule, x.action])).toEqual([['match-cmd-verb', 'log']]);
  });

  it('works with any criterion, e.g. a sender regex', () => {
    const e = engine(map([' match sender-address regex "@bulk\\.example>?$"', '  rate-limit 1']), undefined, clock);
    expect(send(e, 'MAIL FROM:<a@bulk.example>\r\n').delayMs).toBe(0);
    e.process('server', Buffer.from('250 ok\r\n'));
    expect(send(e, 'MAIL FROM:<a@ok.example>\r\n').delayMs).toBe(0);
    e.process('server', Buffer.from('250 ok\r\n'));
    expect(send(e, 'MAIL FROM:<b@bulk.example>\r\n').delayMs).toBe(1000);
  });

  it('config: a rate of 1 or more messages per second', () => {
    for (const bad of ['rate-limit', 'rate-limit 0', 'rate-limit x', 'rate-limit 1 2']) {
      expect(errors(map([' match cmd verb NOOP', `  ${bad}`]))[0], bad).toMatchObject({ line: 3, message: "% Invalid input detected at '^' marker." });
    }
  });
});

describe('rate-limit over sockets', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!();
  });

  it('the second NOOP within a second is held, then reaches the server; both get their replies', async () => {
    const { srv, fw, c, events } = await firewallBehind(cleanup, 'asa 9.12(4)', map([' match cmd verb NOOP', '  rate-limit 1']));
    await c.reply();
    for (let i = 0; i < 2; i++) {
      c.send('NOOP\r\n');
      expect(await c.reply()).toEqual(['500 #5.5.1 command not recognized']);
    }
    expect(srv.text()).toBe('NOOP\r\nNOOP\r\n');
    const held = events.filter((e) => e.rule === 'match-cmd-verb');
    expect(held.map((e) => e.action)).toEqual(['delay']);
    expect(held[0].log).toMatch(/over the rate, held \d+ ms; from outside:/);
    expect(fw.connections[0].events).toEqual(events);
  });
});
