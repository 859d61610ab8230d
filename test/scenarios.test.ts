import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunResult } from '../src/model/result.js';
import { mxlab, ROOT } from './helpers/cli.js';

const files = readdirSync(join(ROOT, 'scenarios')).filter((f) => f.endsWith('.yaml')).sort();

/** Every shipped scenario runs over real sockets and real TLS, and its expectations hold: they are the docs. */
describe('shipped scenarios (local runtime)', () => {
  it('ships some', () => expect(files.length).toBeGreaterThanOrEqual(5));

  for (const file of files) {
    it(`${file}: every expectation holds`, async () => {
      const r = await mxlab(['run', join('scenarios', file), '--reporter', 'json']);
      const result = JSON.parse(r.stdout) as RunResult;
      const failed = result.scenarios.flatMap((s) => s.cells.flatMap((c) => [...(c.error ? [c.error.message] : []), ...c.expectations.filter((e) => !e.ok).map((e) => JSON.stringify(e))]));
      expect(failed).toEqual([]);
      expect(result.summary.expectations).toBeGreaterThan(0);
      expect(r.code).toBe(0);
    });
  }

  it('the seed: byte-exact views on both sides of the PIX', async () => {
    const r = await mxlab(['run', 'scenarios/seed-esa-behind-pix.yaml', '--reporter', 'json']);
    const sessions = (JSON.parse(r.stdout) as RunResult).scenarios[0].cells[0].sessions;
    const by = Object.fromEntries(sessions.map((s) => [s.message, s]));
    expect(by.outside.clientView.ehlo.slice(-3)).toEqual(['250-8BITMIME', '250-SIZE 14680064', '250 XXXXXXXA']);
    // the receiver itself still offered STARTTLS: the rewrite happened in between
    expect(by.outside.hops[1].entries.filter((e) => e.dir === 's2c').map((e) => e.text)).toContain('250 STARTTLS');
    expect(by['outside-forced'].clientView.starttls).toBe('500 #5.5.1 command not recognized');
    expect(by['outside-forced'].serverView.commands).toContain('XXXXXXXX');
    expect(by.inside.clientView.ehloAfterTls).not.toContain('250 STARTTLS');
    expect(by.inside.serverView.tls).toBe(true);
    expect(by['outside-dkim'].serverView.accepted).toBe(false);
  });
});
