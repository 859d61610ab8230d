import { afterEach, describe, expect, it } from 'vitest';
import type { PersonaName, StartedReceiver } from '../src/actors/receiver/index.js';
import { personas } from '../src/actors/receiver/index.js';
import { receiver, testCerts, Wire } from './receiver-helpers.js';

const open: Array<{ stop(): Promise<void> } | Wire> = [];
afterEach(async () => {
  for (const x of open.splice(0)) await ('stop' in x ? x.stop() : x.close());
});

async function session(o: Parameters<typeof receiver>[0]): Promise<{ r: StartedReceiver; w: Wire; banner: string[] }> {
  const r = await receiver(o);
  open.push(r);
  const w = await Wire.connect(r.port);
  open.push(w);
  return { r, w, banner: await w.reply() };
}

interface Expected {
  banner: RegExp;
  ehlo: (tls: boolean, size?: number) => string[];
  unknown: string;
  tlsRequired: string;
  startTls: string;
}

const H = 'esa.example.com';
const expected: Record<PersonaName, Expected> = {
  asyncos: {
    banner: /^220 esa\.example\.com ESMTP$/,
    ehlo: (tls, size = 10485760) => (tls ? [`250-${H}`, '250-8BITMIME', `250-SIZE ${size}`, '250 STARTTLS'] : [`250-${H}`, '250-8BITMIME', `250 SIZE ${size}`]),
    unknown: '500 #5.5.1 command not recognized',
    tlsRequired: '530 #5.7.0 Must issue a STARTTLS command first',
    startTls: '220 Go ahead with TLS',
  },
  postfix: {
    banner: /^220 esa\.example\.com ESMTP Postfix$/,
    ehlo: (tls, size = 10240000) => [
      `250-${H}`, '250-PIPELINING', `250-SIZE ${size}`, '250-VRFY', '250-ETRN', ...(tls ? ['250-STARTTLS'] : []),
      '250-ENHANCEDSTATUSCODES', '250-8BITMIME', '250-DSN', '250-SMTPUTF8', '250 CHUNKING',
    ],
    unknown: '502 5.5.2 Error: command not recognized',
    tlsRequired: '530 5.7.0 Must issue a STARTTLS command first',
    startTls: '220 2.0.0 Ready to start TLS',
  },
  sendmail: {
    banner: /^220 esa\.example\.com ESMTP Sendmail 8\.14\.4\/8\.14\.4; \w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d \+0000$/,
    ehlo: (tls, size) => [
      `250-${H} Hello [127.0.0.1], pleased to meet you`, '250-ENHANCEDSTATUSCODES', '250-PIPELINING', '250-8BITMIME',
      size ? `250-SIZE ${size}` : '250-SIZE', '250-DSN', '250-ETRN', '250-AUTH DIGEST-MD5 CRAM-MD5 LOGIN PLAIN',
      ...(tls ? ['250-STARTTLS'] : []), '250-DELIVERBY', '250 HELP',
    ],
    unknown: '500 5.5.1 Command unrecognized: "XXXXXXXX"',
    tlsRequired: '530 5.7.0 Must issue a STARTTLS command first',
    startTls: '220 2.0.0 Ready to start TLS',
  },
  exchange: {
    banner: /^220 esa\.example\.com Microsoft ESMTP MAIL Service, Version: 6\.0\.3790\.4675 ready at {2}\w{3}, \d{1,2} \w{3} \d{4} \d\d:\d\d:\d\d \+0000 $/,
    ehlo: (tls, size) => [
      `250-${H} Hello [127.0.0.1]`, '250-TURN', size ? `250-SIZE ${size}` : '250-SIZE', '250-ETRN', '250-PIPELINING', '250-DSN',
      '250-ENHANCEDSTATUSCODES', '250-8bitmime', ...(tls ? ['250-STARTTLS'] : []), '250-BINARYMIME', '250-CHUNKING', '250-VRFY',
      '250-X-EXPS GSSAPI NTLM LOGIN', '250-X-EXPS=LOGIN', '250-AUTH GSSAPI NTLM LOGIN', '250-AUTH=LOGIN', '250-X-LINK2STATE',
      '250-XEXCH50', '250 OK',
    ],
    unknown: '500 5.3.3 Unrecognized command',
    tlsRequired: '530 5.7.0 Must issue a STARTTLS command first',
    startTls: '220 2.0.0 SMTP server ready',
  },
  generic: {
    banner: /^220 esa\.example\.com ESMTP$/,
    ehlo: (tls, size) => {
      const l = [`${H} Nice to meet you, [127.0.0.1]`, 'PIPELINING', '8BITMIME', ...(tls ? ['STARTTLS'] : []), ...(size ? [`SIZE ${size}`] : [])];
      return l.map((x, i) => `250${i < l.length - 1 ? '-' : ' '}${x}`);
    },
    unknown: '500 Error: command not recognized',
    tlsRequired: '530 Must issue a STARTTLS command first',
    startTls: '220 Ready to start TLS',
  },
};

