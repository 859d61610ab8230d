import { describe, expect, it } from 'vitest';
import { resolveDevice } from '../src/actors/firewall/index.js';
import { ConnectionEngine } from '../src/actors/firewall/engine/engine.js';

const clock = { now: () => 0 };
function engine(device: string): ConnectionEngine {
  const r = resolveDevice(device);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return new ConnectionEngine({ id: 1, node: 'fw', clientAddress: '192.0.2.1', clientPort: 40000, serverAddress: '10.0.0.25', serverPort: 25, syslogPrefix: r.profile.syslogPrefix }, r.profile.rules, clock);
}
const B = (s: string) => Buffer.from(s, 'latin1');

describe('replies stay matched to their commands under a pipelined flood', () => {
  for (const n of [10, 256, 257, 1000, 10_000]) {
    it(`${n} NOOPs, then EHLO: the EHLO reply is still recognised and masked (asa 9.12(4))`, () => {
      const e = engine('asa 9.12(4)');
      e.process('server', B('220 esa.example.com ESMTP\r\n'));
      e.process('client', B('NOOP\r\n'.repeat(n) + 'EHLO flood.example\r\n'));
      // the server answers in batches, as it would
      for (let i = 0; i < n; i += 500) e.process('server', B('250 ok\r\n'.repeat(Math.min(500, n - i))));
      const out = e.process('server', B('250-esa.example.com\r\n250-8BITMIME\r\n250 STARTTLS\r\n'));
      expect(out.forward?.toString('latin1')).toBe('250-esa.example.com\r\n250-8BITMIME\r\n250 XXXXXXXA\r\n');
      expect(e.state.pending.length + e.state.forgotten).toBe(0);
      expect(e.state.pending.length).toBeLessThanOrEqual(512);
    });
  }
});

describe('replies the firewall gives itself keep command order (pix 4.1 mailhost)', () => {
  const S = (e: ConnectionEngine, s: string) => e.process('server', B(s));
  const C = (e: ConnectionEngine, s: string) => e.process('client', B(s));
  it('an early talker gets the banner first, then the firewall OK', () => {
    const e = engine('pix 4.1');
    const early = C(e, 'EHLO early.example\r\n');
    expect(early.reply).toBeUndefined();
    expect(early.forward).toBeUndefined();
    expect(S(e, '220 mx.example.com ESMTP\r\n').forward?.toString('latin1')).toMatch(/^220 [^\r]*\r\n250 OK\r\n$/);
  });
  it('an OK owed behind a forwarded MAIL follows the server reply; with nothing outstanding it is immediate', () => {
    const e = engine('pix 4.1');
    S(e, '220 mx ESMTP\r\n');
    expect(C(e, 'MAIL FROM:<a@b.example>\r\n').forward?.toString()).toBe('MAIL FROM:<a@b.example>\r\n');
    expect(C(e, 'VRFY x\r\n').reply).toBeUndefined();
    expect(C(e, 'EXPN y\r\n').reply).toBeUndefined();
    expect(S(e, '250 2.1.0 Ok\r\n').forward?.toString()).toBe('250 2.1.0 Ok\r\n250 OK\r\n250 OK\r\n');
    expect(C(e, 'VRFY z\r\n').reply?.toString()).toBe('250 OK\r\n');
  });
  it('a multi-line reply in pieces: the OK goes after its last line only', () => {
    const e = engine('pix 4.1');
    S(e, '220 mx ESMTP\r\n');
    C(e, 'HELO a\r\n');
    C(e, 'VRFY x\r\n');
    expect(S(e, '250-first\r\n250-sec').forward?.toString()).toBe('250-first\r\n250-sec');
    expect(S(e, 'ond\r\n250 last\r\n').forward?.toString()).toBe('ond\r\n250 last\r\n250 OK\r\n');
  });
});
