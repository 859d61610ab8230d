/**
 * Bench 2 — DATA through a device (issue 3, item 6): one large message streamed by the bench's raw client
 * through a plain TCP relay (two pipes), the ASA 9.12(4) emulator, the PIX 7.2(2) emulator and (breakdown) the
 * emulator with device `none` (its proxy, no rules), each to the same kind of read-and-discard SMTP sink
 * (bench/lib/mini-server.js, plaintext). Three layouts, all measured:
 *   process — the hop is its own process (`mxlab proxy --device …`, or bench/lib/relay-main.js), as users run
 *             the emulator in front of a real server and as the docker runtime runs it; RSS is that process's;
 *   inproc  — client, hop and sink share one process and one thread (the local runtime's layout);
 *   actors  — as inproc, with mxlab's own sender (`deliver`) and a receiver persona as the endpoints: what
 *             a local-runtime scenario with one large message gets.
 * Each sample is a fresh worker process (bench/data-worker.js), spawned interleaved relay, asa, pix, none, relay, …
 * Throughput = message bytes / (first body byte → 250 after CRLF.CRLF); RSS growth = peak − start of transfer.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadFirewall } from './lib/firewall.js';
import { fmt, interleave, median, table } from './lib/stats.js';

const MB = 1024 * 1024;
const WORKER = fileURLToPath(new URL('./data-worker.js', import.meta.url));
const LAYOUTS = [
  { key: 'process', label: 'hop in its own process (`mxlab proxy`)' },
  { key: 'inproc', label: 'client, hop and sink in one process (local runtime)' },
  { key: 'actors', label: "mxlab's sender and receiver persona with the hop, one process (a local-runtime scenario)" },
];

function sample(key, size, layout) {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [WORKER, key, String(size), layout], { timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`data-worker ${key} ${layout}: ${stderr.trim() || err.message}`));
      resolve(JSON.parse(stdout.trim().split('\n').pop()));
    });
  });
}

export async function dataThrough({ quick = false, log = console.log } = {}) {
  const size = (quick ? 20 : 100) * MB;
  const rounds = quick ? 3 : 7;
  const hops = [{ key: 'relay', label: 'plain TCP relay (pipe)' }];
  const fw = await loadFirewall();
  if (fw.startFirewall) {
    hops.push(
      { key: 'asa', label: 'asa 9.12(4) emulator' },
      { key: 'pix', label: 'pix 7.2(2) emulator' },
      { key: 'none', label: 'emulator, device none (breakdown)' },
    );
  } else log(`  (emulators skipped: ${fw.reason})`);

  const cells = LAYOUTS.flatMap((l) => hops.map((h) => ({ id: `${l.key}:${h.key}`, layout: l.key, hop: h.key })));
  const runs = Object.fromEntries(cells.map((c) => [c.id, []]));
  const variants = cells.map((c) => ({
    key: c.id,
    run: async () => {
      const r = await sample(c.hop, size, c.layout);
      runs[c.id].push(r);
      return r.mbps;
    },
  }));
  log(`  ${fmt(size / MB, 0)} MB message (78-byte lines), ${rounds} rounds interleaved over the three layouts, one fresh worker process per sample (4 MB warm-up in it)`);
  const samples = await interleave(variants, { warmup: 0, rounds });
  const result = {};
  for (const l of LAYOUTS) {
    const id = (h) => `${l.key}:${h}`;
    const m = Object.fromEntries(hops.map((h) => [h.key, median(samples[id(h.key)])]));
    const growth = (k) => runs[id(k)].map((r) => r.growth / MB);
    log(`\n  layout: ${l.label}${l.key === 'process' ? ' — RSS of the hop process' : ' — RSS of the whole process'}`);
    log(
      table([
        ['path', 'median MB/s', 'min MB/s', 'max MB/s', 'RSS growth median MB', 'max MB', 'peak RSS MB'],
        ...hops.map((h) => [
          h.label,
          fmt(m[h.key], 1),
          fmt(Math.min(...samples[id(h.key)]), 1),
          fmt(Math.max(...samples[id(h.key)]), 1),
          fmt(median(growth(h.key)), 1),
          fmt(Math.max(...growth(h.key)), 1),
          fmt(Math.max(...runs[id(h.key)].map((r) => r.peakRss)) / MB, 0),
        ]),
      ]),
    );
    const devices = hops.filter((h) => h.key !== 'relay' && h.key !== 'none');
    if (devices.length) {
      log(`  throughput ratios of medians: ${devices.map((h) => `${h.key}/relay = ${fmt(m[h.key] / m.relay)}`).join(', ')}`);
      // paired: each round's device sample over the same round's relay sample (taken seconds apart), so a
      // slow spell of the machine divides out instead of landing on one variant's median
      const paired = (k) => samples[id(k)].map((x, i) => x / samples[id('relay')][i]);
      for (const h of devices) {
        const r = paired(h.key);
        // quick: 20 MB is over before V8 has optimised the emulator's per-segment code (~90 MB, see README)
        const goal = quick ? 'quick run: the goal is judged on the 100 MB run' : 'goal ≥ 0.8; RSS growth goal < 64 MB';
        log(`  ${h.key}/relay per round: ${r.map((x) => fmt(x)).join(' ')} — median ${fmt(median(r))}   (${goal})`);
      }
    }
    if (m.none !== undefined) log(`  breakdown: the emulator's proxy with no rules (device none) runs at ${fmt(m.none / m.relay)} of the relay`);
    result[l.key] = { medians: m, samples: Object.fromEntries(hops.map((h) => [h.key, samples[id(h.key)]])), runs: Object.fromEntries(hops.map((h) => [h.key, runs[id(h.key)]])) };
  }
  return result;
}
