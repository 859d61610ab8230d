import { describe, expect, it } from 'vitest';
import { resolveDevice } from '../src/actors/firewall/index.js';
import { ConnectionEngine } from '../src/actors/firewall/engine/engine.js';

const clock = { now: () => 0 };
function engine(device: string): ConnectionEngine {
  const r = resolveDevice(device);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return new ConnectionEngine({ id: 1, node: 'fw', clientAddress: '192.0.2.1', clientPort: 40000, serverAddress: '10.0.0.25', serverPort: 25, syslogPrefix: r.profile.syslogPrefix }, r.profile.rules, clock);
}
const B = (s: string) => Buffer.from(s, 'latin1');

describe('replies stay matched to their commands under a pipelined flood', () => {
  for (const n of [10, 256, 257, 1000, 10_000]) {
    it(`${n} NOOPs, then EHLO: the EHLO reply is still recognised and masked (asa 9.12(4))`, () => {
      const e = engine('asa 9.12(4)');
      e.process('server', B('220 esa.example.com ESMTP\r\n'));
      e.process('client', B('NOOP\r\n'.repeat(n) + 'EHLO flood.example\r\n'));
      // the server answers in batches, as it would
      for (let i = 0; i < n; i += 500) e.process('server', B('250 ok\r\n'.repeat(Math.min(500, n - i))));
      const out = e.process('server', B('250-esa.example.com\r\n250-8BITMIME\r\n250 STARTTLS\r\n'));
      expect(out.forward?.toString('latin1')).toBe('250-esa.example.com\r\n250-8BITMIME\r\n250 XXXXXXXA\r\n');
      expect(e.state.pending.length + e.state.forgotten).toBe(0);
      expect(e.state.pending.length).toBeLessThanOrEqual(512);
    });
  }
});
