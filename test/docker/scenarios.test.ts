import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dockerAvailable, leftovers, root, runDocker, session } from './helpers.js';

const docker = dockerAvailable();
const files = readdirSync(join(root, 'scenarios', 'docker')).filter((f) => f.endsWith('.yaml')).sort();

describe.skipIf(!docker)('scenarios/docker', () => {
  it('Postfix through asa 9.12(4): may → plaintext, encrypt → deferred with its "TLS is required" line, inside → TLS', async () => {
    const { result } = await runDocker(['scenarios/docker/postfix-through-asa.yaml']);
    expect(session(result, 'outside-may')).toMatchObject({ outcome: 'delivered', tls: false });
    const enc = session(result, 'outside-encrypt');
    expect(enc).toMatchObject({ outcome: 'deferred', reason: 'tls-not-offered' });
    expect(enc.log?.some((l) => /status=deferred \(TLS is required, but was not offered by host/.test(l))).toBe(true);
    // the firewall's and the receiver's reports land in the same session
    expect(enc.firewall.events.length).toBeGreaterThan(0);
    expect(enc.hops.map((h) => `${h.from}>${h.to}`)).toEqual(['partner-encrypt>fw', 'fw>esa']);
    expect(enc.clientView.banner.join('')).not.toContain('esa.example.com');
    expect(session(result, 'inside')).toMatchObject({ outcome: 'delivered', tls: true });
    expect(result.ok).toBe(true);
    expect(leftovers()).toEqual({ containers: [], networks: [] });
  });

  it('real-message-postfix.yaml: Postfix takes the eml with its envelope; through the PIX 6.3 config it sees a PIX and is reset in DATA; the builtin sender in its container delivers the file byte for byte', async () => {
    const { result } = await runDocker(['scenarios/docker/real-message-postfix.yaml']);
    const eml = readFileSync(join(root, 'scenarios/mail/q1-orders.eml'));
    const sha = createHash('sha256').update(eml).digest('hex');
    const [asa, pix] = result.scenarios[0].cells;
    const by = (c: typeof asa, id: string) => c.sessions.find((x) => x.message === id)!;
    expect(by(asa, 'via-builtin')).toMatchObject({ outcome: 'delivered', sent: { size: eml.length, sha256: sha }, serverView: { size: eml.length, sha256: sha } });
    const postfix = by(asa, 'via-postfix');
    expect(postfix.outcome).toBe('delivered');
    // what Postfix relayed is the file with its own Received: line (and the run's X-Mxlab-Message) on top
    expect(postfix.serverView.headers?.[0]).toBe('Received: by mail.partner.example (Postfix, from userid 0)');
    expect(postfix.serverView.sha256).not.toBe(sha);
    expect(postfix.serverView.headers).toContain('Message-ID: <q1-orders-2012@mail.partner.example>');
    const cut = by(pix, 'via-postfix');
    expect([cut.outcome, cut.reason]).toEqual(['deferred', 'connection-reset']);
    // the Mailguard banner (only 2, 0, the space and *) is what Postfix's client takes for a PIX
    expect(cut.log?.some((l) => /enabling PIX workarounds/.test(l))).toBe(true);
    expect(result.ok).toBe(true);
    expect(leftovers()).toEqual({ containers: [], networks: [] });
  });

  it('DANE and MTA-STS seed: real MTAs route by MX through the lab resolver, every hop keeps its transcript', async () => {
    const { result } = await runDocker(['scenarios/docker/dane-mta-sts-seed.yaml']);
    const failed = result.scenarios.flatMap((s) => s.cells.flatMap((c) => c.expectations)).filter((e) => !e.ok);
    expect(failed.map((e) => `${e.message}: ${JSON.stringify(e.checks.filter((c) => !c.ok))}`)).toEqual([]);
    // the path each MTA took, as its MX lookup through its side's view led it: the firewall from outside, the ESA inside
    for (const [id, path] of [['postfix-pix', 'postfix-pix>pix pix>esa'], ['exim-allow-tls-masked', 'exim-masked>asa-tls-masked asa-tls-masked>esa'], ['inside', 'lan>esa']] as const) {
      const s = session(result, id);
      expect(s.hops.map((h) => `${h.from}>${h.to}`).join(' ')).toBe(path);
      expect(s.hops.every((h) => h.entries.length > 0)).toBe(true);
      // every query of the MTA went to the lab resolver and was answered from the scenario
      expect(s.dns?.length).toBeGreaterThan(0);
      expect(s.dns?.every((q) => q.node === s.from || q.node === s.hops[0].from)).toBe(true);
    }
    expect(session(result, 'postfix-pix').serverView.commands.some((c) => c.startsWith('MAIL FROM'))).toBe(false);
    expect(leftovers()).toEqual({ containers: [], networks: [] });
  });

  it('DANE to a real Postfix receiver: inside senders reach its name at a recording hop, so the hop into it has its transcript', async () => {
    const { result } = await runDocker(['scenarios/docker/dane-real-receiver.yaml']);
    const failed = result.scenarios.flatMap((s) => s.cells.flatMap((c) => c.expectations)).filter((e) => !e.ok);
    expect(failed.map((e) => `${e.message}: ${JSON.stringify(e.checks.filter((c) => !c.ok))}`)).toEqual([]);
    for (const id of ['postfix', 'exim', 'builtin']) {
      const s = session(result, id);
      expect(s.hops.map((h) => `${h.from}>${h.to}`)).toEqual([`${s.from}>mx`]);
      // the whole session, STARTTLS included, as the recording hop saw it
      expect(s.hops[0].entries.some((e) => e.dir === 'c2s' && /^STARTTLS$/i.test(e.text))).toBe(true);
      expect(s.serverView.accepted).toBe(true);
    }
    expect(session(result, 'postfix-asa').hops.map((h) => `${h.from}>${h.to}`)).toEqual(['postfix-asa>asa', 'asa>mx']);
    expect(leftovers()).toEqual({ containers: [], networks: [] });
  });

  for (const f of files.filter((x) => !['postfix-through-asa.yaml', 'real-message-postfix.yaml', 'dane-mta-sts-seed.yaml', 'dane-real-receiver.yaml'].includes(x))) {
    it(`${f} holds its expectations`, async () => {
      const { result } = await runDocker([`scenarios/docker/${f}`]);
      const cells = result.scenarios.flatMap((s) => s.cells);
      expect(cells.map((c) => c.error)).toEqual(cells.map(() => undefined));
      const failed = cells.flatMap((c) => c.expectations).filter((e) => !e.ok);
      expect(failed.map((e) => `${e.message}: ${JSON.stringify(e.checks.filter((c) => !c.ok))}`)).toEqual([]);
      expect(leftovers()).toEqual({ containers: [], networks: [] });
    });
  }
});
