import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crlf } from '../src/actors/sender/eml.js';
import { relaxedHeader, RelaxedBodyHash } from '../src/actors/sender/dkim-canon.js';
import { checkDevice } from '../src/run/device-check.js';
import { runScenario } from '../src/run/run-scenario.js';
import { formatDiagnostic, ScenarioError } from '../src/scenario/diagnostics.js';
import { loadScenario } from '../src/scenario/load.js';
import type { SessionResult } from '../src/model/result.js';
import { rsaKeys, signedMultipartEml } from './helpers/eml.js';
import { problems } from './helpers/problems.js';

let dir: string;
let keys: { privateKey: string; publicKey: string };
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** The multipart .eml of test/helpers/eml.ts, signed with this file's `keys`. */
const signedEml = () => signedMultipartEml({ privateKey: keys.privateKey, selector: 'test', to: 'ops@corp.example', messageId: 'weekly-10@partner.example', attachment: Buffer.from([0, 1, 2, 250, 251]).toString('base64') });

/** Verifies a relaxed/relaxed rsa-sha256 DKIM-Signature (RFC 6376 §3.7) with `publicKey`. */
function dkimVerifies(message: Buffer, publicKey: string): boolean {
  const text = message.toString('latin1');
  const split = text.indexOf('\r\n\r\n');
  const fields = text.slice(0, split + 2).split(/\r\n(?![ \t])/).filter(Boolean).map((f) => ({ name: f.slice(0, f.indexOf(':')), value: f.slice(f.indexOf(':') + 1).replace(/\r\n$/, '') }));
  const sig = fields.find((f) => f.name.toLowerCase() === 'dkim-signature')!;
  const tags = Object.fromEntries(sig.value.split(';').map((t) => t.trim()).filter(Boolean).map((t) => [t.slice(0, t.indexOf('=')), t.slice(t.indexOf('=') + 1).replace(/\s+/g, '')]));
  const body = new RelaxedBodyHash();
  body.update(text.slice(split + 4));
  if (body.digest() !== tags.bh) return false;
  const signed = (tags.h as string).split(':').map((n) => relaxedHeader(n, [...fields].reverse().find((f) => f.name.toLowerCase() === n)!.value)).join('');
  const own = relaxedHeader('DKIM-Signature', sig.value.replace(/b=[^;]*$/, 'b=')).replace(/\r\n$/, '');
  return verify('RSA-SHA256', Buffer.from(signed + own, 'latin1'), createPublicKey(publicKey), Buffer.from(tags.b as string, 'base64'));
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mxlab-eml-'));
  keys = rsaKeys();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const scenario = (message: string, extra = '') => `name: real message
nodes:
  mx: { role: receiver, persona: generic, hostname: mx.corp.example }
  fw: { role: firewall, device: pix 7.2(2), forwards-to: mx }
  partner: { role: sender, via: fw, hostname: mail.partner.example }
messages:
  - ${message}
${extra}`;

async function run(name: string, text: string): Promise<{ sessions: SessionResult[]; labels: string[]; ok: boolean }> {
  const file = join(dir, name);
  await writeFile(file, text);
  const r = await runScenario(file);
  const cells = r.scenarios[0].cells;
  for (const c of cells) if (c.error) throw new Error(c.error.message);
  return { sessions: cells.map((c) => c.sessions[0]), labels: cells.map((c) => c.label), ok: r.ok };
}

describe('line ends of a real message', () => {
  it('bare LF and bare CR become CRLF, a missing last CRLF is added, a CRLF file is left as it is', () => {
    const ok = Buffer.from('A: b\r\n\r\nbody\r\n');
    expect(crlf(ok)).toBe(ok);
    expect(crlf(Buffer.from('A: b\n\nbody\n')).toString()).toBe('A: b\r\n\r\nbody\r\n');
    expect(crlf(Buffer.from('A: b\r\rx\r\n.')).toString()).toBe('A: b\r\n\r\nx\r\n.\r\n');
    expect(crlf(Buffer.from([0xc3, 0xbc, 0x0a])).equals(Buffer.from([0xc3, 0xbc, 0x0d, 0x0a]))).toBe(true);
  });
});

describe('eml: the admin’s real message, byte for byte', () => {
  it('a DKIM-signed .eml is reset in DATA by pix 7.2(2) and arrives byte for byte through asa 9.12(4), its signature intact', async () => {
    const eml = await signedEml();
    expect(dkimVerifies(eml, keys.publicKey)).toBe(true);
    await writeFile(join(dir, 'signed.eml'), eml);
    const r = await run(
      'dkim.yaml',
      scenario('{ id: m, from: partner, to: mx, mail-from: news@partner.example, eml: signed.eml }', 'matrix:\n  fw.device: [pix 7.2(2), asa 9.12(4)]\n'),
    );
    const [pix, asa] = r.sessions;
    expect([pix.outcome, pix.reason]).toEqual(['deferred', 'connection-reset']);
    expect(pix.firewall.events.map((e) => e.rule)).toContain('duplicate-header-bug');
    expect(pix.serverView.sha256).toBeUndefined();
    expect(asa.outcome).toBe('delivered');
    expect(asa.serverView.size).toBe(eml.length);
    expect(asa.serverView.sha256).toBe(sha(eml));
    expect(asa.sent).toEqual({ size: eml.length, sha256: sha(eml) });
    // what the receiver hashed is the file, so its DKIM signature still verifies
    expect(asa.serverView.headers?.[0]).toMatch(/^DKIM-Signature: v=1; a=rsa-sha256; c=relaxed\/relaxed; d=partner\.example;/);
  });

  it('an .eml with LF line ends goes out with CRLF: what the receiver got is the file with CRLF, and the sender says so', async () => {
    const lf = Buffer.from('From: <a@partner.example>\nTo: <b@corp.example>\nSubject: lf\n\nline one\n.\nlast line without LF', 'utf8');
    await writeFile(join(dir, 'lf.eml'), lf);
    const [s] = (await run('lf.yaml', scenario('{ id: m, from: partner, to: mx, eml: lf.eml }').replace('pix 7.2(2)', 'none'))).sessions;
    const wire = crlf(lf);
    expect(wire.toString()).toBe('From: <a@partner.example>\r\nTo: <b@corp.example>\r\nSubject: lf\r\n\r\nline one\r\n.\r\nlast line without LF\r\n');
    expect([s.outcome, s.serverView.size, s.serverView.sha256]).toEqual(['delivered', wire.length, sha(wire)]);
    expect(s.sent).toEqual({ size: wire.length, sha256: sha(wire) });
    // the lone dot line did not end the message: the SMTP layer doubled it on the wire, the receiver undid it
  });

  it('headers: naming a generated header (Subject, Content-Type, any case) set it in its place: one Subject, not two', async () => {
    const [s] = (await run('subject.yaml', scenario('{ id: m, from: partner, to: mx, headers: { subject: "Invoice 4711", Content-Type: "text/plain; charset=utf-8", X-Ticket: "4711" } }').replace('pix 7.2(2)', 'none'))).sessions;
    expect(s.outcome).toBe('delivered');
    const headers = s.serverView.headers ?? [];
    expect(headers.filter((h) => /^subject:/i.test(h))).toEqual(['Subject: Invoice 4711']);
    expect(headers.filter((h) => /^content-type:/i.test(h))).toEqual(['Content-Type: text/plain; charset=utf-8']);
    // in the generated order, the extra one after them
    expect(headers.map((h) => h.slice(0, h.indexOf(':')))).toEqual(['Date', 'Message-ID', 'From', 'To', 'Subject', 'MIME-Version', 'Content-Type', 'Content-Transfer-Encoding', 'X-Mxlab-Message', 'X-Ticket']);
  });

  it('the subject given twice, or a Message-ID in headers: of a generated message, is exit 2 at the header', () => {
    const at = (m: string) => problems(scenario(m));
    expect(at('{ id: m, from: partner, to: mx, subject: a, headers: { Subject: b } }')).toEqual([
      'x.yaml:7:60 messages[0].headers.Subject: expected the subject once, got subject: and headers: { Subject } — keep one: a header of headers: replaces the generated one of that name',
    ]);
    expect(at('{ id: m, from: partner, to: mx, headers: { Message-ID: "<x@y>" } }')[0]).toMatch(/^x\.yaml:7:\d+ messages\[0\]\.headers\.Message-ID: expected no Message-ID in headers: of a generated message, got Message-ID: <x@y> — the run follows a generated message by its own Message-ID/);
    // an .eml's headers: go on top of the file as they are
    expect(at('{ id: m, from: partner, to: mx, eml: x.eml, headers: { Subject: b } }').filter((p) => p.includes('headers'))).toEqual([]);
  });

  it('headers: go on top of the .eml; the receiver gets them and then the file', async () => {
    const body = Buffer.from('Subject: x\r\n\r\nhi\r\n');
    await writeFile(join(dir, 'plain.eml'), body);
    const [s] = (await run('hdr.yaml', scenario('{ id: m, from: partner, to: mx, eml: plain.eml, headers: { X-Ticket: "4711" } }').replace('pix 7.2(2)', 'none'))).sessions;
    const wire = Buffer.concat([Buffer.from('X-Ticket: 4711\r\n'), body]);
    expect(s.serverView.sha256).toBe(sha(wire));
    expect(s.serverView.headers?.slice(0, 2)).toEqual(['X-Ticket: 4711', 'Subject: x']);
  });
});

describe('the envelope: mail-from and rcpt-to', () => {
  it('MAIL FROM and each RCPT TO as written; the null sender is <>; the generated To: lists the recipients', async () => {
    const r = await run(
      'env.yaml',
      scenario('{ id: m, from: partner, to: mx, mail-from: "", rcpt-to: [ops@corp.example, it@corp.example] }').replace('pix 7.2(2)', 'asa 9.12(4)'),
    );
    const s = r.sessions[0];
    expect(s.outcome).toBe('delivered');
    expect(s.serverView.commands.filter((c) => /^(MAIL|RCPT)/.test(c))).toEqual([expect.stringMatching(/^MAIL FROM:<>( |$)/), 'RCPT TO:<ops@corp.example>', 'RCPT TO:<it@corp.example>']);
    expect(s.serverView.headers).toContain('To: <ops@corp.example>, <it@corp.example>');
    expect(s.sent?.sha256).toBe(s.serverView.sha256);
  });

  it('match sender-address regex acts on the mail-from that was set', async () => {
    const cfg = 'config: "regex p \\"@partner\\\\.example$\\"\\npolicy-map type inspect esmtp m\\n match sender-address regex p\\n  drop-connection log\\npolicy-map global_policy\\n class inspection_default\\n  inspect esmtp m"';
    const text = scenario('{ id: hit, from: partner, to: mx, mail-from: news@partner.example }', '  - { id: miss, from: partner, to: mx, mail-from: news@elsewhere.example }\n')
      .replace('device: pix 7.2(2),', `device: asa 9.12(4), ${cfg},`);
    const f = join(dir, 'regex.yaml');
    await writeFile(f, text);
    const res = await runScenario(f);
    const [hit, miss] = res.scenarios[0].cells[0].sessions;
    expect(hit.outcome).toBe('deferred');
    expect(hit.firewall.events.map((e) => e.rule)).toContain('match-sender-address-regex');
    expect(miss.firewall.events.map((e) => e.rule)).not.toContain('match-sender-address-regex');
    expect(miss.outcome).toBe('delivered');
  });
});

describe('what a message may not say', () => {
  async function problems(text: string): Promise<string[]> {
    const f = join(dir, 'bad.yaml');
    await writeFile(f, text);
    try {
      await loadScenario(f, { checkDevice });
    } catch (err) {
      if (err instanceof ScenarioError) return err.diagnostics.map(formatDiagnostic).map((d) => d.replace(`${f}:`, ''));
      throw err;
    }
    throw new Error('expected problems');
  }
  it('eml with subject, size or dkim; a missing eml; an address that is none', async () => {
    await writeFile(join(dir, 'x.eml'), 'Subject: x\r\n\r\n.\r\n');
    expect(await problems(scenario('{ id: m, from: partner, to: mx, eml: x.eml, subject: hi, size: 10, dkim: true }'))).toEqual([
      '7:49 messages[0].subject: expected no subject: with eml:, got subject: hi — the .eml is the whole message, sent as it is; subject: is for generated messages',
      '7:62 messages[0].size: expected no size: with eml:, got size: 10 — the .eml is the whole message, sent as it is; size: is for generated messages',
      '7:72 messages[0].dkim: expected no dkim: true with eml:, got dkim: true — the .eml is sent as it is: sign it before (its DKIM-Signature then travels with it)',
    ]);
    expect(await problems(scenario('{ id: m, from: partner, to: mx, eml: nope.eml }'))).toEqual([
      '7:42 messages[0].eml: expected a readable message file (.eml), got no such file — Did you mistype the path?',
    ]);
    const bad = await problems(scenario('{ id: m, from: partner, to: mx, mail-from: "not an address", rcpt-to: [] }'));
    expect(bad.map((d) => d.split(': expected')[0])).toEqual(['7:48 messages[0].mail-from', '7:75 messages[0].rcpt-to']);
  });
});

describe('every receiver persona records what it got', () => {
  it('size and SHA-256 of a generated message equal what the sender sent', async () => {
    const [s] = (await run('gen.yaml', scenario('{ id: m, from: partner, to: mx, size: 5000 }').replace('pix 7.2(2)', 'none'))).sessions;
    expect(s.sent).toBeDefined();
    expect(s.serverView).toMatchObject({ size: s.sent!.size, sha256: s.sent!.sha256 });
    const file = await readFile(join(dir, 'gen.yaml'), 'utf8');
    expect(file).toContain('size: 5000');
  });
});
