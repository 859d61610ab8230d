/**
 * Diagnostic (not part of `npm run bench`): where the emulator's DATA time goes, without a profiler.
 * Feeds bench 2's byte stream (64 KB chunks, 78-byte lines) straight into the firewall's ConnectionEngine
 * (per device) and into two TranscriptRecorders (the proxy records both hops), and prints ms per 100 MB.
 * No sockets: what is left of the emulator's time in bench 2 is the proxy's own handling and the socket I/O.
 *   npm run build && node bench/firewall-parts.js [MB, default 100]
 */
import { ConnectionEngine, resolveDevice } from '../dist/actors/firewall/index.js';
import { monotonicClock } from '../dist/model/clock.js';
import { TranscriptRecorder } from '../dist/smtp/transcript.js';
import { largeMessage } from './lib/body.js';
import { median } from './lib/stats.js';

const clock = monotonicClock();
const MB = 1024 * 1024;
const SIZE = Number(process.argv[2] ?? 100) * MB;
const per100 = (ms) => (ms * 100 * MB) / SIZE;
/** distinct buffers, like socket reads */
const chunks = () => [...largeMessage('parts', SIZE)].map((c) => Buffer.from(c));
const DIALOGUE = [
  ['server', '220 esa.example.com ESMTP\r\n'],
  ['client', 'EHLO partner.example\r\n'],
  ['server', '250-esa.example.com\r\n250 SIZE 200000000\r\n'],
  ['client', 'MAIL FROM:<a@partner.example>\r\n'],
  ['server', '250 sender <a@partner.example> ok\r\n'],
  ['client', 'RCPT TO:<b@esa.example.com>\r\n'],
  ['server', '250 recipient <b@esa.example.com> ok\r\n'],
  ['client', 'DATA\r\n'],
  ['server', '354 go ahead\r\n'],
];

function engine(device) {
  const r = resolveDevice(device);
  if (!r.ok) throw new Error(`${device}: ${JSON.stringify(r.errors)}`);
  const info = { id: 1, node: 'fw', clientAddress: '127.0.0.1', clientPort: 1, serverAddress: '127.0.0.1', serverPort: 2, syslogPrefix: r.profile.syslogPrefix };
  const e = new ConnectionEngine(info, r.profile.rules, clock);
  for (const [dir, text] of DIALOGUE) e.process(dir, Buffer.from(text));
  const body = chunks();
  const t0 = performance.now();
  let forwarded = 0;
  for (const c of body) forwarded += e.process('client', c).forward?.length ?? 0;
  const ms = performance.now() - t0;
  if (forwarded < SIZE - 200) throw new Error(`${device}: forwarded ${forwarded} of ${SIZE} bytes`);
  return ms;
}

function transcripts() {
  const hops = [new TranscriptRecorder(clock), new TranscriptRecorder(clock)];
  for (const r of hops) for (const [dir, text] of DIALOGUE) r.push(dir === 'client' ? 'c2s' : 's2c', Buffer.from(text));
  const body = chunks();
  const t0 = performance.now();
  for (const c of body) for (const r of hops) r.push('c2s', c);
  return performance.now() - t0;
}

const parts = {
  'engine, device none': () => engine('none'),
  'engine, asa 9.12(4)': () => engine('asa 9.12(4)'),
  'engine, pix 7.2(2)': () => engine('pix 7.2(2)'),
  'transcripts, 2 hops': transcripts,
};
const samples = Object.fromEntries(Object.keys(parts).map((k) => [k, []]));
for (let i = 0; i < 5; i++) for (const [k, run] of Object.entries(parts)) samples[k].push(run());
for (const [k, v] of Object.entries(samples)) {
  console.log(`${k.padEnd(22)} ${per100(median(v)).toFixed(0).padStart(6)} ms per 100 MB (median of ${v.length}, min ${per100(Math.min(...v)).toFixed(0)})`);
}
