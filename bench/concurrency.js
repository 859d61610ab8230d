#!/usr/bin/env node
/**
 * Bench 5 — concurrency (issue 10, item 5): N concurrent clients (200 by default) each running whole ~1 KB
 * sessions, one after another, against servers that run as their own processes the way users run them:
 *   floor    the bench's minimal server (lib/mini-server-main.js)
 *   persona  `mxlab receiver --persona asyncos --json`
 *   relay    a plain TCP relay (lib/relay-main.js, two pipe()s) → its own asyncos receiver
 *   asa      `mxlab proxy --device "asa 9.12(4)" --json` → its own asyncos receiver
 * each without STARTTLS (plain) and with it (tls: the client upgrades whenever STARTTLS is offered; the ASA then
 * runs a map with allow-tls, since its default map masks STARTTLS and no TLS would cross the inside path).
 * The client is lib/mini-client.js in this process (one shared TLS client context). Variants run interleaved,
 * BATCH sessions per variant per round (the starting variant rotates), after one warm-up round; every variant's
 * processes live for the whole bench, so RSS growth is over all its measured sessions (20 000 by default).
 *
 *   node bench/concurrency.js               (after npm run build; npm run bench runs it too)
 *   BENCH_QUICK=1: 4 rounds of 500.  BENCH_CLIENTS=N, BENCH_SESSIONS=N (per variant), BENCH_ROUNDS=N override.
 *
 * Prints per variant sessions/s (median of rounds), p50/p99 session time (connect → close, all sessions),
 * errors, RSS growth of its server processes and the CPU each side used per session; then the goal ratios as
 * medians of per-round ratios. Never fails on timing; exits 1 only when the bench itself cannot run.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { smallMessage } from './lib/body.js';
import { startMxlabProcess, startReadyProcess } from './lib/hop-process.js';
import { miniSession } from './lib/mini-client.js';
import { fmt, interleave, median, quantile, table } from './lib/stats.js';

const here = (f) => fileURLToPath(new URL(f, import.meta.url));
const DEVICE = 'asa 9.12(4)';
/** the ASA's default map with STARTTLS allowed through (`allow-tls`), the rest as in _default_esmtp_map */
const ALLOW_TLS = `policy-map type inspect esmtp tls_map
 parameters
  mask-banner
  allow-tls
policy-map global_policy
 class inspection_default
  inspect esmtp tls_map
`;
const MB = 1024 * 1024;

/** Runs `count` sessions against host:port with `clients` of them in flight at any time. */
async function batch({ host, port }, { count, clients, tlsOptions, body }) {
  const times = [];
  const errors = new Map();
  let started = 0;
  const t0 = performance.now();
  const worker = async () => {
    while (started < count) {
      started++;
      try {
        const r = await miniSession({ host, port, tls: tlsOptions, body });
        if (tlsOptions && !r.tls) throw new Error('STARTTLS was not offered');
        times.push(r.totalMs);
      } catch (err) {
        const key = String(err?.message ?? err).slice(0, 120);
        errors.set(key, (errors.get(key) ?? 0) + 1);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(clients, count) }, worker));
  return { wallMs: performance.now() - t0, times, errors };
}

