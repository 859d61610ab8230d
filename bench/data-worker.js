/**
 * One bench-2 sample in a fresh process, so RSS growth is not masked by memory earlier runs left behind:
 *   node bench/data-worker.js <relay|none|asa|pix> <bytes>
 * Starts the sink and the one hop, warms up with a 4 MB message, then streams <bytes> once while sampling
 * RSS every 50 ms, and prints one JSON line { mbps, dataMs, startRss, peakRss, growth }.
 */
import { monotonicClock } from '../dist/model/clock.js';
import { largeMessage } from './lib/body.js';
import { loadFirewall } from './lib/firewall.js';
import { startMiniServer } from './lib/mini-server.js';
import { miniSession } from './lib/mini-client.js';
import { withRss } from './lib/rss.js';
import { startTcpRelay } from './lib/tcp-relay.js';

export const DEVICES = { none: 'none', asa: 'asa 9.12(4)', pix: 'pix 7.2(2)' };
const MB = 1024 * 1024;

async function main(key, size) {
  const sink = await startMiniServer({ hostname: 'sink.example' });
  const upstream = { host: sink.host, port: sink.port };
  let hop;
  if (key === 'relay') hop = await startTcpRelay({ upstream });
  else {
    const fw = await loadFirewall();
    if (!fw.startFirewall) throw new Error(fw.reason);
    hop = await fw.startFirewall({ name: key, device: DEVICES[key], clock: monotonicClock(), upstream });
  }
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
    await send('warmup', 4 * MB);
    const m = await withRss(() => send('big', size));
    return { mbps: size / MB / (m.result.dataMs / 1000), dataMs: m.result.dataMs, startRss: m.startRss, peakRss: m.peakRss, growth: m.growth };
  } finally {
    await hop.stop();
    await sink.stop();
  }
}

const [key, bytes] = process.argv.slice(2);
main(key, Number(bytes)).then(
  (r) => {
    process.stdout.write(JSON.stringify(r) + '\n');
  },
  (err) => {
    process.stderr.write(`${err.stack ?? err}\n`);
    process.exitCode = 1;
  },
);
