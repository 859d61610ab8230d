import net from 'node:net';
import tls from 'node:tls';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { startFirewall } from '../src/actors/firewall/index.js';
import type { PersonaName } from '../src/actors/receiver/index.js';
import { monotonicClock } from '../src/model/clock.js';
import { personas } from '../src/actors/receiver/personas/index.js';
import { within } from './helpers/hostile.js';
import { receiver, testCerts } from './receiver-helpers.js';

// Exim pipelines QUIT right behind its last BDAT chunk and shuts its write side (shutdown(SHUT_WR)): the
// server still owes every reply, 221 included, and sends them on its open half. Each client here waits for
// the banner (as an MTA does), sends the rest in one write and half-closes at once.

const open: { stop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const x of open.splice(0)) await x.stop();
});

const finals = (text: string) => text.split('\r\n').filter((l) => /^\d{3} /.test(l));
const codes = (text: string) => finals(text).map((l) => l.slice(0, 3));

/** Every byte `s` receives until the server closes (bounded: a server that keeps a half-closed client is a failure, not a hang). */
function rest(s: net.Socket | tls.TLSSocket, got: Buffer[] = []): Promise<string> {
  s.on('data', (d: Buffer) => got.push(d));
  const closed = new Promise<string>((resolve, reject) => {
    s.on('error', reject);
    s.once('close', () => resolve(Buffer.concat(got).toString('latin1')));
  });
  return within(closed, 10_000, 'the server to close after the client half-closed');
}

async function connect(port: number): Promise<{ s: net.Socket; banner: string }> {
  const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
  const [d] = (await once(s, 'data')) as [Buffer];
  return { s, banner: d.toString('latin1') };
}

/**
 * Waits for the banner, sends `text` in one write and half-closes: everything the server sent, banner first.
 * With `first`, that goes before and its reply `until` is awaited (a client waits for 354 before the message).
 */
async function pipelineAndShut(port: number, text: string, first?: { send: string; until: RegExp }): Promise<string> {
  const { s, banner } = await connect(port);
  const got: Buffer[] = [];
  const done = rest(s, got);
  if (first) {
    s.write(first.send);
    while (!first.until.test(Buffer.concat(got).toString('latin1'))) await once(s, 'data');
  }
  s.end(text);
  return banner + (await done);
}

const BODY = 'Subject: half-closed\r\n\r\nsent by a client that shuts its side after QUIT\r\n';
const BDAT_SESSION = `EHLO partner.example\r\nMAIL FROM:<a@partner.example>\r\nRCPT TO:<b@example.com>\r\nBDAT ${BODY.length} LAST\r\n${BODY}QUIT\r\n`;
const chunking = (Object.keys(personas) as PersonaName[]).filter((p) => personas[p].knownVerbs.includes('BDAT'));

