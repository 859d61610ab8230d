import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFirewall, type StartedFirewall } from '../src/actors/firewall/index.js';
import { startReceiver, type StartedReceiver } from '../src/actors/receiver/index.js';
import { deliver, type SenderOptions } from '../src/actors/sender/index.js';
import { monotonicClock } from '../src/model/clock.js';
import { generateRunCertificates, type RunCertificates } from '../src/tls/certs.js';
import type { SenderTls, TlsFault } from '../src/vocabulary.js';
import { problems } from './helpers/problems.js';

/** Receiver TLS faults and the firewall's TLS faults against the builtin sender, over real sockets and real TLS. */
let certs: RunCertificates;
const started: { stop(): Promise<void> }[] = [];
const clock = monotonicClock();
beforeAll(async () => {
  certs = await generateRunCertificates(['esa.example.com']);
});
afterAll(async () => {
  for (const s of started.reverse()) await s.stop();
});

async function receiver(tlsFault: TlsFault): Promise<StartedReceiver> {
  const r = await startReceiver({ name: 'esa', persona: 'asyncos', hostname: 'esa.example.com', tls: 'preferred', tlsFault, certs, clock });
  started.push(r);
  return r;
}
const sender = (tls: SenderTls): SenderOptions => ({ name: 'partner', tls, ca: certs.ca, clock, timeoutMs: 3000 });
const message = { id: 'm1', from: 'partner@partner.example', to: 'postmaster@esa.example.com' };
const send = (tls: SenderTls, port: number) => deliver(sender(tls), message, { host: '127.0.0.1', port, servername: 'esa.example.com', node: 'esa' });

/** What the builtin sender does per fault: verify names the certificate error; required and opportunistic take any certificate. */
const CERT_ERRORS: [TlsFault, string][] = [
  ['expired', 'certificate has expired (CERT_HAS_EXPIRED)'],
  ['not-yet-valid', 'certificate is not yet valid (CERT_NOT_YET_VALID)'],
  ['wrong-name', "Hostname/IP does not match certificate's altnames"],
  ['unknown-ca', 'unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)'],
  ['self-signed', 'self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)'],
];

