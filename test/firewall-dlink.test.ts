import tls from 'node:tls';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveDevice } from '../src/actors/firewall/index.js';
import { generateRunCertificates } from '../src/tls/certs.js';
import { engine } from './helpers/engine.js';
import { mxlab } from './helpers/cli.js';
import { ESA_EHLO, firewallBehind, lineClient } from './helpers/raw-server.js';

const EXCHANGE = ['250-mx Hello', '250-SIZE 52428800', '250-PIPELINING', '250-CHUNKING', '250-8BITMIME', '250 STARTTLS'];
const fwd = (e: ReturnType<typeof engine>, dir: 'client' | 'server', s: string) => e.process(dir, Buffer.from(s, 'latin1')).forward?.toString('latin1');
function ehlo(config?: string) {
  const e = engine(config ?? '', 'dlink-dfl');
  fwd(e, 'client', 'EHLO c\r\n');
  return { e, reply: fwd(e, 'server', EXCHANGE.map((l) => `${l}\r\n`).join('')) };
}

describe('dlink-dfl SMTP ALG', () => {
  it('default SMTP_AllowSTARTTLS No: STARTTLS, PIPELINING, CHUNKING removed, the last line re-terminated; a client STARTTLS reaches the server as XXXXXXXX', () => {
    const { e, reply } = ehlo();
    expect(reply).toBe('250-mx Hello\r\n250-SIZE 52428800\r\n250 8BITMIME\r\n');
    expect(fwd(e, 'client', 'STARTTLS\r\n')).toBe('XXXXXXXX\r\n');
    expect(fwd(e, 'client', 'MAIL FROM:<a@x>\r\n')).toBe('MAIL FROM:<a@x>\r\n');
  });

  it("logs each removal as the ALG does: ID 00200185 unsupported_extension, 'SMTPALG: Removed capability <capa> from EHLO response'", () => {
    const e = engine('', 'dlink-dfl');
    fwd(e, 'client', 'EHLO c\r\n');
    const out = e.process('server', Buffer.from(EXCHANGE.map((l) => `${l}\r\n`).join(''), 'latin1'));
    expect(out.events.map((x) => [x.rule, x.action])).toEqual([['remove-ehlo-parameter', 'rewrite']]);
    expect(out.events[0].log.split('\n')).toEqual(
      ['PIPELINING', 'CHUNKING', 'STARTTLS'].map((c) => `NetDefendOS id=00200185 event=unsupported_extension action=capability_removed capa=${c}: SMTPALG: Removed capability ${c} from EHLO response`),
    );
  });

  it('knob SMTP_AllowSTARTTLS yes: STARTTLS advertised and passed', () => {
    const { e, reply } = ehlo('! mxlab knob SMTP_AllowSTARTTLS yes');
    expect(reply).toBe('250-mx Hello\r\n250-SIZE 52428800\r\n250-8BITMIME\r\n250 STARTTLS\r\n');
    expect(fwd(e, 'client', 'STARTTLS\r\n')).toBe('STARTTLS\r\n');
  });

  it('takes no Cisco config; a bad knob value is an error', () => {
    const r = resolveDevice('dlink-dfl', 'policy-map type inspect esmtp m');
    expect(!r.ok && r.errors[0]).toMatchObject({ line: 1, message: 'device "dlink-dfl" takes no configuration' });
    const k = resolveDevice('dlink-dfl', '! mxlab knob SMTP_AllowSTARTTLS maybe');
    expect(!k.ok && k.errors[0].message).toBe('mxlab: knob SMTP_AllowSTARTTLS takes yes | no, got "maybe"');
    expect(resolveDevice('dlink-dfl').ok && resolveDevice('dlink-dfl', undefined, { SMTP_AllowSTARTTLS: 'yes' }).ok).toBe(true);
  });

  it('is in the catalogue of `mxlab devices`, with its knob', async () => {
    const all = await mxlab(['devices']);
    expect(all.stdout).toContain('D-Link DFL SMTP ALG');
    expect(all.stdout).toContain('dlink-dfl');
    const one = await mxlab(['devices', 'dlink-dfl']);
    expect(one.code).toBe(0);
    expect(one.stdout).toContain('remove-ehlo-parameter  mode remove, keywords PIPELINING CHUNKING STARTTLS, log netdefendos');
    expect(one.stdout).toContain('SMTP_AllowSTARTTLS = no (default)');
  });
});

describe('dlink-dfl over sockets', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    while (cleanup.length) await cleanup.pop()!();
  });

  it('default: the client never sees STARTTLS; sent anyway, the server answers XXXXXXXX as unknown', async () => {
    const { srv, c } = await firewallBehind(cleanup, 'dlink-dfl');
    expect(await c.reply()).toEqual(['220 esa.example.com ESMTP']);
    c.send('EHLO partner.example\r\n');
    expect(await c.reply()).toEqual(['250-esa.example.com', '250-8BITMIME', '250 SIZE 14680064']);
    c.send('STARTTLS\r\n');
    expect(await c.reply()).toEqual(['500 #5.5.1 command not recognized']);
    expect(srv.text()).toBe('EHLO partner.example\r\nXXXXXXXX\r\n');
  });

  it('SMTP_AllowSTARTTLS yes: a real TLS handshake goes through', async () => {
    const certs = await generateRunCertificates(['esa.example.com']);
    const { sock, c } = await firewallBehind(cleanup, 'dlink-dfl', '! mxlab knob SMTP_AllowSTARTTLS yes', certs);
    await c.reply();
    c.send('EHLO partner.example\r\n');
    expect(await c.reply()).toEqual(ESA_EHLO);
    c.send('STARTTLS\r\n');
    expect(await c.reply()).toEqual(['220 Go ahead with TLS']);
    c.detach();
    const t = tls.connect({ socket: sock, ca: certs.ca, servername: 'esa.example.com' });
    await once(t, 'secureConnect');
    const tc = lineClient(t);
    tc.send('EHLO partner.example\r\n');
    expect(await tc.reply()).toEqual(ESA_EHLO);
    t.destroy();
  });
});
