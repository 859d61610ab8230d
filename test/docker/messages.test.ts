import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crlf } from '../../src/actors/sender/eml.js';
import { garbage, rsaKeys, signedMultipartEml } from '../helpers/eml.js';
import { dockerAvailable, leftovers, runDocker, session } from './helpers.js';

/**
 * Real messages on the docker runtime: the builtin sender in its container sends each .eml through
 * an ASA 9.12(4) container to a persona receiver in its own; the receiver's size and SHA-256 are the
 * file's (with CRLF line ends) — also for binary garbage and a header section near the 64 KiB the
 * receiver keeps, whose connection records are longer than a container log line used to be.
 */
const docker = dockerAvailable();
let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

describe.skipIf(!docker)('real messages in containers', () => {
  it('binary garbage, a 60 KB header section, bare LF and 8-bit arrive byte for byte through asa 9.12(4)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mxlab-docker-eml-'));
    const files: Record<string, Buffer> = {
      // seeded, no line over 512 bytes: else about one run in ten had a header line the ASA drops (helpers/eml.ts)
      garbage: Buffer.concat([garbage(150_000), Buffer.from([0, 13, 46, 13, 10, 46, 10])]),
      headers: Buffer.from(`${Array.from({ length: 70 }, (_, i) => `X-Trace-${i}: ${'t'.repeat(850)}`).join('\r\n')}\r\nSubject: many headers\r\n\r\nbody\r\n`),
      'bare-lf': Buffer.from('From: <a@partner.example>\nSubject: lf\n\n.\n..\nlast'),
      '8-bit': Buffer.from('Subject: 8bit\r\n\r\nGr\xfc\xdfe\r\n', 'latin1'),
    };
    for (const [n, b] of Object.entries(files)) await writeFile(join(dir, `${n}.eml`), b);
    const yaml = `name: real messages in containers
runtime: docker
nodes:
  mx: { role: receiver, persona: postfix, hostname: mx.corp.example }
  fw: { role: firewall, device: asa 9.12(4), forwards-to: mx }
  partner: { role: sender, hostname: mail.partner.example, via: fw }
messages:
${Object.keys(files).map((n) => `  - { id: ${n}, from: partner, to: mx, eml: ${n}.eml }`).join('\n')}
expect:
${Object.keys(files).map((n) => `  - { message: ${n}, outcome: delivered, intact: true }`).join('\n')}
`;
    await writeFile(join(dir, 'messages.yaml'), yaml);
    const { result } = await runDocker([join(dir, 'messages.yaml')]);
    for (const [n, b] of Object.entries(files)) {
      const s = session(result, n);
      const wire = crlf(b);
      expect([n, s.outcome, s.serverView.size, s.serverView.sha256]).toEqual([n, 'delivered', wire.length, sha(wire)]);
    }
    expect(result.ok).toBe(true);
    expect(leftovers()).toEqual({ containers: [], networks: [] });
  }, 600_000);
});

/** The multipart .eml of test/helpers/eml.ts (h= names Content-Type), signed with a key made for this run. */
const signedEml = () => signedMultipartEml({ privateKey: rsaKeys().privateKey, selector: 'run', to: 'postmaster@corp.example', messageId: 'weekly-11@partner.example', attachment: randomBytes(3000).toString('base64').replace(/.{76}/g, '$&\r\n') });

const RECEIVERS = { persona: 'persona: postfix', postfix: 'mta: postfix', exim: 'mta: exim', opensmtpd: 'mta: opensmtpd' };

describe.skipIf(!docker)('a DKIM-signed .eml to persona and real-MTA receivers', () => {
  // Exim verifies the DKIM signature at the end of DATA (and looks up the client's PTR before its banner):
  // with no nameserver in the lab those lookups fail at once, so the sender's default step timeout holds
  it('pix 7.2(2) resets it in DATA; through asa 9.12(4) the persona, Postfix, Exim and OpenSMTPD (tls: off) record the size and SHA-256 that was sent', async () => {
    dir ??= await mkdtemp(join(tmpdir(), 'mxlab-docker-eml-'));
    const eml = await signedEml();
    expect(eml.subarray(0, 15).toString()).toBe('DKIM-Signature:');
    await writeFile(join(dir, 'signed.eml'), eml);
    const scenario = (device: string) => `name: DKIM eml through ${device}
runtime: docker
nodes:
${Object.entries(RECEIVERS)
  .map(([r, kind]) => `  mx-${r}: { role: receiver, ${kind}, hostname: ${r}.corp.example${r === 'opensmtpd' ? ', tls: off' : ''} }
  fw-${r}: { role: firewall, device: ${device}, forwards-to: mx-${r} }
  partner-${r}: { role: sender, hostname: mail.partner.example, via: fw-${r} }`)
  .join('\n')}
messages:
${Object.keys(RECEIVERS)
  .map((r) => `  - { id: ${r}, from: partner-${r}, to: mx-${r}, mail-from: news@partner.example, eml: signed.eml }`)
  .join('\n')}
`;
    await writeFile(join(dir, 'pix.yaml'), scenario('pix 7.2(2)'));
    await writeFile(join(dir, 'asa.yaml'), scenario('asa 9.12(4)'));
    const { result } = await runDocker([join(dir, 'pix.yaml'), join(dir, 'asa.yaml')]);
    expect(result.scenarios.flatMap((s) => s.cells.map((c) => c.error)).filter(Boolean)).toEqual([]);
    const [pix, asa] = result.scenarios.map((s) => new Map(s.cells[0].sessions.map((x) => [x.message, x])));
    for (const r of Object.keys(RECEIVERS)) {
      const p = pix.get(r)!;
      expect([r, p.outcome, p.reason]).toEqual([r, 'deferred', 'connection-reset']);
      expect(p.firewall.events.map((e) => e.rule)).toContain('duplicate-header-bug');
      const a = asa.get(r)!;
      expect([r, a.outcome, a.reason]).toEqual([r, 'delivered', 'ok']);
      expect({ r, size: a.serverView.size, sha256: a.serverView.sha256 }).toEqual({ r, size: eml.length, sha256: sha(eml) });
      expect(a.sent).toEqual({ size: eml.length, sha256: sha(eml) });
    }
    expect(leftovers()).toEqual({ containers: [], networks: [] });
  }, 900_000);
});