describe('receiver tls-fault × builtin sender', () => {
  it('no fault: verify delivers with TLS against the run CA', async () => {
    const r = await receiver('none');
    expect(await send('verify', r.port)).toMatchObject({ outcome: 'delivered', tls: true });
  });

  for (const [fault, error] of CERT_ERRORS) {
    it(`${fault}: verify defers naming the error, required and opportunistic deliver with TLS`, async () => {
      const r = await receiver(fault);
      const v = await send('verify', r.port);
      expect(v).toMatchObject({ outcome: 'deferred', reason: 'tls-failed', tls: false, connections: 1 });
      expect(v.detail).toContain(`TLS handshake failed: ${error}`);
      expect(v.log.join('\n')).toContain('TLS failed');
      expect(await send('required', r.port)).toMatchObject({ outcome: 'delivered', tls: true });
      expect(await send('opportunistic', r.port)).toMatchObject({ outcome: 'delivered', tls: true, connections: 1 });
      // the receiver saw no MAIL from the verifying sender
      expect(r.connections[0].view().commands).not.toContainEqual(expect.stringMatching(/^MAIL/));
    });
  }

  it('handshake-abort: verify and required defer with tls-failed, opportunistic falls back to plaintext', async () => {
    const r = await receiver('handshake-abort');
    for (const tls of ['verify', 'required'] as const) {
      const v = await send(tls, r.port);
      expect(v).toMatchObject({ outcome: 'deferred', reason: 'tls-failed', tls: false });
      expect(v.detail).toBe('TLS handshake failed: connection closed during the TLS handshake (ECONNRESET)');
    }
    const o = await send('opportunistic', r.port);
    expect(o).toMatchObject({ outcome: 'delivered', tls: false, connections: 2 });
    expect(r.connections.at(-1)!.view()).toMatchObject({ tls: false, accepted: true });
    expect(r.connections[0].recorder.entries.map((e) => e.text)).toContain('<tls-fault handshake-abort: connection closed after the ClientHello>');
  });

  it('tls1.0-only: opportunistic and required deliver over TLS 1.0 (as Postfix may/encrypt and Exim did), verify defers', async () => {
    const r = await receiver('tls1.0-only');
    const v = await send('verify', r.port);
    expect(v).toMatchObject({ outcome: 'deferred', reason: 'tls-failed', tls: false });
    expect(v.detail).toMatch(/^TLS handshake failed: (tlsv1 alert protocol version|unsupported protocol) \(ERR_SSL_/);
    for (const tls of ['required', 'opportunistic'] as const) {
      const d = await send(tls, r.port);
      expect(d).toMatchObject({ outcome: 'delivered', tls: true, connections: 1 });
      expect(d.transcript.map((e) => e.text)).toContainEqual(expect.stringMatching(/^<TLS handshake TLSv1 /));
    }
  });

  it('a running receiver takes a new tls-fault for new connections (a timeline step)', async () => {
    const r = await receiver('expired');
    expect(await send('verify', r.port)).toMatchObject({ outcome: 'deferred', reason: 'tls-failed' });
    await r.reconfigure({ tlsFault: 'none' });
    expect(await send('verify', r.port)).toMatchObject({ outcome: 'delivered', tls: true });
    await r.reconfigure({ tlsFault: 'handshake-abort' });
    expect(await send('required', r.port)).toMatchObject({ outcome: 'deferred', reason: 'tls-failed' });
    await r.reconfigure({ tlsFault: 'tls1.0-only' });
    expect(await send('verify', r.port)).toMatchObject({ outcome: 'deferred', reason: 'tls-failed' });
    await r.reconfigure({ tlsFault: 'none', tls: 'off' });
    const plain = await send('opportunistic', r.port);
    expect(plain).toMatchObject({ outcome: 'delivered', tls: false });
    expect(plain.clientView.ehlo.join('\n')).not.toContain('STARTTLS');
  });
});

describe('firewall TLS faults × builtin sender', () => {
  async function through(config: string): Promise<{ fw: StartedFirewall; r: StartedReceiver }> {
    const r = await receiver('none');
    const fw = await startFirewall({ name: 'fw', device: 'none', config, clock, upstream: { host: '127.0.0.1', port: r.port } });
    started.push(fw);
    return { fw, r };
  }

  it('break-tls: required defers with tls-failed, opportunistic delivers in plaintext', async () => {
    const { fw, r } = await through('! mxlab fault break-tls');
    const req = await send('required', fw.port);
    expect(req).toMatchObject({ outcome: 'deferred', reason: 'tls-failed', tls: false });
    expect(req.detail).toMatch(/^TLS handshake failed: /);
    const opp = await send('opportunistic', fw.port);
    expect(opp).toMatchObject({ outcome: 'delivered', tls: false, connections: 2 });
    expect(fw.connections[0].events.map((e) => `${e.rule} ${e.action}`)).toContain('break-tls reset');
    expect(fw.connections[0].events[0].log).toMatch(/fault: TLS ClientHello \(\d+ bytes\) after STARTTLS answered 220; connection reset/);
    // the receiver got STARTTLS and then lost the connection
    expect(r.connections[0].view().commands).toContain('STARTTLS');
  });

  it('strip-tls-reply: the client gets a 454, the server got STARTTLS and waits for a handshake', async () => {
    const { fw, r } = await through('! mxlab fault strip-tls-reply on');
    const req = await send('required', fw.port);
    expect(req).toMatchObject({ outcome: 'deferred', reason: 'starttls-refused', detail: '454 4.7.0 TLS not available due to local problem' });
    const opp = await send('opportunistic', fw.port);
    expect(opp.clientView.starttls).toBe('454 4.7.0 TLS not available due to local problem');
    // the opportunistic sender goes on in plaintext; the server reads its MAIL as a broken ClientHello
    expect(opp).toMatchObject({ outcome: 'deferred', tls: false });
    expect(['connection-reset', 'protocol-error', 'timeout']).toContain(opp.reason);
    expect(r.connections[1].view().commands).toContain('STARTTLS');
    expect(fw.connections[1].events.map((e) => e.rule)).toContain('strip-tls-reply');
  });

  it('bad values are config errors naming what the fault takes', async () => {
    await expect(startFirewall({ name: 'fw', device: 'none', config: '! mxlab fault break-tls maybe', clock, upstream: { host: '127.0.0.1', port: 9 } })).rejects.toThrow(
      'config:1:15 mxlab: fault break-tls takes on or off (a bare name is on), got "maybe"',
    );
  });
});

describe('tls-fault and plaintext-fallback in scenarios', () => {
  const base = (esa: string, sender: string) => `name: t
runtime: docker
nodes:
  esa: { role: receiver, ${esa} }
  s: { role: sender, ${sender} }
messages:
  - { id: m, from: s, to: esa }
`;
  it('a real MTA receiver takes certificate faults, not handshake faults', () => {
    expect(problems(base('mta: postfix, tls-fault: expired', 'mta: postfix'))).toEqual([]);
    expect(problems(base('mta: postfix, tls-fault: handshake-abort', 'mta: postfix'))).toEqual([
      'x.yaml:4:51 nodes.esa.tls-fault: expected a certificate fault on mta: postfix (expired, not-yet-valid, wrong-name, unknown-ca, self-signed), got "handshake-abort" — a real MTA takes certificate faults through its certificate files; use a persona receiver (mta: builtin) for handshake faults',
    ]);
  });
  it('plaintext-fallback is the builtin sender\'s; a real MTA falls back by its own rules', () => {
    expect(problems(base('persona: asyncos', 'plaintext-fallback: next-attempt'))).toEqual([]);
    expect(problems(base('persona: asyncos', 'mta: exim, plaintext-fallback: never'))).toEqual([
      'x.yaml:5:33 nodes.s.plaintext-fallback: expected no plaintext-fallback on mta: exim, got "never" — a real MTA falls back to plaintext by its own rules (docs/tls-faults.md); plaintext-fallback models them for mta: builtin',
    ]);
    expect(problems(base('tls-fault: broken', 'mta: builtin'))[0]).toBe('x.yaml:4:37 nodes.esa.tls-fault: expected one of "none", "expired", "not-yet-valid", "wrong-name", "unknown-ca", "self-signed", "handshake-abort", "tls1.0-only", got "broken"');
  });
});
