import { createHash, createPublicKey, verify } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crlf } from '../src/actors/sender/eml.js';
import { relaxedHeader, RelaxedBodyHash } from '../src/actors/sender/dkim-canon.js';
import type { SessionResult } from '../src/model/result.js';
import { runScenario } from '../src/run/run-scenario.js';
import { garbage } from './helpers/eml.js';

/**
 * Real messages as admins have them, through a firewall and straight: every receiver records the
 * size and SHA-256 of what it got in DATA, and that is the file (with CRLF line ends) whatever the
 * file holds — dots, 8-bit, NUL bytes, no last line end; what the ASA's default ESMTP map refuses
 * (a header line over 998, more than 100 recipients) it refuses as Cisco documents it.
 */

let dir: string;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mxlab-eml-edge-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const scenario = (messages: string[], receiver = '', matrix = '[none, asa 9.12(4)]') => `name: edge messages
nodes:
  mx: { role: receiver, persona: postfix, hostname: mx.corp.example${receiver} }
  fw: { role: firewall, device: asa 9.12(4), forwards-to: mx }
  partner: { role: sender, via: fw, hostname: mail.partner.example }
messages:
${messages.map((m) => `  - ${m}`).join('\n')}
matrix:
  fw.device: ${matrix}
`;

/** Runs the scenario: per run label, the sessions by message id. */
async function run(name: string, text: string): Promise<Map<string, Map<string, SessionResult>>> {
  const file = join(dir, name);
  await writeFile(file, text);
  const r = await runScenario(file);
  const out = new Map<string, Map<string, SessionResult>>();
  for (const c of r.scenarios[0].cells) {
    if (c.error) throw new Error(c.error.message);
    out.set(c.label, new Map(c.sessions.map((s) => [s.message, s])));
  }
  return out;
}

const FILES: Record<string, Buffer> = {
  'bare-lf': Buffer.from('From: <a@partner.example>\nSubject: lf\n\n.\n..\n. \n.x\nlast'),
  crlf: Buffer.from('From: <a@partner.example>\r\nSubject: crlf\r\n\r\nbody\r\n.\r\n'),
  'bare-cr': Buffer.from('From: <a@partner.example>\rSubject: cr\r\r.\rbody'),
  '8-bit': Buffer.from('From: <a@partner.example>\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe?=\r\nContent-Type: text/plain; charset=iso-8859-1\r\n\r\nGr\xfc\xdfe aus M\xfcnchen\r\n', 'latin1'),
  'no-last-line-end': Buffer.from('From: <a@partner.example>\r\nSubject: x\r\n\r\nno line end after this'),
  'only-dots': Buffer.from('.\r\n..\r\n.\r\n'),
  empty: Buffer.alloc(0),
  'binary-garbage': Buffer.concat([garbage(100_000), Buffer.from([0, 0, 13, 46, 13, 10, 46, 13, 10])]),
};

describe('an .eml arrives as the file is, with CRLF line ends: size and SHA-256 in serverView equal what was sent', () => {
  it('bare LF, CRLF, bare CR, bare dots, 8-bit, no last line end, only dots, empty, binary garbage — straight and through asa 9.12(4)', async () => {
    for (const [name, bytes] of Object.entries(FILES)) await writeFile(join(dir, `${name}.eml`), bytes);
    const runs = await run('edge.yaml', scenario(Object.keys(FILES).map((n) => `{ id: ${n}, from: partner, to: mx, eml: ${n}.eml }`)));
    expect([...runs.keys()]).toEqual(['fw.device=none', 'fw.device=asa 9.12(4)']);
    for (const [label, sessions] of runs) {
      for (const [name, bytes] of Object.entries(FILES)) {
        const s = sessions.get(name)!;
        const wire = crlf(bytes);
        expect([label, name, s.outcome], s.reason).toEqual([label, name, 'delivered']);
        expect(s.sent, `${label} ${name}`).toEqual({ size: wire.length, sha256: sha(wire) });
        expect({ size: s.serverView.size, sha256: s.serverView.sha256 }, `${label} ${name}`).toEqual(s.sent);
      }
    }
    // the one bare-dot line of the file ended nothing: the receiver got the lines after it
    expect(crlf(FILES['bare-lf']).toString()).toBe('From: <a@partner.example>\r\nSubject: lf\r\n\r\n.\r\n..\r\n. \r\n.x\r\nlast\r\n');
  });

  it('a 10 MB header line: delivered byte for byte straight; through asa 9.12(4) the default map drops the connection (match header line length gt 998)', async () => {
    const big = Buffer.concat([Buffer.from('From: <a@partner.example>\r\nX-Big: '), Buffer.alloc(10 * 1024 * 1024, 'a'), Buffer.from('\r\nSubject: big\r\n\r\nbody\r\n')]);
    await writeFile(join(dir, 'big.eml'), big);
    const runs = await run('big.yaml', scenario(['{ id: big, from: partner, to: mx, eml: big.eml }'], ', size: 40000000'));
    const straight = runs.get('fw.device=none')!.get('big')!;
    expect([straight.outcome, straight.serverView.size, straight.serverView.sha256]).toEqual(['delivered', big.length, sha(big)]);
    const asa = runs.get('fw.device=asa 9.12(4)')!.get('big')!;
    expect(asa.outcome).toBe('deferred');
    expect(asa.firewall.events.map((e) => e.rule)).toContain('match-header-line-length');
    expect(asa.serverView.sha256).toBeUndefined();
  });

  it('Postfix\'s default message_size_limit (10240000) bounces the 10 MB header at MAIL FROM SIZE=', async () => {
    const big = Buffer.concat([Buffer.from('Subject: big\r\nX-Big: '), Buffer.alloc(10 * 1024 * 1024, 'a'), Buffer.from('\r\n\r\nbody\r\n')]);
    await writeFile(join(dir, 'big2.eml'), big);
    const s = (await run('big2.yaml', scenario(['{ id: big, from: partner, to: mx, eml: big2.eml }'], '', '[none]'))).get('fw.device=none')!.get('big')!;
    expect([s.outcome, s.reason]).toEqual(['bounced', 'size-exceeded']);
  });
});

