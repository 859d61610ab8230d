import { describe, expect, it } from 'vitest';
import { ConnectionEngine } from '../src/actors/firewall/engine/engine.js';
import { resolveDevice } from '../src/actors/firewall/index.js';
import { RULES, type RuleSpec } from '../src/actors/firewall/rules/index.js';
import { readdirSync } from 'node:fs';
import { EXCHANGE_PGT, SENDMAIL_UF13 } from './helpers/published-server.js';

const clock = { now: () => 0 };
const info = { id: 1, node: 'fw', clientAddress: '192.0.2.1', clientPort: 40000, serverAddress: '10.0.0.25', serverPort: 25, syslogPrefix: '%ASA' };

function engineFor(rules: RuleSpec[]) {
  return new ConnectionEngine(info, rules, clock);
}
function device(d: string, config?: string) {
  const r = resolveDevice(d, config);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return new ConnectionEngine({ ...info, syslogPrefix: r.profile.syslogPrefix }, r.profile.rules, clock);
}
const B = (s: string) => Buffer.from(s, 'latin1');
const fwd = (e: ConnectionEngine, dir: 'client' | 'server', s: string) => e.process(dir, B(s)).forward?.toString('latin1');

/** banner, EHLO, then the server's EHLO reply; returns what the client got */
function ehlo(e: ConnectionEngine, reply: string[]): string[] {
  fwd(e, 'server', '220 mx.example.com ESMTP\r\n');
  fwd(e, 'client', 'EHLO client.example\r\n');
  return fwd(e, 'server', reply.map((l) => `${l}\r\n`).join(''))!.split('\r\n').slice(0, -1);
}

