import { describe, expect, it } from 'vitest';
import { resolveDevice } from '../src/actors/firewall/index.js';
import { startFirewall } from '../src/actors/firewall/index.js';
import { monotonicClock } from '../src/model/clock.js';
import { receiver, Wire } from './receiver-helpers.js';
import { engine, errors, map, send } from './helpers/engine.js';

describe('match [not] sender-address regex', () => {
  it('a named regex (`regex NAME "pattern"`) drops the connection on a matching sender', () => {
    const e = engine(map([' match sender-address regex spam', '  drop-connection log'], ['regex spam "@spam\\.example$"']));
    expect(send(e, 'MAIL FROM:<a@ok.example>\r\n').terminate).toBeUndefined();
    e.process('server', Buffer.from('250 ok\r\n'));
    const out = send(e, 'MAIL FROM:<bulk@spam.example>\r\n');
    expect(out.terminate).toBe('drop-connection');
    expect(out.events[0]).toMatchObject({ rule: 'match-sender-address-regex', action: 'drop-connection' });
    expect(out.events[0].log).toBe(
      'mxlab-fw fw conn 1: match-sender-address-regex: match sender-address regex spam: drop-connection log; sender <bulk@spam.example>; from outside:192.0.2.1/40000 to inside:10.0.0.25/25',
    );
  });
  it('an inline quoted pattern (mxlab extension), case-sensitive like the ASA', () => {
    const e = engine(map([' match sender-address regex "^postmaster@"', '  reset log']));
    expect(send(e, 'MAIL FROM:<Postmaster@x.example>\r\n').terminate).toBeUndefined();
    e.process('server', Buffer.from('250 ok\r\n'));
    expect(send(e, 'MAIL FROM:<postmaster@x.example>\r\n').terminate).toBe('reset');
  });
  it('match not: every sender outside the pattern', () => {
    const cfg = map([' match not sender-address regex inside', '  drop-connection'], ['regex inside @example\\.com$']);
    const ok = engine(cfg);
    expect(send(ok, 'MAIL FROM:<a@example.com>\r\n').terminate).toBeUndefined();
    const bad = engine(cfg);
    const out = send(bad, 'MAIL FROM:<a@example.org>\r\n');
    expect(out.terminate).toBe('drop-connection');
    expect(out.events[0].log).toContain('match not sender-address regex inside: drop-connection');
  });
  it('config errors with line and column', () => {
    expect(errors(map([' match sender-address regex nosuch', '  drop-connection']))).toEqual([
      { line: 2, col: 29, message: 'ERROR: regex nosuch not present', hint: 'define it first: regex nosuch "pattern" (or quote an inline pattern)' },
    ]);
    expect(errors('regex r "a(b"')[0]).toMatchObject({ line: 1, col: 9, message: expect.stringMatching(/^ERROR: invalid regular expression: .*a\(b/) });
    expect(errors(`regex r "${'a'.repeat(101)}"`)[0]).toMatchObject({ line: 1, message: 'ERROR: regular expression longer than 100 characters' });
    expect(errors('regex r')[0]).toMatchObject({ line: 1, col: 8, hint: 'expected a pattern: regex r "pattern"' });
    expect(errors(map([' match sender-address regex class c', '  log']))[0]).toMatchObject({ line: 2, col: 35, message: 'ERROR: class-map c not found' });
    expect(errors(map([' match sender-address regex a b', '  log']), 'asa 9.x')[0]).toMatchObject({ line: 2, col: 31 });
    expect(errors('regex r "x"', 'pix 6.3(5)')[0]).toMatchObject({ line: 1, col: 1, message: "% Invalid input detected at '^' marker." });
  });
  it('no regex removes a definition', () => {
    expect(errors(map([' match sender-address regex r', '  log'], ['regex r x', 'no regex r']))[0]).toMatchObject({ line: 4, message: 'ERROR: regex r not present' });
  });
});

describe('match not cmd verb / mime encoding', () => {
  it('match not cmd verb … mask: an allow-list', () => {
    const e = engine(map([' match not cmd verb HELO MAIL RCPT DATA QUIT', '  mask log']));
    expect(send(e, 'HELO a\r\n').forward?.toString()).toBe('HELO a\r\n');
    e.process('server', Buffer.from('250 ok\r\n'));
    const out = send(e, 'NOOP\r\n');
    expect(out.forward?.toString()).toBe('XXXX\r\n');
    expect(out.events.find((x) => x.rule === 'match-cmd-verb')?.log).toContain('match not cmd verb HELO MAIL RCPT DATA QUIT: mask log');
  });
  it('match not mime encoding 7bit 8bit drops base64', () => {
    const e = engine(map([' match not mime encoding 7bit 8bit', '  drop-connection log']));
    send(e, 'DATA\r\n');
    e.process('server', Buffer.from('354 go\r\n'));
    expect(send(e, 'Content-Transfer-Encoding: 8bit\r\n').terminate).toBeUndefined();
    expect(send(e, 'Content-Transfer-Encoding: base64\r\n').terminate).toBe('drop-connection');
  });
});

describe('[no] special-character', () => {
  const cfg = (act: string) => map([' parameters', `  special-character ${act}`]);
  it.each(['MAIL FROM:<a|b@x.example>', 'RCPT TO:<"a b"@x.example>', "RCPT TO:<o'brien@x.example>"])('%s → drop-connection', (line) => {
    const e = engine(cfg('action drop-connection log'));
    const out = send(e, `${line}\r\n`);
    expect(out.terminate).toBe('drop-connection');
    expect(out.events[0].rule).toBe('special-character');
    expect(out.events[0].log).toMatch(/^mxlab-fw fw conn 1: special-character: special character '.' in (sender|recipient) address <.*>: drop-connection log; from outside:/);
  });
  it('plain addresses pass; `action log` only logs; `no special-character` and the default map do nothing', () => {
    expect(send(engine(cfg('action drop-connection')), 'MAIL FROM:<a.b+c@x.example>\r\n').terminate).toBeUndefined();
    const logged = send(engine(cfg('action log')), 'MAIL FROM:<a|b@x.example>\r\n');
    expect(logged.terminate).toBeUndefined();
    expect(logged.events.map((x) => [x.rule, x.action])).toEqual([['special-character', 'log']]);
    expect(send(engine(map([' parameters', '  special-character action drop-connection', '  no special-character'])), 'MAIL FROM:<a|b@x>\r\n').terminate).toBeUndefined();
    const dflt = resolveDevice('asa 9.12(4)');
    expect(dflt.ok && dflt.profile.rules.map((r) => r.name)).not.toContain('special-character');
    const onDefault = engine('policy-map type inspect esmtp _default_esmtp_map\n parameters\n  special-character action drop-connection');
    expect(send(onDefault, 'RCPT TO:<a|b@x>\r\n').terminate).toBe('drop-connection');
  });
  it('rejects a bad action with its column', () => {
    expect(errors(cfg('action mask'))[0]).toMatchObject({ line: 3, col: 28, hint: 'expected `special-character action drop-connection [log] | log`' });
  });
});

describe('[no] mail-relay DOMAIN action …', () => {
  it('recipients outside the domain are relay attempts', () => {
    const cfg = map([' parameters', '  mail-relay example.com action drop-connection log']);
    const e = engine(cfg);
    for (const r of ['b@example.com', 'b@mx.Example.COM', 'postmaster']) {
      expect(send(e, `RCPT TO:<${r}>\r\n`).terminate).toBeUndefined();
      e.process('server', Buffer.from('250 ok\r\n'));
    }
    const out = send(e, 'RCPT TO:<b@notexample.com>\r\n');
    expect(out.terminate).toBe('drop-connection');
    expect(out.events[0].log).toContain('mail-relay: mail relay to <b@notexample.com> outside example.com: drop-connection log');
  });
  it('action log only logs; errors carry line and column', () => {
    const out = send(engine(map([' parameters', '  mail-relay example.com action log'])), 'RCPT TO:<b@other.org>\r\n');
    expect(out.terminate).toBeUndefined();
    expect(out.events.map((x) => x.action)).toEqual(['log']);
    expect(errors(map([' parameters', '  mail-relay action log']))[0]).toMatchObject({ line: 3, col: 14 });
    expect(errors(map([' parameters', '  mail-relay example.com']))[0]).toMatchObject({ line: 3, col: 25 });
    expect(errors(map([' parameters', '  mail-relay exa_mple.com action log']))[0]).toMatchObject({ line: 3, col: 14 });
  });
});

describe('match header to-fields count gt N', () => {
  it('counts To: fields per message (continuations are not fields), fires on N+1', () => {
    const e = engine(map([' match header to-fields count gt 2', '  drop-connection log']));
    const msg = (to: number) => {
      send(e, 'DATA\r\n');
      e.process('server', Buffer.from('354 go\r\n'));
      const head = Array.from({ length: to }, (_, i) => `To: r${i}@x.example,\r\n  s${i}@x.example\r\n`).join('');
      return send(e, `${head}Subject: t\r\n\r\nbody\r\n.\r\n`);
    };
    expect(msg(2).terminate).toBeUndefined();
    e.process('server', Buffer.from('250 ok\r\n'));
    const out = msg(3);
    expect(out.terminate).toBe('drop-connection');
    expect(out.events[0].log).toContain('match header to-fields count gt 2: drop-connection log; 3 To fields');
  });
});

describe('over sockets', () => {
  it('a sender regex drop closes the client at MAIL; the receiver never sees the MAIL', async () => {
    const rcv = await receiver({ persona: 'postfix' });
    const fw = await startFirewall({ name: 'fw', device: 'asa 9.12(4)', config: map([' match sender-address regex "@spam\\.example>?$"', '  drop-connection log']), clock: monotonicClock(), upstream: { host: '127.0.0.1', port: rcv.port } });
    try {
      const w = await Wire.connect(fw.port);
      await w.reply();
      expect(await w.cmd('HELO c.example')).toEqual(['250 esa.example.com']);
      w.write('MAIL FROM:<x@spam.example>\r\n');
      await w.closedByServer();
      expect(w.rest()).toBe('');
      await fw.connections[0].closed;
      await rcv.connections[0].closed;
      expect(rcv.connections[0].view().commands).toEqual(['HELO c.example']);
      expect(fw.connections[0].events.map((e) => e.rule)).toContain('match-sender-address-regex');
    } finally {
      await fw.stop();
      await rcv.stop();
    }
  });
});