describe('the envelope', () => {
  const rcpts = (n: number) => `[${Array.from({ length: n }, (_, i) => `u${i}@corp.example`).join(', ')}]`;
  it('100 recipients pass the ASA default map; 101 are dropped (match cmd RCPT count gt 100 drop-connection log)', async () => {
    const runs = await run('rcpt.yaml', scenario([`{ id: r100, from: partner, to: mx, rcpt-to: ${rcpts(100)} }`, `{ id: r101, from: partner, to: mx, rcpt-to: ${rcpts(101)} }`], '', '[asa 9.12(4)]'));
    const s = runs.get('fw.device=asa 9.12(4)')!;
    const ok = s.get('r100')!;
    expect(ok.outcome).toBe('delivered');
    expect(ok.serverView.commands.filter((c) => c.startsWith('RCPT TO:'))).toHaveLength(100);
    expect(ok.serverView.sha256).toBe(ok.sent!.sha256);
    const dropped = s.get('r101')!;
    expect(dropped.outcome).toBe('deferred');
    expect(dropped.firewall.events.map((e) => e.rule)).toContain('match-cmd-rcpt-count');
  });

  it('the null sender, and headers: with non-ASCII values go out as UTF-8 and a DKIM signature over them verifies', async () => {
    const text = scenario(['{ id: bounce, from: partner, to: mx, mail-from: "", dkim: true, headers: { X-Greeting: "Grüße aus München", X-Note: "a\\rb" } }'], '', '[none]');
    const s = (await run('utf8.yaml', text)).get('fw.device=none')!.get('bounce')!;
    expect(s.outcome).toBe('delivered');
    expect(s.serverView.commands.find((c) => c.startsWith('MAIL FROM:'))).toMatch(/^MAIL FROM:<>/);
    expect(s.serverView.headers).toContain('X-Greeting: Grüße aus München');
    // a bare CR in a header value is not a line end anywhere: it became a space
    expect(s.serverView.headers).toContain('X-Note: a b');
    expect(s.serverView.sha256).toBe(s.sent!.sha256);
  });
});

describe('DKIM over UTF-8 header values', () => {
  it('the builtin signer hashes the bytes it sends', async () => {
    const { createDkimKey, dkimSignature } = await import('../src/actors/sender/dkim.js');
    const keys = createDkimKey('partner.example', 's');
    const headers = [
      { name: 'From', value: '<a@partner.example>' },
      { name: 'Subject', value: 'Grüße' },
    ];
    const body = new RelaxedBodyHash();
    body.update('hi\r\n');
    const sig = dkimSignature(headers, body.digest(), keys, 1_700_000_000);
    const b = sig.value.slice(sig.value.lastIndexOf('b=') + 2).replace(/\s+/g, '');
    const wire = Buffer.from(['From', 'Subject'].map((n) => relaxedHeader(n, headers.find((h) => h.name === n)!.value)).join('') + relaxedHeader('DKIM-Signature', sig.value.slice(0, sig.value.lastIndexOf('b=') + 2)).replace(/\r\n$/, ''), 'utf8');
    expect(verify('RSA-SHA256', wire, createPublicKey(keys.publicKey), Buffer.from(b, 'base64'))).toBe(true);
  });
});
