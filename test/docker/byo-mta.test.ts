import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/assertions/index.js';
import { messagesIn } from '../../src/runtime/collect/transactions.js';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mxlab } from '../helpers/cli.js';
import { dockerAvailable, leftovers, runDocker, session } from './helpers.js';

const docker = dockerAvailable();

/** Issue 11: real MTAs as receivers, `tls: verify`, a recording hop between two real MTAs, the PIX workaround, config: overrides. */
describe.skipIf(!docker)('bring your own MTA', () => {
  it('Exim and OpenSMTPD receive (behind an ASA, from real Postfix through a recording hop); what they got has its size and SHA-256', async () => {
    const { result } = await runDocker(['test/docker/fixtures/mta-receivers.yaml']);
    const cells = result.scenarios[0].cells;
    expect(cells.map((c) => c.error)).toEqual([undefined]);
    const outside = session(result, 'exim-outside');
    expect(outside).toMatchObject({ outcome: 'delivered', tls: false });
    expect(outside.serverView).toMatchObject({ accepted: true, tls: false });
    expect(outside.serverView.headers).toContain('X-Mxlab-Message: exim-outside');
    // the trace header Exim put on top is not part of what it received
    expect(outside.serverView.headers?.some((h) => /^Received: .*by exim\.example\.com/.test(h))).toBe(false);
    expect(outside.serverView.size).toBeGreaterThan(300);
    expect(outside.serverView.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(outside.log?.some((l) => /exim-mx: .* <= partner@partner\.example .*\[[\d.]+\]:\d+/.test(l))).toBe(true);
    const smtpd = session(result, 'smtpd-outside');
    expect(smtpd).toMatchObject({ outcome: 'delivered', tls: false });
    expect(smtpd.hops.map((h) => `${h.from}>${h.to}`)).toEqual(['partner2>fw2', 'fw2>smtpd-mx']);
    expect(smtpd.hops.map((h) => messagesIn(h.entries))).toEqual([['smtpd-outside'], ['smtpd-outside']]);
    expect(smtpd.serverView.headers).toContain('X-Mxlab-Message: smtpd-outside');
    // Postfix → Exim with tls: verify, straight: delivered over TLS, and the recording hop gives the hop a transcript
    const verify = session(result, 'exim-verify');
    expect(verify).toMatchObject({ outcome: 'delivered', tls: true });
    expect(verify.hops.map((h) => `${h.from}>${h.to}`)).toEqual(['pf-verify>exim-mx']);
    expect(verify.hops[0].entries.some((e) => e.dir === 'c2s' && e.text === 'STARTTLS')).toBe(true);
    expect(verify.serverView.tls).toBe(true);
    expect(verify.clientView.ehlo.some((l) => l.includes('STARTTLS'))).toBe(true);
    expect(result.ok).toBe(true);
    expect(leftovers()).toEqual({ containers: [], networks: [] });
  });

  it("Postfix's PIX workaround: HELO after a masked banner, recorded with its log line; an ehlo: expectation fails saying so; config: changes the verdicts", async () => {
    const { result } = await runDocker(['scenarios/docker/postfix-pix-workaround.yaml']);
    const stock = session(result, 'stock');
    expect(stock.clientView.greeting?.verb).toBe('HELO');
    expect(stock.clientView.greeting?.why).toMatch(/^Postfix: enabling PIX workarounds: disable_esmtp/);
    const e = evaluate({ message: 'stock', ehlo: { includes: ['250'] } }, stock);
    expect(e.ok).toBe(false);
    expect(e.checks[0].actual).toMatch(/^no EHLO was sent: the sender greeted with HELO \(Postfix: enabling PIX workarounds: disable_esmtp/);
    expect(session(result, 'no-pix').clientView.greeting?.verb).toBe('EHLO');
    expect(session(result, 'encrypt')).toMatchObject({ outcome: 'deferred', reason: 'tls-not-offered' });
    expect(result.ok).toBe(true);
    expect(leftovers()).toEqual({ containers: [], networks: [] });
  });

  it('E_IMAGE_MISSING: an image: the engine does not hold is exit 2, never pulled', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mxlab-image-missing-'));
    try {
      const f = join(dir, 's.yaml');
      await writeFile(f, 'name: e\nnodes:\n  mx: { role: receiver, persona: postfix }\n  pf: { role: sender, mta: postfix, image: "mxlab-test/no-such-image:0" }\nmessages:\n  - { id: m1, from: pf, to: mx }\n');
      const r = await mxlab(['run', f, '--runtime', 'docker'], { timeoutMs: 120_000 });
      expect(r.code).toBe(2);
      expect(r.stdout + r.stderr).toContain('E_IMAGE_MISSING: Failed to find image mxlab-test/no-such-image:0 on the Docker engine. Did you forget to build or load it (docker build -t mxlab-test/no-such-image:0 …, docker load)?');
      expect(leftovers()).toEqual({ containers: [], networks: [] });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
