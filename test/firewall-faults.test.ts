import net from 'node:net';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveDevice, startFirewall, type StartedFirewall } from '../src/actors/firewall/index.js';
import { monotonicClock } from '../src/model/clock.js';
import { Raw, within } from './helpers/hostile.js';
import { Served } from './helpers/serve.js';

/** An upstream that greets, answers each line `250 ok`, and counts what it got. */
async function upstream() {
  let got = 0;
  const resets: string[] = [];
  const socks = new Set<net.Socket>();
  const server = net.createServer((s) => {
    socks.add(s);
    s.on('error', (e: NodeJS.ErrnoException) => resets.push(e.code ?? e.message)).on('close', () => socks.delete(s));
    s.on('data', (d: Buffer) => {
      got += d.length;
      for (let i = d.indexOf(0x0a); i >= 0; i = d.indexOf(0x0a, i + 1)) s.write('250 ok\r\n');
    });
    s.write('220 up.example ESMTP\r\n');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as net.AddressInfo).port,
    got: () => got,
    resets,
    close: async () => {
      for (const s of socks) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function setup(config: string, device = 'none', idleTimeoutMs?: number): Promise<{ fw: StartedFirewall; up: Awaited<ReturnType<typeof upstream>>; c: Raw }> {
  const up = await upstream();
  cleanup.push(up.close);
  const fw = await startFirewall({ name: 'fw', device, config, clock: monotonicClock(), upstream: { host: '127.0.0.1', port: up.port }, idleTimeoutMs });
  cleanup.push(() => fw.stop());
  const c = await Raw.connect(fw.port);
  cleanup.push(async () => c.socket.destroy());
  return { fw, up, c };
}

describe('L4 faults', () => {
  it('delay holds every segment, both ways, and logs once', async () => {
    const t0 = performance.now();
    const { fw, c } = await setup('! mxlab fault delay 150');
    await c.until((t) => t.includes('\r\n'));
    expect(performance.now() - t0).toBeGreaterThanOrEqual(140);
    const t1 = performance.now();
    await c.write('NOOP\r\n');
    await c.until((t) => t.includes('250 ok\r\n'));
    expect(performance.now() - t1).toBeGreaterThanOrEqual(290);
    expect(fw.connections[0].events.map((e) => [e.rule, e.action, e.log.replace(/;.*/, '')])).toEqual([['delay', 'delay', 'mxlab-fw fw conn 1: delay: fault: every segment held 150 ms']]);
  });

  it('delay: a FIN right after the data waits for the held segment', async () => {
    const { fw, up, c } = await setup('! mxlab fault delay 100');
    await c.until((t) => t.includes('\r\n'));
    c.socket.end('QUIT\r\n');
    await within(fw.connections[0].closed, 3000, 'the connection to close');
    expect(up.got()).toBe(6);
    expect(fw.connections[0].serverHop.entries.map((e) => e.text)).toContain('QUIT');
  });

  it('bandwidth caps the throughput per direction', async () => {
    const { up, c } = await setup('! mxlab fault bandwidth 1024', 'none');
    await c.until((t) => t.includes('\r\n'));
    const t0 = performance.now();
    await c.write(Buffer.alloc(1024 * 1024, 0x61));
    await within(
      (async () => {
        while (up.got() < 1024 * 1024) await new Promise((r) => setTimeout(r, 20));
      })(),
      10_000,
      '1 MiB to arrive',
    );
    expect(performance.now() - t0).toBeGreaterThanOrEqual(900); // 1 MiB at 1024 KiB/s
  });

  it('reset-after resets both sides once the byte budget is spent', async () => {
    const { fw, up, c } = await setup('! mxlab fault reset-after 100', 'asa 9.12(4)');
    await c.until((t) => t.includes('\r\n')); // 22-byte banner
    await c.write('NOOP\r\n');
    await c.until((t) => t.includes('250 ok'));
    const before = up.got();
    await c.write(`NOOP ${'x'.repeat(100)}\r\n`);
    expect((await within(c.closed, 2000, 'the reset')).reset).toBe(true);
    await fw.connections[0].closed;
    expect(up.got()).toBe(before);
    expect(fw.connections[0].events.at(-1)).toMatchObject({ rule: 'reset-after', action: 'reset' });
  });

  it('blackhole swallows everything after N bytes and leaves the connection open', async () => {
    const { fw, up, c } = await setup(`! mxlab fault blackhole ${'220 up.example ESMTP\r\n'.length}`, 'none', 600);
    await c.until((t) => t.includes('\r\n'));
    await c.write('NOOP\r\n');
    const t0 = performance.now();
    await within(c.closed, 3000, 'the idle timeout');
    expect(performance.now() - t0).toBeGreaterThanOrEqual(550); // nothing answered, nothing closed it before the timeout
    expect(up.got()).toBe(0);
    expect(c.text).toBe('220 up.example ESMTP\r\n');
    expect(fw.connections[0].events.map((e) => e.rule)).toEqual(['blackhole']);
  });
});

describe('fault configuration', () => {
  it('`! mxlab fault` and `! mxlab knob` lines and the faults option add rules after the device rules', () => {
    const names = (d: string, cfg?: string, faults?: Record<string, number>) => {
      const r = resolveDevice(d, cfg, undefined, faults);
      if (!r.ok) throw new Error(JSON.stringify(r.errors));
      return r.profile.rules.map((x) => x.name);
    };
    expect(names('asa 9.12(4)', '! mxlab fault delay 20\n! mxlab knob reset-after 1000').slice(-2)).toEqual(['reset-after', 'delay']);
    expect(names('none', '! mxlab fault blackhole 0')).toEqual(['blackhole']);
    expect(names('pix 6.3(5)', undefined, { bandwidth: 64 }).at(-1)).toBe('bandwidth');
  });
  it('rejects bad faults with line and column', () => {
    const errs = (d: string, cfg: string) => {
      const r = resolveDevice(d, cfg);
      return r.ok ? [] : r.errors;
    };
    expect(errs('asa 9.x', 'policy-map global_policy\n! mxlab fault delay -5')).toEqual([
      { line: 2, col: 15, message: 'mxlab: fault delay takes a whole number of ms from 0 to 600000, got "-5"' },
    ]);
    expect(errs('none', '! mxlab fault jitter 5')[0]).toMatchObject({ line: 1, col: 15, message: expect.stringContaining('unknown fault "jitter"') });
    expect(errs('none', '! mxlab fault bandwidth 0')[0]).toMatchObject({ line: 1, message: expect.stringContaining('from 1 to') });
  });
  it('mxlab proxy --knob reset-after=N works from the CLI (npm run build first)', async () => {
    const up = await upstream();
    cleanup.push(up.close);
    const px = Served.start(['proxy', '--device', 'none', '--knob', 'reset-after=40', '--listen', '127.0.0.1:0', '--upstream', `127.0.0.1:${up.port}`, '--json']);
    cleanup.push(() => px.stop());
    const ready = await px.line((l) => l.type === 'ready');
    const c = await Raw.connect(ready.port as number);
    cleanup.push(async () => c.socket.destroy());
    await c.until((t) => t.includes('\r\n'));
    await c.write('HELO a-rather-long-name.example\r\n');
    expect((await within(c.closed, 3000, 'the reset')).reset).toBe(true);
    const ev = await px.line((l) => l.type === 'event' && l.rule === 'reset-after');
    expect(ev.action).toBe('reset');
  });
});