export async function concurrencyBench({ quick = false, log = console.log } = {}) {
  const env = (k, d) => (process.env[k] ? Number(process.env[k]) : d);
  const clients = env('BENCH_CLIENTS', 200);
  const rounds = env('BENCH_ROUNDS', quick ? 4 : 10);
  const perVariant = env('BENCH_SESSIONS', quick ? 2000 : 20_000);
  const perRound = Math.ceil(perVariant / rounds);
  const body = smallMessage('concurrency', 1024);
  const clientContext = tls.createSecureContext();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'mxlab-bench-conc-'));
  const config = path.join(dir, 'allow-tls.cfg');
  await writeFile(config, ALLOW_TLS);

  const procs = [];
  const start = async (p) => {
    const started = await p;
    procs.push(started);
    return started;
  };
  const receiver = () => start(startMxlabProcess(['receiver', '--persona', 'asyncos', '--listen', '127.0.0.1:0', '--json']));
  const proxy = (upstream, extra = []) => start(startMxlabProcess(['proxy', '--device', DEVICE, ...extra, '--listen', '127.0.0.1:0', '--upstream', `${upstream.host}:${upstream.port}`, '--json']));
  const relay = (upstream) => start(startReadyProcess([here('./lib/relay-main.js'), `${upstream.host}:${upstream.port}`]));
  const mini = (withTls) => start(startReadyProcess([here('./lib/mini-server-main.js'), ...(withTls ? ['--tls'] : [])]));

  try {
    /** each variant: its entry point, its server processes [hop?, server] and whether the client uses STARTTLS */
    const variants = [];
    for (const withTls of [false, true]) {
      const mode = withTls ? 'tls' : 'plain';
      const floor = await mini(withTls);
      variants.push({ key: `floor-${mode}`, label: `floor: mini client → mini server`, entry: floor, servers: [floor], hops: [], withTls });
      const alone = await receiver();
      variants.push({ key: `persona-${mode}`, label: `client → mxlab receiver asyncos`, entry: alone, servers: [alone], hops: [], withTls });
      const behindRelay = await receiver();
      const r = await relay(behindRelay);
      variants.push({ key: `relay-${mode}`, label: `client → TCP relay → asyncos`, entry: r, servers: [behindRelay], hops: [r], withTls });
      const behindAsa = await receiver();
      const fw = await proxy(behindAsa, withTls ? ['--config', config] : []);
      variants.push({ key: `asa-${mode}`, label: `client → mxlab proxy ${DEVICE}${withTls ? ' allow-tls' : ''} → asyncos`, entry: fw, servers: [behindAsa], hops: [fw], withTls });
    }

    const state = new Map(variants.map((v) => [v.key, { rounds: [], times: [], errors: new Map(), rss0: [], rssPeak: [], rssEnd: [], rssRounds: [], cpu: { client: 0, hop: 0, server: 0 } }]));
    /** RSS of each of the variant's processes: the hop (if any), then the server */
    const rssOf = (v) => [...v.hops, ...v.servers].map((p) => p.rss());
    const peak = (a, b) => a.map((x, i) => Math.max(x, b[i]));
    let measuring = false;
    const run = (v) => async () => {
      const s = state.get(v.key);
      if (measuring && s.rounds.length === 0) s.rss0 = s.rssPeak = rssOf(v);
      const sample = setInterval(() => measuring && (s.rssPeak = peak(s.rssPeak, rssOf(v))), 250);
      const cpuClient = process.cpuUsage();
      const cpuHop = v.hops.map((p) => p.cpu());
      const cpuServer = v.servers.map((p) => p.cpu());
      const b = await batch(v.entry, { count: perRound, clients, tlsOptions: v.withTls ? { secureContext: clientContext, servername: 'esa.example.com' } : undefined, body });
      clearInterval(sample);
      const rate = (b.times.length / b.wallMs) * 1000;
      if (measuring) {
        const c = process.cpuUsage(cpuClient);
        s.cpu.client += (c.user + c.system) / 1000;
        s.cpu.hop += v.hops.reduce((a, p, i) => a + p.cpu() - cpuHop[i], 0);
        s.cpu.server += v.servers.reduce((a, p, i) => a + p.cpu() - cpuServer[i], 0);
        s.rounds.push({ rate, wallMs: b.wallMs });
        s.times.push(...b.times);
        for (const [k, n] of b.errors) s.errors.set(k, (s.errors.get(k) ?? 0) + n);
        s.rssEnd = rssOf(v);
        s.rssPeak = peak(s.rssPeak, s.rssEnd);
        s.rssRounds.push(s.rssEnd);
      }
      return rate;
    };

    const loads = [os.loadavg()[0]];
    log(`  ${clients} concurrent clients, ~1 KB message per session, ${variants.length} variants interleaved: 1 warm-up round then ${rounds} rounds of ${perRound} sessions each (${perRound * rounds} per variant)`);
    await interleave(
      variants.map((v) => ({ key: v.key, run: run(v) })),
      { warmup: 1, rounds: 0 },
    );
    measuring = true;
    const samples = await interleave(
      variants.map((v) => ({ key: v.key, run: run(v) })),
      { warmup: 0, rounds, onRound: (i, n) => (loads.push(os.loadavg()[0]), process.stderr.write(`  round ${i}/${n}, load ${os.loadavg()[0].toFixed(1)}\r`)) },
    );
    process.stderr.write('\n');

    const rows = [['variant', 'sessions/s', 'min', 'max', 'p50 ms', 'p99 ms', 'p99/p50', 'errors', 'RSS growth MB', 'retained MB', 'CPU ms/session client', 'hop', 'server']];
    for (const v of variants) {
      const s = state.get(v.key);
      const n = s.times.length || 1;
      const rates = samples[v.key];
      const p50 = median(s.times);
      const p99 = quantile(s.times, 0.99);
      const errors = [...s.errors.values()].reduce((a, b) => a + b, 0);
      rows.push([
        `${v.key.padEnd(13)} ${v.label}`,
        fmt(median(rates), 0),
        fmt(Math.min(...rates), 0),
        fmt(Math.max(...rates), 0),
        fmt(p50, 1),
        fmt(p99, 1),
        fmt(p99 / p50, 2),
        String(errors),
        s.rssPeak.map((x, i) => fmt((x - s.rss0[i]) / MB, 0)).join(' + '),
        s.rssEnd.map((x, i) => fmt((x - s.rss0[i]) / MB, 0)).join(' + '),
        fmt(s.cpu.client / n, 2),
        v.hops.length ? fmt(s.cpu.hop / n, 2) : '',
        fmt(s.cpu.server / n, 2),
      ]);
    }
    log(table(rows));
    for (const v of variants) {
      const s = state.get(v.key);
      for (const [k, c] of s.errors) log(`  ${v.key} error ×${c}: ${k}`);
    }
    log('  RSS growth = peak − RSS after the warm-up round of each of the variant\'s processes, hop + server (sampled every 250 ms); retained = at the end − after warm-up');
    for (const v of variants.filter((x) => x.key.startsWith('asa') || x.key.startsWith('persona'))) {
      log(`  ${v.key} RSS MB after each round (hop + server): ${state.get(v.key).rssRounds.map((r) => r.map((x) => fmt(x / MB, 0)).join('+')).join(', ')}`);
    }
    log(`  CPU ms/session: this process (${clients} clients), the hop process, the server process; a side near (sessions/s × ms/session / 1000) ≈ 1 core is saturated`);

    const ratio = (a, b) => {
      const per = samples[a].map((x, i) => x / samples[b][i]);
      return `${fmt(median(per), 2)} (ratio of medians ${fmt(median(samples[a]) / median(samples[b]), 2)}, rounds ${fmt(Math.min(...per), 2)}–${fmt(Math.max(...per), 2)})`;
    };
    log('  goals (median of per-round ratios):');
    for (const mode of ['plain', 'tls']) {
      log(`    ${mode}: asa/relay = ${ratio(`asa-${mode}`, `relay-${mode}`)}   (goal ≥ 0.8)`);
      log(`    ${mode}: asa/persona = ${ratio(`asa-${mode}`, `persona-${mode}`)}   (goal ≥ 0.6)`);
      const s = state.get(`asa-${mode}`);
      const errors = [...s.errors.values()].reduce((a, b) => a + b, 0);
      const growth = s.rssPeak.map((x, i) => (x - s.rss0[i]) / MB);
      const p = quantile(s.times, 0.99) / median(s.times);
      log(`    ${mode}: asa errors ${errors} (goal 0), RSS growth proxy ${fmt(growth[0], 0)} MB, receiver ${fmt(growth[1], 0)} MB over ${s.times.length + errors} sessions (goal ≤ 64 each), p99/p50 ${fmt(p, 2)} (goal ≤ 3)`);
    }
    log(`  load average (1 min) during the rounds: ${fmt(Math.min(...loads), 1)}–${fmt(Math.max(...loads), 1)}, of which this bench's own client and servers are up to ~3`);
    return { samples, state };
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = performance.now();
  console.log(`mxlab bench 5 — concurrency — ${new Date().toISOString()} — node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}${process.env.BENCH_QUICK === '1' ? ' — BENCH_QUICK' : ''}`);
  await concurrencyBench({ quick: process.env.BENCH_QUICK === '1' });
  console.log(`total ${((performance.now() - t0) / 1000).toFixed(1)} s, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
}
