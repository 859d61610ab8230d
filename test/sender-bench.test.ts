import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deliver } from '../src/actors/sender/index.js';
import { monotonicClock } from '../src/model/clock.js';
import { generateRunCertificates } from '../src/tls/certs.js';
import { startFakeSmtp, type FakeSmtp } from './sender-fake-server.js';

const RUNS = 50;
let server: FakeSmtp;

beforeAll(async () => {
  const certs = await generateRunCertificates(['fake.example']);
  server = await startFakeSmtp({ ehlo: ['250-fake.example', '250-PIPELINING', '250 STARTTLS'], tls: certs });
});
afterAll(() => server.close());

describe('sender timing', () => {
  it(`median delivery with STARTTLS over ${RUNS} runs`, async () => {
    const clock = monotonicClock();
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const start = clock.now();
      const r = await deliver(
        { name: 'partner', tls: 'required', clock },
        { id: `b${i}`, from: 'partner@partner.example', to: 'user@esa.example.com' },
        { host: '127.0.0.1', port: server.port, node: 'esa' },
      );
      times.push(clock.now() - start);
      expect(r).toMatchObject({ outcome: 'delivered', tls: true });
    }
    times.sort((a, b) => a - b);
    const median = (times[RUNS / 2 - 1] + times[RUNS / 2]) / 2;
    console.log(`sender: ${RUNS} TLS deliveries, median ${median.toFixed(1)} ms, min ${times[0].toFixed(1)} ms, max ${times[RUNS - 1].toFixed(1)} ms`);
    expect(median).toBeLessThan(1000); // generous: a regression to seconds per message must fail
  });
});
