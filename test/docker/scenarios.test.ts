import { readdirSync } from 'node:fs';
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

  for (const f of files.filter((x) => x !== 'postfix-through-asa.yaml')) {
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
