/**
 * The local runtime's own endpoints for bench 2's `actors` layout: mxlab's sender (`deliver`, the
 * built-in MTA) and a receiver persona, in this process, so a sample measures what a scenario with one
 * large message gets. The persona is `generic` without TLS and with a 1 GB SIZE (the ESA persona's
 * 14 MB limit would refuse the message).
 */
import { monotonicClock } from '../../dist/model/clock.js';
import { startReceiver } from '../../dist/actors/receiver/server.js';
import { deliver } from '../../dist/actors/sender/deliver.js';
import { generateRunCertificates } from '../../dist/tls/certs.js';

export async function startActors() {
  const clock = monotonicClock();
  const certs = await generateRunCertificates(['esa.example.com']);
  const receiver = await startReceiver({ name: 'esa', persona: 'generic', hostname: 'esa.example.com', tls: 'off', size: 1 << 30, certs, clock });
  return {
    clock,
    upstream: { host: receiver.host, port: receiver.port },
    /** one message of about `bytes` through `port`; resolves with the session's ms (it fails unless delivered) */
    async send(id, bytes, port) {
      const t0 = performance.now();
      const r = await deliver(
        { name: 'partner', tls: 'none', clock, timeoutMs: 120_000 },
        { id, from: 'a@partner.example', to: 'b@esa.example.com', size: bytes },
        { host: '127.0.0.1', port, node: 'hop' },
      );
      if (r.outcome !== 'delivered') throw new Error(`message ${id}: ${r.outcome} (${r.reason ?? r.detail ?? 'no reason'})`);
      return { dataMs: performance.now() - t0 };
    },
    stop: () => receiver.stop(),
  };
}
