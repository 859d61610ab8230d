import { createHash, verify } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createDkimKey, deliver, type DkimKey } from '../src/actors/sender/index.js';
import { monotonicClock } from '../src/model/clock.js';
import { messageText } from '../src/runtime/docker/message-text.js';
import { startFakeSmtp, type FakeSmtp } from './sender-fake-server.js';

/** An independent RFC 6376 relaxed/relaxed rsa-sha256 verifier (not the sender's code). */
function verifyDkim(message: string, publicKey: string): { signature: boolean; bodyHash: boolean; tags: Record<string, string> } {
  const split = message.indexOf('\r\n\r\n');
  const head = message.slice(0, split + 2);
  const body = message.slice(split + 4);
  const fields = head.split(/\r\n(?![ \t])/).filter(Boolean).map((raw) => ({ name: raw.slice(0, raw.indexOf(':')), raw }));
  const sig = fields.find((f) => f.name.toLowerCase() === 'dkim-signature')!;
  const tags = Object.fromEntries(
    sig.raw.slice(sig.raw.indexOf(':') + 1).split(';').map((t) => t.replace(/\s+/g, '')).filter(Boolean).map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1)]),
  );
  const canonHeader = (raw: string) => {
    const i = raw.indexOf(':');
    const value = raw.slice(i + 1).replace(/\r\n/g, '').replace(/[ \t]+/g, ' ').trim();
    return `${raw.slice(0, i).trim().toLowerCase()}:${value}`;
  };
  const used = new Set<number>();
  let data = '';
  for (const name of tags.h.split(':')) {
    for (let i = fields.length - 1; i >= 0; i--) {
      if (!used.has(i) && fields[i].name.toLowerCase() === name.toLowerCase()) {
        used.add(i);
        data += canonHeader(fields[i].raw) + '\r\n';
        break;
      }
    }
  }
  data += canonHeader(sig.raw.replace(/(;\s*b=)[^;]*$/, '$1'));
  let canonBody = body.split('\r\n').map((l) => l.replace(/[ \t]+/g, ' ').replace(/ $/, '')).join('\r\n');
  canonBody = canonBody.replace(/(\r\n)*$/, '');
  canonBody = canonBody ? canonBody + '\r\n' : '';
  const bh = createHash('sha256').update(canonBody, 'latin1').digest('base64');
  return {
    signature: verify('RSA-SHA256', Buffer.from(data, 'latin1'), publicKey, Buffer.from(tags.b, 'base64')),
    bodyHash: bh === tags.bh,
    tags,
  };
}

let key: DkimKey;
const servers: FakeSmtp[] = [];
beforeAll(() => {
  key = createDkimKey('partner.example', 'sel1');
});
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

describe('DKIM signing', () => {
  it('signs with a real DKIM-Signature that verifies and lists Content-Type in h=', async () => {
    const s = await startFakeSmtp({});
    servers.push(s);
    const r = await deliver(
      { name: 'partner', tls: 'opportunistic', clock: monotonicClock() },
      { id: 'signed', from: 'partner@partner.example', to: 'user@esa.example.com', dkim: true, size: 5000 },
      { host: '127.0.0.1', port: s.port, node: 'esa' },
      { dkim: key },
    );
    expect(r.outcome).toBe('delivered');
    const received = s.sessions[0].message;
    expect(received.startsWith('DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=partner.example; s=sel1;\r\n\t')).toBe(true);
    const v = verifyDkim(received, key.publicKey);
    expect(v.tags.h.split(':')).toContain('Content-Type');
    expect(v.tags.h.split(':')).toEqual(expect.arrayContaining(['From', 'To', 'Subject', 'Date', 'Message-ID']));
    expect(v.bodyHash).toBe(true);
    expect(v.signature).toBe(true);
    expect(r.transcript.some((e) => e.text.startsWith('DKIM-Signature: v=1;'))).toBe(true);
    // the check can fail: a changed signed header or body breaks it
    expect(verifyDkim(received.replace('Subject: mxlab test message signed', 'Subject: changed'), key.publicKey).signature).toBe(false);
    expect(verifyDkim(received.replace('line 0000002', 'line 0000009'), key.publicKey).bodyHash).toBe(false);
  });

  it('publishes the public key as a DKIM TXT record', () => {
    expect(key.dnsRecord).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]+$/);
    expect(key.privateKey).toMatch(/BEGIN PRIVATE KEY/);
  });

  // the run has one key, made for 'mxlab.example'; every runtime signs as the sender's own domain
  // (the docker runtime signed d=mxlab.example, 2 bytes longer than the local run's d=partner.example)
  it('signs as the From domain whatever domain the run key was made for, the same for the builtin sender and a real MTA', async () => {
    const runKey = createDkimKey('mxlab.example', 'mxlab');
    const s = await startFakeSmtp({});
    servers.push(s);
    const spec = { id: 'signed', from: 'alice@partner.example', to: 'user@esa.example.com', dkim: true };
    await deliver({ name: 'partner', tls: 'opportunistic', clock: monotonicClock() }, spec, { host: '127.0.0.1', port: s.port, node: 'esa' }, { dkim: runKey });
    const builtin = s.sessions[0].message;
    const real = messageText(spec, 'partner.example', runKey).replace(/\n/g, '\r\n');
    for (const text of [builtin, real]) {
      const v = verifyDkim(text, runKey.publicKey);
      expect(v.tags.d).toBe('partner.example');
      expect(v.signature).toBe(true);
    }
    expect(real.length).toBe(builtin.length);
    // a null sender signs as its header From's domain
    const bounce = messageText({ ...spec, from: '', headerFrom: 'mailer-daemon@relay.example' }, 'relay.example', runKey).replace(/\n/g, '\r\n');
    expect(verifyDkim(bounce, runKey.publicKey).tags.d).toBe('relay.example');
  });
});
