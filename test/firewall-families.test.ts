import { describe, expect, it } from 'vitest';
import { ConnectionEngine } from '../src/actors/firewall/engine/engine.js';
import { resolveDevice } from '../src/actors/firewall/index.js';

const clock = { now: () => 0 };
function device(d: string, config?: string) {
  const r = resolveDevice(d, config);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return new ConnectionEngine({ id: 1, node: 'fw', clientAddress: '192.0.2.1', clientPort: 4000, serverAddress: '10.0.0.25', serverPort: 25, syslogPrefix: r.profile.syslogPrefix }, r.profile.rules, clock);
}
const fwd = (e: ConnectionEngine, dir: 'client' | 'server', s: string) => e.process(dir, Buffer.from(s, 'latin1')).forward?.toString('latin1');
const EXCHANGE = ['250-mx Hello', '250-SIZE 52428800', '250-PIPELINING', '250-CHUNKING', '250-BINARYMIME', '250-X-ANONYMOUSTLS', '250-8BITMIME', '250 STARTTLS'];
function ehlo(e: ConnectionEngine, lines: string[]) {
  fwd(e, 'server', '220 mx.example.com ESMTP\r\n');
  fwd(e, 'client', 'EHLO c\r\n');
  return fwd(e, 'server', lines.map((l) => `${l}\r\n`).join(''));
}

describe('pix 4.0/4.1 mailhost', () => {
  it('answers EHLO and other verbs with 250 OK itself', () => {
    const e = device('pix 4.1');
    fwd(e, 'server', '220 x\r\n');
    const out = e.process('client', Buffer.from('EHLO c\r\n'));
    expect(out.reply?.toString()).toBe('250 OK\r\n');
    expect(out.forward).toBeUndefined();
    expect(fwd(e, 'client', 'HELO c\r\n')).toBe('HELO c\r\n');
  });
  it('PIX 4.4 masks every other banner character after the code', () => {
    expect(fwd(device('pix 4.4'), 'server', '220 abcdef\r\n')).toBe('220 *b*d*f\r\n');
  });
});

describe('isp-stripper', () => {
  it('Cricket: banner 200 ****, STARTTLS → XXXXXXXA, other lines untouched', () => {
    const e = device('isp-stripper');
    expect(fwd(e, 'server', '220 mx ESMTP\r\n')).toBe('200 ********\r\n');
    fwd(e, 'client', 'EHLO c\r\n');
    expect(fwd(e, 'server', '250-mx\r\n250-CHUNKING\r\n250-STARTTLS\r\n250 SMTPUTF8\r\n')).toBe('250-mx\r\n250-CHUNKING\r\n250-XXXXXXXA\r\n250 SMTPUTF8\r\n');
    expect(fwd(e, 'client', 'STARTTLS\r\n')).toBe('XXXXXXXX\r\n');
    expect(fwd(e, 'client', 'BDAT 1\r\n')).toBe('BDAT 1\r\n');
  });
  it('knob isp-banner keep (Vodafone)', () => {
    expect(fwd(device('isp-stripper', '! mxlab knob isp-banner keep'), 'server', '220 mx\r\n')).toBe('220 mx\r\n');
  });
});

describe('application proxies remove EHLO lines', () => {
  it('zorp keeps PIPELINING SIZE ETRN 8BITMIME STARTTLS', () => {
    expect(ehlo(device('zorp'), EXCHANGE)).toBe('250-mx Hello\r\n250-SIZE 52428800\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 STARTTLS\r\n');
  });
  it('f-secure-igk removes CHUNKING BINARYMIME PIPELINING STARTTLS, caps SIZE, re-terminates the last line', () => {
    expect(ehlo(device('f-secure-igk'), EXCHANGE)).toBe('250-mx Hello\r\n250-SIZE 10485760\r\n250-X-ANONYMOUSTLS\r\n250 8BITMIME\r\n');
  });
  it('holds a reply split across segments until its last line', () => {
    const e = device('zorp');
    fwd(e, 'server', '220 x\r\n');
    fwd(e, 'client', 'EHLO c\r\n');
    expect(e.process('server', Buffer.from('250-mx\r\n250-SIZE 1\r\n250-CHUNK')).forward?.length ?? 0).toBe(0);
    expect(fwd(e, 'server', 'ING\r\n250 HELP\r\n')).toBe('250-mx\r\n250 SIZE 1\r\n');
    expect(fwd(e, 'server', '221 bye\r\n')).toBe('221 bye\r\n');
  });
});

describe('match criteria from config', () => {
  const map = (lines: string[]) => ['policy-map type inspect esmtp m', ...lines, 'policy-map global_policy', ' class inspection_default', '  inspect esmtp m'].join('\n');
  function inData(e: ConnectionEngine) {
    fwd(e, 'server', '220 x\r\n');
    fwd(e, 'client', 'DATA\r\n');
    fwd(e, 'server', '354 go\r\n');
  }
  it('cmd verb … mask X-es the command; reset resets', () => {
    const e = device('asa 9.x', map([' match cmd verb VRFY EXPN', '  mask log']));
    fwd(e, 'server', '220 x\r\n');
    const out = e.process('client', Buffer.from('VRFY bob\r\n'));
    expect(out.forward?.toString()).toBe('XXXXXXXX\r\n');
    expect(out.events.find((x) => x.rule === 'match-cmd-verb')?.log).toContain('match cmd verb VRFY EXPN: mask log');
    const r = device('asa 9.x', map([' match cmd verb HELP', '  reset']));
    fwd(r, 'server', '220 x\r\n');
    expect(r.process('client', Buffer.from('HELP\r\n')).terminate).toBe('reset');
  });
  it('header length, to-fields count, mime encoding, body length', () => {
    const e1 = device('asa 9.x', map([' match header length gt 20', '  drop-connection']));
    inData(e1);
    expect(e1.process('client', Buffer.from('Subject: a long subject line\r\n')).terminate).toBe('drop-connection');
    const e2 = device('asa 9.x', map([' match header to-fields count gt 1', '  reset log']));
    inData(e2);
    expect(e2.process('client', Buffer.from('To: a@b\r\nTo: c@d\r\n')).terminate).toBe('reset');
    const e3 = device('asa 9.x', map([' match mime encoding others', '  drop-connection log']));
    inData(e3);
    expect(e3.process('client', Buffer.from('Content-Transfer-Encoding: base64\r\n')).terminate).toBeUndefined();
    expect(e3.process('client', Buffer.from('Content-Transfer-Encoding: x-uuencode\r\n')).terminate).toBe('drop-connection');
    const e4 = device('asa 9.x', map([' match body length gt 10', '  log']));
    inData(e4);
    expect(e4.process('client', Buffer.from('S: x\r\n\r\n0123456789abc\r\n')).events.map((x) => [x.rule, x.action])).toEqual([['match-body-length', 'log']]);
  });
  it('invalid-recipients count counts the server refusals', () => {
    const e = device('asa 9.x', map([' match invalid-recipients count gt 1', '  drop-connection log']));
    fwd(e, 'server', '220 x\r\n');
    fwd(e, 'client', 'RCPT TO:<a@x>\r\n');
    expect(e.process('server', Buffer.from('550 no\r\n')).terminate).toBeUndefined();
    fwd(e, 'client', 'RCPT TO:<b@x>\r\n');
    expect(e.process('server', Buffer.from('550 no\r\n')).terminate).toBe('drop-connection');
  });
});
