import net from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deliver, type SenderOptions } from '../src/actors/sender/index.js';
import { monotonicClock } from '../src/model/clock.js';
import { generateRunCertificates, type RunCertificates } from '../src/tls/certs.js';
import { startFakeSmtp, type FakeSmtp, type FakeSmtpOptions } from './sender-fake-server.js';

let certs: RunCertificates;
let otherCerts: RunCertificates;
const servers: FakeSmtp[] = [];

beforeAll(async () => {
  certs = await generateRunCertificates(['fake.example']);
  otherCerts = await generateRunCertificates(['fake.example']);
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(o: FakeSmtpOptions): Promise<FakeSmtp> {
  const s = await startFakeSmtp(o);
  servers.push(s);
  return s;
}

const sender = (o: Partial<SenderOptions> = {}): SenderOptions => ({ name: 'partner', tls: 'opportunistic', clock: monotonicClock(), timeoutMs: 2000, ...o });
const message = { id: 'm1', from: 'partner@partner.example', to: 'user@esa.example.com' };
const target = (s: FakeSmtp) => ({ host: '127.0.0.1', port: s.port, node: 'esa' });
const TLS_EHLO = ['250-fake.example', '250-PIPELINING', '250-SIZE 10485760', '250 STARTTLS'];

describe('deliver: TLS policy', () => {
  it('delivers inside TLS when STARTTLS is advertised (real handshake)', async () => {
    const s = await server({ ehlo: TLS_EHLO, tls: certs });
    const r = await deliver(sender(), message, target(s));
    expect(r).toMatchObject({ outcome: 'delivered', reason: 'ok', tls: true, connections: 1 });
    expect(r.detail).toBe('250 2.0.0 Ok: queued as FAKE1');
    expect(r.clientView.banner).toEqual(['220 fake.example ESMTP']);
    expect(r.clientView.ehlo).toEqual(TLS_EHLO);
    expect(r.clientView.starttls).toBe('220 2.0.0 Ready to start TLS');
    expect(r.clientView.ehloAfterTls).toEqual(['250-fake.example', '250 PIPELINING']);
    expect(s.sessions[0].tls).toBe(true);
    expect(s.sessions[0].accepted).toBe(true);
    expect(r.localPort).toBe(s.sessions[0].remotePort);
    const mail = r.transcript.find((e) => e.text.startsWith('MAIL FROM:'));
    expect(mail).toMatchObject({ dir: 'c2s', text: 'MAIL FROM:<partner@partner.example>', tls: true });
    const starttls = r.transcript.find((e) => e.text === 'STARTTLS');
    expect(starttls?.tls).toBeUndefined();
    expect(r.transcript.some((e) => /^<message: \d+ bytes>$/.test(e.text))).toBe(true);
    expect(r.transcript.some((e) => e.text.startsWith('<TLS handshake TLSv1.'))).toBe(true);
    expect(r.log.some((l) => /^DCID \d+ TLS success protocol TLSv1\.\d/.test(l))).toBe(true);
    const times = r.transcript.map((e) => e.t);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    await s.idle();
  });

  it('delivers in plaintext when STARTTLS is not offered (opportunistic)', async () => {
    const s = await server({});
    const r = await deliver(sender(), message, target(s));
    expect(r).toMatchObject({ outcome: 'delivered', reason: 'ok', tls: false });
    expect(r.clientView.starttls).toBeUndefined();
    expect(s.sessions[0].commands.map((c) => c.split(' ')[0])).toEqual(['EHLO', 'MAIL', 'RCPT', 'DATA', 'QUIT']);
  });

  it('never sends STARTTLS under tls: none, even when advertised', async () => {
    const s = await server({ ehlo: TLS_EHLO, tls: certs });
    const r = await deliver(sender({ tls: 'none' }), message, target(s));
    expect(r).toMatchObject({ outcome: 'delivered', tls: false });
    expect(s.sessions[0].commands).not.toContain('STARTTLS');
  });

  it('defers with tls-not-offered under required when STARTTLS is not advertised, and QUITs', async () => {
    const s = await server({});
    const r = await deliver(sender({ tls: 'required' }), message, target(s));
    expect(r).toMatchObject({ outcome: 'deferred', reason: 'tls-not-offered', tls: false });
    expect(s.sessions[0].commands).toEqual(['EHLO partner.example', 'QUIT']);
    expect(r.log.some((l) => /TLS failed: STARTTLS command not supported/.test(l))).toBe(true);
    await s.idle();
  });

  it('forced STARTTLS: records the reply and continues in plaintext (opportunistic)', async () => {
    const s = await server({ ehlo: ['250-esa.example.com', '250-8BITMIME', '250-SIZE 14680064', '250 XXXXXXXA'] });
    const r = await deliver(sender(), { ...message, starttls: 'always' }, target(s));
    expect(r.clientView.starttls).toBe('500 #5.5.1 command not recognized');
    expect(r.clientView.ehlo).toContain('250 XXXXXXXA');
    expect(r).toMatchObject({ outcome: 'delivered', reason: 'ok', tls: false });
    expect(s.sessions[0].commands.slice(0, 3)).toEqual(['EHLO partner.example', 'STARTTLS', 'MAIL FROM:<partner@partner.example> SIZE=' + s.sessions[0].commands[2].split('SIZE=')[1]]);
  });

  it('forced STARTTLS under required: deferred starttls-refused', async () => {
    const s = await server({});
    const r = await deliver(sender({ tls: 'required' }), { ...message, starttls: 'always' }, target(s));
    expect(r).toMatchObject({ outcome: 'deferred', reason: 'starttls-refused', detail: '500 #5.5.1 command not recognized' });
    expect(s.sessions[0].commands).toEqual(['EHLO partner.example', 'STARTTLS', 'QUIT']);
  });

  it('advertised but refused STARTTLS: opportunistic goes on in plaintext, required defers', async () => {
    const s = await server({ ehlo: TLS_EHLO, starttls: '454 4.7.0 TLS not available' });
    const may = await deliver(sender(), message, target(s));
    expect(may).toMatchObject({ outcome: 'delivered', tls: false });
    expect(may.clientView.starttls).toBe('454 4.7.0 TLS not available');
    const must = await deliver(sender({ tls: 'required' }), message, target(s));
    expect(must).toMatchObject({ outcome: 'deferred', reason: 'starttls-refused', detail: '454 4.7.0 TLS not available' });
  });

  it('verify: delivers with the right CA and name, tls-failed against a wrong CA', async () => {
    const s = await server({ ehlo: TLS_EHLO, tls: certs });
    const good = await deliver(sender({ tls: 'verify', ca: certs.ca }), message, { ...target(s), servername: 'fake.example' });
    expect(good).toMatchObject({ outcome: 'delivered', tls: true });
    const bad = await deliver(sender({ tls: 'verify', ca: otherCerts.ca }), message, { ...target(s), servername: 'fake.example' });
    expect(bad).toMatchObject({ outcome: 'deferred', reason: 'tls-failed', tls: false, connections: 1 });
    expect(bad.detail).toMatch(/^TLS handshake failed: unable to verify the first certificate \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)$/);
    expect(s.sessions[1].commands).not.toContainEqual(expect.stringMatching(/^MAIL/));
    const wrongName = await deliver(sender({ tls: 'verify', ca: certs.ca }), message, { ...target(s), servername: 'other.example' });
    expect(wrongName).toMatchObject({ outcome: 'deferred', reason: 'tls-failed' });
    await s.idle();
  });

  it('a rejection inside TLS is reported with tls: true', async () => {
    const s = await server({ ehlo: TLS_EHLO, tls: certs, rcpt: '550 5.7.1 relay denied' });
    const r = await deliver(sender({ tls: 'required' }), message, target(s));
    expect(r).toMatchObject({ outcome: 'bounced', reason: 'rejected', tls: true, detail: '550 5.7.1 relay denied' });
    expect(r.transcript.find((e) => e.text === '550 5.7.1 relay denied')?.tls).toBe(true);
    await s.idle();
  });

  it('required does not verify certificates', async () => {
    const s = await server({ ehlo: TLS_EHLO, tls: otherCerts });
    const r = await deliver(sender({ tls: 'required', ca: certs.ca }), message, target(s));
    expect(r).toMatchObject({ outcome: 'delivered', tls: true });
  });

  it('opportunistic: a broken handshake is retried once in plaintext (same-attempt, the default)', async () => {
    const s = await server({ ehlo: TLS_EHLO, breakTls: true });
    const r = await deliver(sender(), message, target(s));
    expect(r).toMatchObject({ outcome: 'delivered', reason: 'ok', tls: false, connections: 2 });
    expect(s.sessions.map((x) => x.commands.includes('STARTTLS'))).toEqual([true, false]);
    expect(r.log).toContain('MID m1 TLS handshake failed, retrying without TLS');
    const strict = await deliver(sender({ tls: 'required' }), message, target(s));
    expect(strict).toMatchObject({ outcome: 'deferred', reason: 'tls-failed', connections: 1 });
  });

  it('opportunistic with plaintext-fallback next-attempt (Postfix): the first attempt defers, a later one falls back', async () => {
    const s = await server({ ehlo: TLS_EHLO, breakTls: true });
    const first = await deliver(sender({ plaintextFallback: 'next-attempt' }), message, target(s), undefined, 1);
    expect(first).toMatchObject({ outcome: 'deferred', reason: 'tls-failed', connections: 1 });
    expect(first.log).toContain('MID m1 TLS handshake failed, deferred; the next attempt may go without TLS');
    const second = await deliver(sender({ plaintextFallback: 'next-attempt' }), message, target(s), undefined, 2);
    expect(second).toMatchObject({ outcome: 'delivered', tls: false, connections: 2 });
    const never = await deliver(sender({ plaintextFallback: 'never' }), message, target(s), undefined, 5);
    expect(never).toMatchObject({ outcome: 'deferred', reason: 'tls-failed', connections: 1 });
    expect(s.sessions.map((x) => x.commands.includes('STARTTLS'))).toEqual([true, true, false, true]);
  });
});

describe('deliver: classification', () => {
  it('5xx to RCPT bounces with the reply as detail', async () => {
    const s = await server({ rcpt: '550 5.1.1 <user@esa.example.com>: Recipient address rejected' });
    const r = await deliver(sender(), message, target(s));
    expect(r).toMatchObject({ outcome: 'bounced', reason: 'rejected', detail: '550 5.1.1 <user@esa.example.com>: Recipient address rejected' });
    expect(s.sessions[0].commands.at(-1)).toBe('QUIT');
  });

  it('5xx to end of data bounces; 552 is size-exceeded', async () => {
    const s = await server({ eod: '554 5.7.1 Message rejected' });
    expect(await deliver(sender(), message, target(s))).toMatchObject({ outcome: 'bounced', reason: 'rejected', detail: '554 5.7.1 Message rejected' });
    const t = await server({ eod: '552 5.3.4 Message size exceeds fixed limit' });
    expect(await deliver(sender(), message, target(t))).toMatchObject({ outcome: 'bounced', reason: 'size-exceeded' });
  });

  it('a message over the advertised SIZE bounces as size-exceeded without MAIL', async () => {
    const s = await server({ ehlo: ['250-fake.example', '250 SIZE 1000'] });
    const r = await deliver(sender(), { ...message, size: 5000 }, target(s));
    expect(r).toMatchObject({ outcome: 'bounced', reason: 'size-exceeded' });
    expect(s.sessions[0].commands).toEqual(['EHLO partner.example', 'QUIT']);
  });

  it('4xx defers', async () => {
    const s = await server({ mail: '451 4.3.0 Try again later' });
    expect(await deliver(sender(), message, target(s))).toMatchObject({ outcome: 'deferred', reason: 'rejected', detail: '451 4.3.0 Try again later' });
  });

  it('a reset during DATA defers with connection-reset', async () => {
    const s = await server({ resetAfterBodyBytes: 20_000 });
    const r = await deliver(sender(), { ...message, size: 2_000_000 }, target(s));
    expect(r).toMatchObject({ outcome: 'deferred', reason: 'connection-reset', tls: false });
    expect(r.transcript.at(-1)?.text).toMatch(/^<message: \d+ bytes \(unfinished\)>$|^<connection-reset/);
    expect(r.transcript.some((e) => e.text.startsWith('<connection-reset:'))).toBe(true);
    await s.idle();
  });

  it('a server that never answers: timeout, socket closed', async () => {
    const s = await server({ banner: null });
    const started = Date.now();
    const r = await deliver(sender({ timeoutMs: 300 }), message, target(s));
    expect(r).toMatchObject({ outcome: 'deferred', reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(2500);
    await s.idle();
  });

  it('a silent reply to MAIL times out per step', async () => {
    const s = await server({ mail: '' });
    const r = await deliver(sender({ timeoutMs: 300 }), message, target(s));
    expect(r).toMatchObject({ outcome: 'deferred', reason: 'timeout' });
    await s.idle();
  });

  it('connection refused', async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const r = await deliver(sender(), message, { host: '127.0.0.1', port, node: 'esa' });
    expect(r).toMatchObject({ outcome: 'deferred', reason: 'connection-refused', connections: 1 });
  });

  it('EHLO refused: falls back to HELO and keeps both replies', async () => {
    const s = await server({ ehlo: ['500 5.5.1 Command unrecognized'], helo: '250 fake.example' });
    const r = await deliver(sender(), message, target(s));
    expect(r).toMatchObject({ outcome: 'delivered', tls: false });
    expect(r.clientView.ehlo).toEqual(['250 fake.example']);
    expect(r.helo).toEqual({ ehloReply: ['500 5.5.1 Command unrecognized'], heloReply: ['250 fake.example'] });
    expect(s.sessions[0].commands.slice(0, 2)).toEqual(['EHLO partner.example', 'HELO partner.example']);
  });

  it('required behind a HELO-only path: tls-not-offered after the HELO fallback', async () => {
    const s = await server({ ehlo: ['500 5.5.1 Command unrecognized'] });
    const r = await deliver(sender({ tls: 'required' }), message, target(s));
    expect(r).toMatchObject({ outcome: 'deferred', reason: 'tls-not-offered' });
    expect(s.sessions[0].commands).toEqual(['EHLO partner.example', 'HELO partner.example', 'QUIT']);
  });

  it('garbage and oversized replies are protocol errors, not crashes', async () => {
    const garbage = await server({ banner: '\u0000\u00ff garbage without a code' });
    expect(await deliver(sender(), message, target(garbage))).toMatchObject({ outcome: 'deferred', reason: 'protocol-error' });
    const huge = await server({ banner: `220-${'x'.repeat(1_200_000)}` });
    expect(await deliver(sender(), message, target(huge))).toMatchObject({ outcome: 'deferred', reason: 'protocol-error' });
    await huge.idle();
  });

  it('421 in the middle of the session defers with the reply', async () => {
    const s = await server({ rcpt: '421 4.4.2 fake.example Error: timeout exceeded' });
    const r = await deliver(sender(), message, target(s));
    expect(r).toMatchObject({ outcome: 'deferred', reason: 'rejected', detail: '421 4.4.2 fake.example Error: timeout exceeded' });
    await s.idle();
  });

  it('a 5xx greeting defers (Postfix skips 5xx greetings)', async () => {
    const s = await server({ banner: '554 5.7.1 go away' });
    expect(await deliver(sender(), message, target(s))).toMatchObject({ outcome: 'deferred', reason: 'rejected', detail: '554 5.7.1 go away' });
  });
});

describe('deliver: message', () => {
  it('streams a generated body of about `size` bytes in ≤ 76-char lines with the standard headers', async () => {
    const s = await server({});
    const r = await deliver(sender(), { ...message, size: 3_000_000, subject: 'big one', headers: { 'X-Test': 'yes' } }, target(s));
    expect(r.outcome).toBe('delivered');
    const got = s.sessions[0];
    expect(Math.abs(got.messageBytes - 3_000_000)).toBeLessThan(2000);
    const [head, body] = got.message.split('\r\n\r\n');
    for (const h of ['Date', 'Message-ID', 'From', 'To', 'Subject', 'MIME-Version', 'Content-Type', 'X-Test']) {
      expect(head).toMatch(new RegExp(`^${h}: `, 'm'));
    }
    expect(head).toMatch(/^Subject: big one$/m);
    expect(body.split('\r\n').every((l) => l.length <= 76)).toBe(true);
    const summary = r.transcript.find((e) => e.text.startsWith('<message:'));
    expect(summary?.text).toMatch(/^<message: \d+ bytes>$/);
    expect(r.transcript.length).toBeLessThan(60);
  });
});
