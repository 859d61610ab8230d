/**
 * `match not <length or count criterion> gt N` (the ASA accepts `not` on every criterion, [ASA9FW]):
 * acts when the value is at most N, judged once the value is final (INFERRED semantics).
 */
import { describe, expect, it } from 'vitest';
import type { ConnectionEngine } from '../src/actors/firewall/engine/engine.js';
import { engine, map, send, toData } from './helpers/engine.js';

const not = (criterion: string, action = 'drop-connection log') => engine(map([` match not ${criterion}`, `  ${action}`]));
const server = (e: ConnectionEngine, s: string) => e.process('server', Buffer.from(s, 'latin1'));
const rules = (out: ReturnType<typeof send>) => out.events.map((x) => [x.rule, x.action]);

describe('match not … gt N: a value of at most N', () => {
  it('cmd line length: a complete command line of at most N octets; a longer one passes', () => {
    const e = not('cmd line length gt 10');
    expect(send(e, 'HELO abcdefghij\r\n').terminate).toBeUndefined();
    server(e, '250 ok\r\n');
    expect(send(e, 'NO').terminate).toBeUndefined(); // not judged before its end
    const out = send(e, 'OP\r\n');
    expect(out.terminate).toBe('drop-connection');
    expect(out.events.find((x) => x.rule === 'match-cmd-line-length')?.log).toContain('match not cmd line length gt 10: drop-connection log; line of 4 octets: "XXOP"'); // its first segment was masked already
  });

  it('cmd RCPT count: judged at DATA — a transaction with at most N recipients', () => {
    const e = not('cmd RCPT count gt 1', 'log');
    expect(rules(send(e, 'MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nRCPT TO:<c@x>\r\nDATA\r\n'))).toEqual([]);
    server(e, '250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n');
    send(e, 'x\r\n.\r\n');
    server(e, '250 queued\r\n');
    const out = send(e, 'MAIL FROM:<a@x>\r\nRCPT TO:<b@x>\r\nDATA\r\n');
    expect(rules(out)).toEqual([['match-cmd-rcpt-count', 'log']]);
    expect(out.events[0].log).toContain('match not cmd RCPT count gt 1: log; DATA after 1 RCPT');
  });

  it('sender-address length and MIME filename length', () => {
    const s = not('sender-address length gt 5');
    expect(send(s, 'MAIL FROM:<abc@example.com>\r\n').terminate).toBeUndefined();
    server(s, '250 ok\r\n');
    expect(send(s, 'MAIL FROM:<a@b.c>\r\n').terminate).toBe('drop-connection');
    const f = not('mime filename length gt 3', 'reset');
    toData(f);
    expect(send(f, 'Content-Disposition: attachment; filename="long.txt"\r\n').terminate).toBeUndefined();
    expect(send(f, 'Content-Disposition: attachment; filename="a.b"\r\n').terminate).toBe('reset');
  });

  it('header line length: a complete header line of at most N (the empty line ending the header is not one)', () => {
    const e = not('header line length gt 20');
    toData(e);
    expect(send(e, 'Subject: a subject of some length\r\n\r\n').terminate).toBeUndefined();
    const e2 = not('header line length gt 20');
    toData(e2);
    expect(send(e2, 'Subject: a subject of some length\r\nTo: b@x\r\n').terminate).toBe('drop-connection');
  });

  it('header length and to-fields count: judged at the end of the header section', () => {
    const short = not('header length gt 50', 'log');
    toData(short);
    expect(rules(send(short, 'To: b@x\r\n'))).toEqual([]);
    expect(rules(send(short, '\r\nbody\r\n'))).toEqual([['match-header-length', 'log']]);
    const long = not('header length gt 50', 'log');
    toData(long);
    expect(rules(send(long, `Subject: ${'s'.repeat(60)}\r\n\r\nbody\r\n.\r\n`))).toEqual([]);
    const noTo = not('header to-fields count gt 0');
    toData(noTo);
    expect(send(noTo, 'Subject: x\r\n').terminate).toBeUndefined();
    expect(send(noTo, '\r\n').terminate).toBe('drop-connection');
    const withTo = not('header to-fields count gt 0');
    toData(withTo);
    expect(send(withTo, 'To: b@x\r\n\r\nbody\r\n.\r\n').terminate).toBeUndefined();
  });

  it('header length / to-fields count: a message ending without a header/body separator is judged at its end of data; each message anew', () => {
    const e = not('header to-fields count gt 1', 'log');
    toData(e);
    expect(rules(send(e, 'To: a@x\r\n.\r\n'))).toEqual([['match-header-to-fields-count', 'log']]);
    server(e, '250 ok\r\n');
    toData(e);
    expect(rules(send(e, 'To: a@x\r\nTo: b@x\r\nTo: c@x\r\n\r\n.\r\n'))).toEqual([]);
  });

  it('body line length (bulk body path): a complete body line of at most N', () => {
    const e = not('body line length gt 5', 'log');
    toData(e);
    send(e, 'Subject: x\r\n\r\n');
    expect(rules(send(e, `${'A'.repeat(76)}\r\n`.repeat(50) + 'B'.repeat(3)))).toEqual([]);
    const out = send(e, 'B\r\nok\r\n');
    expect(rules(out)).toEqual([['match-body-line-length', 'log']]);
    expect(out.events[0].log).toContain('line of 4 octets');
  });

  it('body length: judged at the end of data', () => {
    const small = not('body length gt 10');
    toData(small);
    expect(send(small, 'S: x\r\n\r\nhi\r\n').terminate).toBeUndefined();
    expect(send(small, '.\r\n').terminate).toBe('drop-connection');
    const big = not('body length gt 10');
    toData(big);
    expect(send(big, 'S: x\r\n\r\n0123456789abcdef\r\n.\r\n').terminate).toBeUndefined();
  });

  it('invalid-recipients count: at most N refusals when the server answers DATA', () => {
    const e = not('invalid-recipients count gt 0');
    send(e, 'RCPT TO:<a@x>\r\nDATA\r\n');
    expect(server(e, '550 no such user\r\n').terminate).toBeUndefined();
    expect(server(e, '554 no valid recipients\r\n').terminate).toBeUndefined();
    const ok = not('invalid-recipients count gt 0');
    send(ok, 'RCPT TO:<a@x>\r\nDATA\r\n');
    expect(server(ok, '250 ok\r\n').terminate).toBeUndefined();
    expect(server(ok, '354 go\r\n').terminate).toBe('drop-connection');
  });
});