describe('a client that half-closes after pipelining its last commands gets every reply', () => {
  it('some personas take BDAT (else the BDAT cases test nothing)', () => {
    expect(chunking).toEqual(expect.arrayContaining(['postfix', 'exchange']));
  });

  for (const persona of chunking) {
    it(`${persona}: EHLO, MAIL, RCPT, BDAT n LAST with the data, QUIT, then FIN — every reply arrives, 221 last`, async () => {
      const r = await receiver({ persona, tls: 'off' });
      open.push(r);
      const text = await pipelineAndShut(r.port, BDAT_SESSION);
      expect(codes(text), text).toEqual(['220', '250', '250', '250', '250', '221']);
      expect(r.connections[0].view()).toMatchObject({ accepted: true, headers: ['Subject: half-closed'] });
    });
  }

  for (const persona of Object.keys(personas) as PersonaName[]) {
    it(`${persona}: HELO, MAIL, RCPT, DATA, the message and QUIT, then FIN — the message is taken and 221 arrives`, async () => {
      const r = await receiver({ persona, tls: 'off' });
      open.push(r);
      const text = await pipelineAndShut(r.port, 'HELO partner.example\r\nMAIL FROM:<a@partner.example>\r\nRCPT TO:<b@example.com>\r\nDATA\r\nSubject: s\r\n\r\nbody\r\n.\r\nQUIT\r\n');
      expect(codes(text), text).toEqual(['220', '250', '250', '250', '354', '250', '221']);
      expect(r.connections[0].view()).toMatchObject({ accepted: true });
    });
  }

  it('postfix: FIN without QUIT — the commands sent are answered, then the server closes (no 221), as smtpd does at EOF', async () => {
    const r = await receiver({ persona: 'postfix', tls: 'off', idleTimeoutMs: 60_000 });
    open.push(r);
    const text = await pipelineAndShut(r.port, 'EHLO partner.example\r\nMAIL FROM:<a@partner.example>\r\nRCPT TO:<b@example.com>\r\n');
    expect(codes(text), text).toEqual(['220', '250', '250', '250']);
  });

  it('postfix over STARTTLS: BDAT n LAST, QUIT, then close_notify and FIN — every reply arrives inside TLS, 221 last', async () => {
    const r = await receiver({ persona: 'postfix', tls: 'preferred' });
    open.push(r);
    const { s } = await connect(r.port);
    s.write('EHLO partner.example\r\nSTARTTLS\r\n');
    let plain = '';
    while (!/^220 /m.test(plain.split('\r\n').slice(-2).join('\n'))) plain += ((await once(s, 'data')) as [Buffer])[0].toString('latin1');
    s.removeAllListeners('data');
    const t = tls.connect({ socket: s, servername: 'esa.example.com', ca: (await testCerts()).ca });
    t.allowHalfOpen = true; // end() sends close_notify and FIN, and still reads
    await once(t, 'secureConnect');
    const done = rest(t);
    t.end(BDAT_SESSION);
    const text = await done;
    expect(codes(text), text).toEqual(['250', '250', '250', '250', '221']);
    expect(r.connections[0].view()).toMatchObject({ accepted: true, tls: true });
  });
});

// The firewall proxy (what `mxlab proxy` runs) forwards the client's FIN after what it queued, and the replies
// that follow still flow back to the half-closed client.
describe('through the firewall: the half-close is forwarded behind the pipelined commands', () => {
  const cases: { device: string; first?: { send: string; until: RegExp }; session: string; codes: string[] }[] = [
    { device: 'none', session: BDAT_SESSION, codes: ['220', '250', '250', '250', '250', '221'] },
    // the ASA's inspection masks CHUNKING (docs/esmtp-inspection.md): the message goes as DATA, after the 354
    {
      device: 'asa 9.12(4)',
      first: { send: 'EHLO partner.example\r\nMAIL FROM:<a@partner.example>\r\nRCPT TO:<b@example.com>\r\nDATA\r\n', until: /^354 /m },
      session: 'Subject: half-closed\r\n\r\nbody\r\n.\r\nQUIT\r\n',
      codes: ['220', '250', '250', '250', '354', '250', '221'],
    },
  ];
  for (const c of cases) {
    it(`${c.device}: everything reaches the persona, every reply comes back, 221 last`, async () => {
      const r = await receiver({ persona: 'postfix', tls: 'off' });
      open.push(r);
      const fw = await startFirewall({ name: 'fw', device: c.device, clock: monotonicClock(), upstream: { host: '127.0.0.1', port: r.port } });
      open.push(fw);
      const text = await pipelineAndShut(fw.port, c.session, c.first);
      expect(codes(text), text).toEqual(c.codes);
      expect(r.connections[0].view()).toMatchObject({ accepted: true, headers: ['Subject: half-closed'] });
      await fw.connections[0].closed;
      expect(fw.connections[0].serverHop.entries.filter((e) => e.dir === 'c2s').map((e) => e.text).at(-1)).toBe('QUIT');
    });
  }
});
