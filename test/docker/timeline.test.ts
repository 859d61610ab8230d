import { describe, expect, it } from 'vitest';
import { dockerAvailable, leftovers, runDocker, session } from './helpers.js';

const docker = dockerAvailable();

/** Retries and timeline steps on the docker runtime (builtin senders; real MTAs in real-mta-queues.test.ts). */
describe.skipIf(!docker)('timeline on the docker runtime', () => {
  it('steps reach the node programs in their containers; attempts and transcripts are in scenario time', async () => {
    const { result } = await runDocker(['test/docker/fixtures/timeline-steps.yaml']);
    const cell = result.scenarios[0].cells[0];
    expect(cell.error).toBeUndefined();
    const failed = cell.expectations.filter((e) => !e.ok).map((e) => `${e.message}: ${JSON.stringify(e.checks.filter((c) => !c.ok))}`);
    expect(failed).toEqual([]);
    expect(cell.timeline!.map((s) => `${s.at} ${s.node} ${s.change}`)).toEqual(['0 fw fault break-tls', '0 esb state stopped', '300000 esa tls-fault none', '300000 fw fault none', '300000 esb state started']);
    const verify = session(result, 'verify');
    expect(verify.history![0].detail).toBe('TLS handshake failed: certificate has expired (CERT_HAS_EXPIRED)');
    // the containers keep real time; the session's lines are moved onto the scenario clock
    const required = session(result, 'required');
    expect(required.hops[1].entries[0].t).toBeGreaterThanOrEqual(10 * 60_000);
    expect(required.firewall.events.length + required.history![0].firewall.events.length).toBeGreaterThan(0);
    expect(cell.scenarioMs).toBeGreaterThanOrEqual(10 * 60_000);
    expect(leftovers()).toEqual({ containers: [], networks: [] });
  });
});
