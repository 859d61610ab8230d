/**
 * One bench-2 sample in a fresh process, so RSS growth is not masked by memory earlier runs left behind:
 *   node bench/data-worker.js <relay|none|asa|pix> <bytes> [process|inproc|actors]
 * Starts the sink and the one hop, warms up with a 4 MB message, then streams <bytes> once while sampling
 * the hop's RSS every 50 ms, and prints one JSON line { mbps, dataMs, cpuMs, startRss, peakRss, growth }.
 * Layouts: `process` (default) runs the hop as its own process — `mxlab proxy --device …` for an emulator,
 * bench/lib/relay-main.js for the relay — and samples that process's RSS; `inproc` runs client, hop and
 * sink in this one process (the local runtime's layout), so RSS and CPU are the three together; `actors`
 * is `inproc` with mxlab's own sender and a receiver persona as the endpoints (bench/lib/actors.js): what a
 * scenario with one large message gets on the local runtime.
 */
import { monotonicClock } from '../dist/model/clock.js';
import { largeMessage } from './lib/body.js';
import { loadFirewall } from './lib/firewall.js';
import { startActors } from './lib/actors.js';
import { startHopProcess } from './lib/hop-process.js';
import { startMiniServer } from './lib/mini-server.js';
import { miniSession } from './lib/mini-client.js';
import { withRss } from './lib/rss.js';
import { startTcpRelay } from './lib/tcp-relay.js';

const DEVICES = { none: 'none', asa: 'asa 9.12(4)', pix: 'pix 7.2(2)' };
const MB = 1024 * 1024;

async function startHop(key, layout, upstream, clock = monotonicClock()) {
  if (layout === 'process') return startHopProcess({ device: key === 'relay' ? undefined : DEVICES[key], upstream });
  const fw = await loadFirewall();
  if (key === 'relay') return startTcpRelay({ upstream });
  if (!fw.startFirewall) throw new Error(fw.reason);
  return fw.startFirewall({ name: key, device: DEVICES[key], clock, upstream });
}

async function main(key, size, layout) {
  if (key !== 'relay' && !DEVICES[key]) throw new Error(`unknown hop "${key}" (relay, ${Object.keys(DEVICES).join(', ')})`);
  if (!['process', 'inproc', 'actors'].includes(layout)) throw new Error(`unknown layout "${layout}" (process, inproc, actors)`);
  if (layout === 'actors') return measureActors(key, size);
  const sink = await startMiniServer({ hostname: 'sink.example' });
  const hop = await startHop(key, layout, { host: sink.host, port: sink.port });
  try {
    const send = async (id, bytes) => {
      const before = { messages: sink.stats.messages, bytes: sink.stats.dataBytes };
      const r = await miniSession({ host: '127.0.0.1', port: hop.port, body: largeMessage(id, bytes) });
      const got = sink.stats.dataBytes - before.bytes;
      if (sink.stats.messages !== before.messages + 1 || got < bytes - 200) {
        throw new Error(`${key}: sink got ${sink.stats.messages - before.messages} message(s), ${got} of ~${bytes} bytes`);
      }
      return r;
    };
    return await measure(send, size, hop.rss);
  } finally {
    await hop.stop();
    await sink.stop();
  }
}

async function measureActors(key, size) {
  const actors = await startActors();
  const hop = await startHop(key, 'inproc', actors.upstream, actors.clock);
  try {
    return await measure((id, bytes) => actors.send(id, bytes, hop.port), size);
  } finally {
    await hop.stop();
    await actors.stop();
  }
}

/** Warm-up message, then the measured one while sampling RSS (`rss`: the hop process's, else this one's). */
async function measure(send, size, rss = () => process.memoryUsage.rss()) {
  await send('warmup', Number(process.env.BENCH_WARMUP_MB ?? 4) * MB);
  const cpu0 = process.cpuUsage();
  const m = await withRss(() => send('big', size), 50, rss);
  const cpu = process.cpuUsage(cpu0);
  return {
    mbps: size / MB / (m.result.dataMs / 1000),
    dataMs: m.result.dataMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    startRss: m.startRss,
    peakRss: m.peakRss,
    growth: m.growth,
  };
}

// a signal (the bench's timeout) still runs the 'exit' handlers that stop a hop process
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(1));
const [key, bytes, layout = 'process'] = process.argv.slice(2);
main(key, Number(bytes), layout).then(
  (r) => {
    process.stdout.write(JSON.stringify(r) + '\n');
  },
  (err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exitCode = 1;
  },
);
