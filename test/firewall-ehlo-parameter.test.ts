/**
 * `match [not] ehlo-reply-parameter P…` with each action: `mask` (one rule for all the map's mask lines, so the
 * counting letter runs over every masked line of a reply), `log`, `drop-connection`. Named keywords, `others`
 * and `not` combine.
 */
import { describe, expect, it } from 'vitest';
import { engine, errors, map, send } from './helpers/engine.js';

const REPLY = ['250-mx.example.com Hello c [192.0.2.1]', '250-PIPELINING', '250-SIZE 10240000', '250-8BITMIME', '250-STARTTLS', '250 DSN'];

function ehlo(lines: string[]) {
  const e = engine(map(lines));
  send(e, 'EHLO c\r\n');
  const out = e.process('server', Buffer.from(REPLY.map((l) => `${l}\r\n`).join('')));
  return { out, reply: out.forward?.toString('latin1').split('\r\n').slice(0, -1) };
}

const masked = (prefix: string, text: string, letter: string) => prefix + 'X'.repeat(text.length - 1) + letter;

describe('match ehlo-reply-parameter', () => {
  it('a named keyword with mask: that line alone is masked, length kept, counting letter A', () => {
    const { reply, out } = ehlo([' match ehlo-reply-parameter size', '  mask']);
    expect(reply).toEqual([REPLY[0], REPLY[1], masked('250-', 'SIZE 10240000', 'A'), REPLY[3], REPLY[4], REPLY[5]]);
    expect(out.events.map((x) => x.log)).toEqual([expect.stringContaining('ehlo-reply-parameter size masked: SIZE 10240000 → A')]);
  });

  it('mask lines combine into one count: others and a named keyword', () => {
    const { reply } = ehlo([' match ehlo-reply-parameter others', '  mask', ' match ehlo-reply-parameter Size', '  mask log']);
    // PIPELINING, 8BITMIME and DSN are in the pass set; SIZE is named; STARTTLS is one of the others
    expect(reply).toEqual([REPLY[0], REPLY[1], masked('250-', 'SIZE 10240000', 'A'), REPLY[3], masked('250-', 'STARTTLS', 'B'), REPLY[5]]);
  });

  it('match not: every keyword but the named one is masked (the first line never)', () => {
    const { reply } = ehlo([' match not ehlo-reply-parameter 8bitmime', '  mask']);
    expect(reply).toEqual([
      REPLY[0],
      masked('250-', 'PIPELINING', 'A'),
      masked('250-', 'SIZE 10240000', 'B'),
      REPLY[3],
      masked('250-', 'STARTTLS', 'C'),
      masked('250 ', 'DSN', 'D'),
    ]);
  });

  it('drop-connection log: a server advertising the keyword loses the connection, with a log line', () => {
    const { out } = ehlo([' match ehlo-reply-parameter starttls', '  drop-connection log']);
    expect(out.terminate).toBe('drop-connection');
    expect(out.events).toHaveLength(1);
    expect(out.events[0]).toMatchObject({ rule: 'match-ehlo-reply-parameter', action: 'drop-connection' });
    expect(out.events[0].log).toContain('match ehlo-reply-parameter starttls: drop-connection log; EHLO keyword STARTTLS');
  });

  it('log: the reply passes unchanged and the event is kept; a keyword not offered logs nothing', () => {
    const hit = ehlo([' match ehlo-reply-parameter pipelining', '  log']);
    expect(hit.reply).toEqual(REPLY);
    expect(hit.out.events.map((x) => [x.rule, x.action])).toEqual([['match-ehlo-reply-parameter', 'log']]);
    const miss = ehlo([' match ehlo-reply-parameter chunking', '  log']);
    expect(miss.reply).toEqual(REPLY);
    expect(miss.out.events).toEqual([]);
  });

  it('mask stays valid only for ehlo-reply-parameter and cmd verb', () => {
    expect(errors(map([' match sender-address length gt 10', '  mask']))[0]).toMatchObject({ line: 3 });
  });
});