it('has a persona for every name, each with banner, EHLO and unknown-command replies', () => {
  expect(Object.keys(personas).sort()).toEqual(Object.keys(expected).sort());
});

describe.each(Object.keys(expected) as PersonaName[])('persona %s', (persona) => {
  const e = expected[persona];

  it('greets and lists EHLO keywords exactly (tls preferred)', async () => {
    const { w, banner } = await session({ persona });
    expect(banner).toHaveLength(1);
    expect(banner[0]).toMatch(e.banner);
    expect(await w.cmd('EHLO partner.example')).toEqual(e.ehlo(true));
  });

  it('omits STARTTLS with tls off, and advertises the given size', async () => {
    const { w } = await session({ persona, tls: 'off', size: 14680064 });
    expect(await w.cmd('EHLO partner.example')).toEqual(e.ehlo(false, 14680064));
  });

  it('answers an unknown (firewall-masked) command with its own text, and view() shows it as received', async () => {
    const { r, w } = await session({ persona });
    await w.cmd('EHLO partner.example');
    expect(await w.cmd('XXXXXXXX')).toEqual([e.unknown]);
    expect(await w.cmd('QUIT')).toHaveLength(1);
    await w.closedByServer();
    expect(r.connections[0].view().commands).toEqual(['EHLO partner.example', 'XXXXXXXX', 'QUIT']);
  });

  it('with tls: required refuses MAIL before STARTTLS, allows EHLO and NOOP', async () => {
    const { w } = await session({ persona, tls: 'required' });
    expect((await w.cmd('EHLO partner.example'))[0]).toMatch(/^250-/);
    expect((await w.cmd('NOOP'))[0]).toMatch(/^250 /);
    expect(await w.cmd('MAIL FROM:<a@partner.example>')).toEqual([e.tlsRequired]);
    expect(await w.cmd('RCPT TO:<b@example.com>')).toEqual([e.tlsRequired]);
  });

  it('upgrades with STARTTLS, then EHLO no longer offers STARTTLS and mail is accepted inside TLS', async () => {
    const { r, w } = await session({ persona, tls: 'required' });
    await w.cmd('EHLO partner.example');
    expect(await w.cmd('STARTTLS')).toEqual([e.startTls]);
    const secure = await w.upgrade((await testCerts()).ca);
    expect(secure.authorized).toBe(true);
    expect(await w.cmd('EHLO partner.example')).toEqual(e.ehlo(false));
    expect((await w.cmd('MAIL FROM:<a@partner.example>'))[0]).toMatch(/^250 /);
    expect((await w.cmd('RCPT TO:<b@example.com>'))[0]).toMatch(/^250 /);
    expect((await w.cmd('DATA'))[0]).toMatch(/^354 /);
    expect((await w.cmd('Subject: t\r\n\r\nhello\r\n.'))[0]).toMatch(/^250 /);
    await w.cmd('QUIT');
    await w.closedByServer();
    const c = r.connections[0];
    await c.closed;
    expect(c.view()).toMatchObject({ tls: true, accepted: true, headers: ['Subject: t'] });
    const tlsLines = c.recorder.entries.filter((x) => x.tls).map((x) => `${x.dir} ${x.text}`);
    expect(tlsLines).toContain('c2s EHLO partner.example');
    expect(c.recorder.entries.some((x) => x.dir === 'c2s' && x.text === 'STARTTLS' && !x.tls)).toBe(true);
  });
});
