import { describe, expect, it } from 'vitest';
import { dockerAvailable, leftovers, runDocker } from './helpers.js';

const docker = dockerAvailable();

/** Issue 11, item 5: containers and networks reused across matrix cells. */
describe.skipIf(!docker)('matrix cells on reused containers', () => {
  it('four cells on two stacks: the firewall reloads its device, Postfix its TLS policy, each cell sees only its own records and mail; a cell that deferred passes nothing on', async () => {
    const { result, progress } = await runDocker(['test/docker/fixtures/reuse-matrix.yaml']);
    const cells = result.scenarios[0].cells;
    expect(cells.map((c) => c.error)).toEqual([undefined, undefined, undefined, undefined]);
    // the first cell starts all 7 containers, the second reloads them (another TLS policy) and its
    // Postfix defers: the third starts its own 7, the fourth reloads those
    const started = progress.filter((l) => /: starting /.test(l));
    expect(started).toHaveLength(14);
    expect(started.filter((l) => l.includes('fw.device=asa 9.12(4)') && l.includes('partner.tls=opportunistic'))).toHaveLength(7);
    expect(started.filter((l) => l.includes('fw.device=none') && l.includes('partner.tls=opportunistic'))).toHaveLength(7);
    const reused = progress.filter((l) => /: reusing /.test(l));
    expect(reused).toHaveLength(14);
    expect(reused.every((l) => l.includes('partner.tls=required'))).toBe(true);
    const byCell = cells.map((c) => Object.fromEntries(c.sessions.map((s) => [s.message, s])));
    expect(byCell.map((c) => [c.outside.outcome, c.outside.tls])).toEqual([['delivered', false], ['deferred', false], ['delivered', true], ['delivered', true]]);
    for (const [i, c] of byCell.entries()) {
      // one connection per hop of this cell's message, on this cell's clock
      expect(c.outside.hops.map((h) => `${h.from}>${h.to}`)).toEqual(['partner>fw', 'fw>esa']);
      for (const s of Object.values(c)) for (const h of s.hops) for (const e of h.entries) expect(e.t, `cell ${i} ${s.message}`).toBeGreaterThanOrEqual(0);
      expect(c['to-exim'].serverView.headers).toContain('X-Mxlab-Message: to-exim');
      // the recording hop sees one connection of this cell (TLS from STARTTLS on: one EHLO, one STARTTLS)
      expect(c['to-exim'].hops[0].entries.filter((e) => e.dir === 'c2s' && (e.text === 'STARTTLS' || e.text.startsWith('EHLO')))).toHaveLength(2);
    }
    // what Exim stored is this cell's message: the queue id Postfix logged in this cell is in its Received: line
    for (const c of byCell) {
      const qid = c['to-exim'].log?.map((l) => /: (\w+): message-id=<to-exim@/.exec(l)?.[1]).find(Boolean);
      expect(qid).toBeTruthy();
      expect(c['to-exim'].serverView.headers?.join('\n')).toMatch(new RegExp(`\\sid ${qid}\\b`));
    }
    expect(result.ok).toBe(true);
    expect(leftovers()).toEqual({ containers: [], networks: [] });
  });

  it('a cell whose real MTAs did not deliver passes its containers on to no later cell: the next starts its own and delivers (no retry hint, disabled route or envelope in flight carried over)', async () => {
    const { result, progress } = await runDocker(['test/docker/fixtures/reuse-after-failure.yaml']);
    const cells = result.scenarios[0].cells;
    expect(cells.map((c) => c.error)).toEqual([undefined, undefined]);
    expect(progress.filter((l) => /fw\.device=asa 9\.12\(4\): starting /.test(l))).toHaveLength(4);
    expect(progress.filter((l) => /fw\.device=none: starting /.test(l))).toHaveLength(4);
    expect(progress.filter((l) => /: reusing /.test(l))).toEqual([]);
    expect(cells.flatMap((c) => c.expectations.filter((e) => !e.ok).map((e) => JSON.stringify(e)))).toEqual([]);
    expect(result.ok).toBe(true);
    expect(leftovers()).toEqual({ containers: [], networks: [] });
  });

  it('a lab DNS scenario after another in the same run starts on a stack of its own (its MTAs route by MX through its resolver)', async () => {
    const { result, progress } = await runDocker(['scenarios/docker/exim-through-asa.yaml', 'scenarios/docker/mx-routing-real-mtas.yaml']);
    expect(result.scenarios.map((x) => x.cells.map((c) => c.error))).toEqual([[undefined], [undefined]]);
    const lab = progress.filter((l) => l.includes('MX routing by real MTAs'));
    expect(lab.filter((l) => /: starting /.test(l)).length).toBeGreaterThan(3);
    // only its own resolver, brought up first, is named twice
    expect(lab.filter((l) => /: reusing /.test(l))).toEqual([expect.stringMatching(/: reusing the lab resolver /)]);
    expect(result.scenarios.flatMap((x) => x.cells.flatMap((c) => c.expectations.filter((e) => !e.ok).map((e) => JSON.stringify(e))))).toEqual([]);
    expect(leftovers()).toEqual({ containers: [], networks: [] });
  });
});