describe('rule table', () => {
  it('has one file per rule, named like the key', () => {
    const files = readdirSync(new URL('../src/actors/firewall/rules/', import.meta.url)).filter((f) => !['index.ts', 'names.ts'].includes(f));
    expect(files.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual(Object.keys(RULES).sort());
    for (const [name, factory] of Object.entries(RULES)) expect((factory as (o: unknown) => { name: string })({ allowed: [], pass: [], keywords: [], verbs: [], encodings: [], patterns: [], mode: 'keep', style: 'asa', action: { kind: 'log', log: true }, gt: 1, params: [] }).name).toBe(name);
  });
});

describe('mask-ehlo-parameter (OBSERVED format)', () => {
  const rule: RuleSpec = { name: 'mask-ehlo-parameter', options: { pass: ['8BITMIME', 'AUTH', 'BINARYMIME', 'DSN', 'ENHANCEDSTATUSCODES', 'ETRN', 'PIPELINING', 'SIZE'] } };
  it('the seed: ESA STARTTLS → XXXXXXXA', () => {
    expect(ehlo(engineFor([rule]), ['250-esa.example.com', '250-8BITMIME', '250-SIZE 14680064', '250 STARTTLS'])).toEqual([
      '250-esa.example.com',
      '250-8BITMIME',
      '250-SIZE 14680064',
      '250 XXXXXXXA',
    ]);
  });
  it('sendmail: DELIVERBY, HELP → XXXXXXXXA, XXXB', () => {
    expect(ehlo(engineFor([rule]), SENDMAIL_UF13.ehlo)).toEqual(SENDMAIL_UF13.masked);
    expect(SENDMAIL_UF13.masked.slice(-2)).toEqual(['250-XXXXXXXXA', '250 XXXB']);
  });
  it('Exchange 2003: TURN → XXXA, CHUNKING → XXXXXXXB, VRFY → XXXC … 250 OK → 250 XI', () => {
    expect(ehlo(engineFor([rule]), EXCHANGE_PGT.ehlo)).toEqual(EXCHANGE_PGT.masked);
    expect(EXCHANGE_PGT.masked.filter((l) => /^250.X+[A-I]$/.test(l))).toHaveLength(9);
  });
  it('keeps every length, and restarts the letters for the next EHLO', () => {
    const e = engineFor([rule]);
    ehlo(e, ['250-a', '250 STARTTLS']);
    fwd(e, 'client', 'EHLO again\r\n');
    expect(fwd(e, 'server', '250-a\r\n250-CHUNKING\r\n250 STARTTLS\r\n')).toBe('250-a\r\n250-XXXXXXXA\r\n250 XXXXXXXB\r\n');
  });
  it('emits one event whose log names what was masked', () => {
    const e = engineFor([rule]);
    fwd(e, 'server', '220 x\r\n');
    fwd(e, 'client', 'EHLO c\r\n');
    const out = e.process('server', B('250-x\r\n250 STARTTLS\r\n'));
    expect(out.events).toHaveLength(1);
    expect(out.events[0]).toMatchObject({ rule: 'mask-ehlo-parameter', action: 'rewrite', direction: 'server', conn: 1, node: 'fw' });
    expect(out.events[0].log).toContain('STARTTLS → A');
  });
  it('does not touch replies to other commands', () => {
    const e = engineFor([rule]);
    fwd(e, 'server', '220 x\r\n');
    fwd(e, 'client', 'HELP\r\n');
    expect(fwd(e, 'server', '214-STARTTLS\r\n214 end\r\n')).toBe('214-STARTTLS\r\n214 end\r\n');
  });
});

describe('mask-banner', () => {
  it('ASA: 220 kept, the rest *, length kept, space kept by default', () => {
    const e = device('asa 9.12(4)');
    expect(fwd(e, 'server', '220 esa.example.com ESMTP\r\n')).toBe('220 *********************\r\n');
  });
  it('ASA knob banner-space mask', () => {
    const e = device('asa 9.12(4)', '! mxlab knob banner-space mask');
    expect(fwd(e, 'server', '220 mail\r\n')).toBe('220*****\r\n');
  });
  it('Mailguard 5.1+: only 2, 0, the space after the code, CR and LF survive (mail2 → ****2); knob banner-space mask masks the space too', () => {
    const e = device('pix 6.3(5)');
    expect(fwd(e, 'server', '220 mail2 ESMTP Sendmail 8.12.10/8.12.10; Mon, 10 Nov 2003\r\n')).toBe(
      '220******2******************************************2**0*******\r\n'.slice(0, 0) + maskMg('220 mail2 ESMTP Sendmail 8.12.10/8.12.10; Mon, 10 Nov 2003') + '\r\n',
    );
    expect(maskMg('220 mail2')).toBe('220 ****2');
    expect(fwd(device('pix 6.3(5)', '! mxlab knob banner-space mask'), 'server', '220 mail2\r\n')).toBe('220*****2\r\n');
  });
  it('banner split across segments keeps positions', () => {
    const e = device('asa 9.x');
    expect(fwd(e, 'server', '22')).toBe('22');
    expect(fwd(e, 'server', '0 abc')).toBe('0 ***');
    expect(fwd(e, 'server', 'de\r\n')).toBe('**\r\n');
  });
});

/** Mailguard 5.1+: the code and the space after it, then every character but 2 and 0 masked. */
function maskMg(s: string): string {
  return s.slice(0, 4).replace(/[^20 ]/g, '*') + s.slice(4).replace(/[^20]/g, '*');
}

describe('mask-command (per segment)', () => {
  it('client STARTTLS reaches the server as XXXXXXXX', () => {
    const e = device('asa 9.12(4)');
    fwd(e, 'server', '220 x\r\n');
    expect(fwd(e, 'client', 'STARTTLS\r\n')).toBe('XXXXXXXX\r\n');
  });
  it('HELO a typed one byte per segment reaches the server as XXXXXX', () => {
    const e = device('asa 9.12(4)');
    fwd(e, 'server', '220 x\r\n');
    const got = [...'HELO a\r\n'].map((c) => fwd(e, 'client', c)).join('');
    expect(got).toBe('XXXXXX\r\n');
  });
  it('a whole allowed command passes, pipelined lines each judged', () => {
    const e = device('asa 9.12(4)');
    fwd(e, 'server', '220 x\r\n');
    expect(fwd(e, 'client', 'MAIL FROM:<a@b>\r\nBDAT 10\r\nRCPT TO:<c@d>\r\n')).toBe('MAIL FROM:<a@b>\r\nXXXXXXX\r\nRCPT TO:<c@d>\r\n');
  });
  it('a bare-LF command is masked (CRLF required)', () => {
    const e = device('asa 9.12(4)');
    fwd(e, 'server', '220 x\r\n');
    expect(fwd(e, 'client', 'NOOP\n')).toBe('XXXX\n');
  });
  it('message lines inside DATA are not commands', () => {
    const e = device('asa 9.12(4)');
    fwd(e, 'server', '220 x\r\n');
    fwd(e, 'client', 'DATA\r\n');
    fwd(e, 'server', '354 go ahead\r\n');
    expect(fwd(e, 'client', 'Subject: STARTTLS\r\n\r\nSTARTTLS\r\n.\r\n')).toBe('Subject: STARTTLS\r\n\r\nSTARTTLS\r\n.\r\n');
    expect(fwd(e, 'client', 'QUIT\r\n')).toBe('QUIT\r\n');
  });
});

describe('Mailguard (pix 6.3)', () => {
  it('EHLO is masked so the server answers it as unknown; HELO passes', () => {
    const e = device('pix 6.3(5)');
    fwd(e, 'server', '220 x\r\n');
    expect(fwd(e, 'client', 'EHLO client.example\r\n')).toBe('XXXXXXXXXXXXXXXXXXX\r\n');
    fwd(e, 'server', '500 5.3.3 Unrecognized command\r\n');
    expect(fwd(e, 'client', 'HELO client.example\r\n')).toBe('HELO client.example\r\n');
  });
  it('disallowed verb → NOOP padded (default knob)', () => {
    const e = device('pix 6.3(5)');
    fwd(e, 'server', '220 x\r\n');
    expect(fwd(e, 'client', 'VRFY bob\r\n')).toBe('NOOP    \r\n');
  });
  it('knob disallowed ok → the firewall answers 250 OK', () => {
    const e = device('pix 6.3(5)', '! mxlab knob disallowed ok');
    fwd(e, 'server', '220 x\r\n');
    const out = e.process('client', B('VRFY bob\r\n'));
    expect(out.forward).toBeUndefined();
    expect(out.reply?.toString()).toBe('250 OK\r\n');
  });
  it('knob disallowed mask → X', () => {
    const e = device('pix 6.3(5)', '! mxlab knob disallowed mask');
    fwd(e, 'server', '220 x\r\n');
    expect(fwd(e, 'client', 'VRFY bob\r\n')).toBe('XXXXXXXX\r\n');
  });
  it('split-eod-drop knob drops an end of data split across segments', () => {
    const e = device('pix 6.3(5)', '! mxlab knob split-eod-drop on');
    fwd(e, 'server', '220 x\r\n');
    fwd(e, 'client', 'DATA\r\n');
    fwd(e, 'server', '354 go\r\n');
    expect(fwd(e, 'client', 'Subject: x\r\n\r\nbody\r\n')).toBe('Subject: x\r\n\r\nbody\r\n');
    expect(e.process('client', B('.\r\n')).forward?.length ?? 0).toBe(0);
    expect(e.state.phase).toBe('data');
  });
});

const DKIM = [
  'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com; s=sel;',
  '\th=From:To:Subject:Date:Content-Type; bh=abc=; b=xyz=',
  'From: a@example.com',
  'To: b@example.net',
  'Subject: hi',
  'Content-Type: text/plain',
  '',
  'body',
].join('\r\n') + '\r\n';

describe('duplicate-header-bug', () => {
  function toData(e: ConnectionEngine) {
    fwd(e, 'server', '220 x\r\n');
    fwd(e, 'client', 'EHLO c\r\n');
    fwd(e, 'server', '250 x\r\n');
    fwd(e, 'client', 'DATA\r\n');
    fwd(e, 'server', '354 go\r\n');
  }
  it('pix 7.2(2): a DKIM-signed message resets the connection', () => {
    const e = device('pix 7.2(2)');
    toData(e);
    const out = e.process('client', B(DKIM));
    expect(out.terminate).toBe('reset');
    expect(out.events.at(-1)?.log).toContain('SMTP: Multiple Content-Type headers!');
  });
  it('knob close → drop-connection', () => {
    const e = device('pix 7.2(2)', '! mxlab knob duplicate-header-action close');
    toData(e);
    expect(e.process('client', B(DKIM)).terminate).toBe('drop-connection');
  });
  it('a duplicated header resets even without DKIM, across segments', () => {
    const e = device('pix 6.3(5)');
    toData(e);
    expect(e.process('client', B('Received: a\r\nReceiv')).terminate).toBeUndefined();
    expect(e.process('client', B('ed: b\r\nSubject: x\r\n')).terminate).toBe('reset');
  });
  it('fixed in 7.2(2.19) and asa 7.2(3)', () => {
    for (const d of ['pix 7.2(2.19)', 'asa 7.2(3)', 'asa 9.x']) {
      const e = device(d);
      toData(e);
      expect(e.process('client', B(DKIM)).forward?.toString()).toBe(DKIM);
    }
  });
});

describe('replace-pipe (7.0–7.2(2))', () => {
  it('| becomes a space in MAIL/RCPT with log 108002', () => {
    const e = device('pix 7.2(2)');
    fwd(e, 'server', '220 x\r\n');
    const out = e.process('client', B('MAIL FROM:<a|b@c>\r\n'));
    expect(out.forward?.toString()).toBe('MAIL FROM:<a b@c>\r\n');
    expect(out.events[0].log).toMatch(/^%PIX-2-108002: SMTP replaced string: out 192\.0\.2\.1 in 10\.0\.0\.25 data: MAIL FROM:<a\|b@c>$/);
  });
});

describe('default-map limits (asa 9.x)', () => {
  it('cmd line length gt 512 → drop-connection', () => {
    const e = device('asa 9.x');
    fwd(e, 'server', '220 x\r\n');
    const out = e.process('client', B(`HELO ${'a'.repeat(600)}\r\n`));
    expect(out.terminate).toBe('drop-connection');
    expect(out.events[0].rule).toBe('match-cmd-line-length');
  });
  it('RCPT count gt 100 → drop-connection on the 101st', () => {
    const e = device('asa 9.x');
    fwd(e, 'server', '220 x\r\n');
    fwd(e, 'client', 'MAIL FROM:<a@b>\r\n');
    for (let i = 1; i <= 100; i++) expect(e.process('client', B(`RCPT TO:<r${i}@x>\r\n`)).terminate).toBeUndefined();
    expect(e.process('client', B('RCPT TO:<r101@x>\r\n')).terminate).toBe('drop-connection');
  });
  it('header line gt 998 drops, body line gt 998 only logs', () => {
    const e = device('asa 9.x');
    fwd(e, 'server', '220 x\r\n');
    fwd(e, 'client', 'DATA\r\n');
    fwd(e, 'server', '354 go\r\n');
    const body = e.process('client', B(`Subject: x\r\n\r\n${'b'.repeat(1200)}\r\n`));
    expect(body.terminate).toBeUndefined();
    expect(body.events.map((x) => [x.rule, x.action])).toEqual([['match-body-line-length', 'log']]);
    const e2 = device('asa 9.x');
    fwd(e2, 'server', '220 x\r\n');
    fwd(e2, 'client', 'DATA\r\n');
    fwd(e2, 'server', '354 go\r\n');
    expect(e2.process('client', B(`X-Long: ${'h'.repeat(500)}`)).terminate).toBeUndefined();
    expect(e2.process('client', B(`${'h'.repeat(500)}\r\n`)).terminate).toBe('drop-connection');
  });
  it('sender-address length gt 320 and MIME filename length gt 255', () => {
    const e = device('asa 9.x');
    fwd(e, 'server', '220 x\r\n');
    expect(e.process('client', B(`MAIL FROM:<${'s'.repeat(321)}@x>\r\n`)).terminate).toBe('drop-connection');
    const e2 = device('asa 9.x');
    fwd(e2, 'server', '220 x\r\n');
    fwd(e2, 'client', 'DATA\r\n');
    fwd(e2, 'server', '354 go\r\n');
    expect(e2.process('client', B(`Content-Disposition: attachment; filename="${'f'.repeat(256)}"\r\n`)).terminate).toBe('drop-connection');
  });
  it('MIME filename length reads body lines only under a multipart or message header (part headers live there)', () => {
    const long = `Content-Disposition: attachment; filename="${'f'.repeat(256)}"\r\n`;
    const body = `${'QUJD'.repeat(19)}\r\n`.repeat(900); // a 70 KB segment: the bulk body path
    for (const [type, drops] of [['text/plain', false], ['application/octet-stream', false], ['multipart/mixed; boundary=b', true], ['message/rfc822', true]] as const) {
      for (const bulk of [false, true]) {
        const e = device('asa 9.x');
        fwd(e, 'server', '220 x\r\n');
        fwd(e, 'client', 'DATA\r\n');
        fwd(e, 'server', '354 go\r\n');
        expect(e.process('client', B(`Subject: s\r\nContent-Type: ${type}\r\n\r\n`)).terminate).toBeUndefined();
        const out = e.process('client', B(bulk ? `${body}--b\r\n${long}${body}` : `--b\r\n${long}`));
        expect(out.terminate, `${type} ${bulk}`).toBe(drops ? 'drop-connection' : undefined);
      }
    }
  });
});

describe('allow-tls', () => {
  it('passes STARTTLS and the 220, then stops inspecting', () => {
    const e = device('asa 9.x', 'policy-map type inspect esmtp _default_esmtp_map\n parameters\n  allow-tls action log\n');
    expect(ehlo(e, ['250-x', '250-SIZE 10', '250 STARTTLS']).at(-1)).toBe('250 STARTTLS');
    expect(fwd(e, 'client', 'STARTTLS\r\n')).toBe('STARTTLS\r\n');
    const out = e.process('server', B('220 ready\r\n'));
    expect(out.events.map((x) => x.rule)).toContain('allow-tls');
    expect(e.state.phase).toBe('tls-passthrough');
    const hello = B('\x16\x03\x01\x02\x00STARTTLS BDAT');
    expect(e.process('client', hello)).toMatchObject({ forward: hello, tls: true });
  });
  it('without allow-tls, a masked STARTTLS never enters TLS', () => {
    const e = device('asa 9.x');
    fwd(e, 'server', '220 x\r\n');
    fwd(e, 'client', 'STARTTLS\r\n');
    fwd(e, 'server', '500 #5.5.1 command not recognized\r\n');
    expect(e.state.phase).toBe('command');
  });
});

describe('robustness', () => {
  it('garbage, NUL, bare LF and a megabyte line never throw, and lengths are kept', () => {
    const e = device('asa 9.x');
    for (const s of ['\0\0\0', '\n\n\r', 'x'.repeat(1 << 20), '\xff\xfe\r\n', '']) {
      const out = e.process('client', B(s));
      if (out.forward) expect(out.forward.length).toBe(s.length);
    }
    expect(e.process('server', B('x'.repeat(1 << 20))).forward?.length).toBe(1 << 20);
  });
});
