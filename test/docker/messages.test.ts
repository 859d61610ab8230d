import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { crlf } from '../../src/actors/sender/eml.js';
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
      garbage: Buffer.concat([randomBytes(150_000), Buffer.from([0, 13, 46, 13, 10, 46, 10])]),
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

