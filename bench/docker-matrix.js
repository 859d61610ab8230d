/**
 * Bench 3c — what a docker matrix cell costs (issue 11, item 5: goals ≤ 1 s per extra cell that
 * changes only the firewall, 24 cells ≤ 60 s). Every run is the CLI in a child process of a code
 * snapshot (lib/docker-build.js), checked to pass its expectations and to leave nothing behind.
 * Variants, interleaved over the rounds:
 *
 * - fw1 / fw5: one Postfix sender through a firewall to an asyncos receiver, one message, a matrix
 *   of 1 and of 5 `fw.device` values, `--jobs 1`; per extra cell that changes only the firewall =
 *   (t5 − t1) / 4 (goal ≤ 1 s), wall and the sum of the cells' durationMs;
 * - m24: 3 MTAs (Postfix, Exim, OpenSMTPD as the sender) × 4 devices × 2 TLS policies = 24 cells,
 *   `--jobs 2` (goal ≤ 60 s warm);
 * - the 5-cell run with MXLAB_DOCKER_REUSE=0 (every cell its own containers and networks), side by
 *   side; the 24 cells so too with BENCH_M24_BASELINE=1 (several minutes).
 *
 * `node bench/docker-matrix.js` after `npm run build`, under flock /tmp/mxlab-bench.lock (and the
 * docker lock when tests run beside it). Never fails on timing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { makeSnapshot } from './lib/docker-build.js';
import { leftovers, timedRun } from './lib/docker-cli.js';
import { variantRuns } from './lib/docker-run.js';
import { viaFirewall } from './lib/docker-scenario.js';
import { fmt, interleave, median, table } from './lib/stats.js';

const ROOT = resolve(import.meta.dirname, '..');
const DEVICES = ['asa 9.12(4)', 'pix 7.2(2)', 'asa 8.4(7)', 'none', 'zorp'];

const ONE = viaFirewall({
  name: 'bench: Postfix through a firewall, one message',
  tail: `matrix:
  fw.device: [asa 9.12(4)]
expect:
  - { message: m1, outcome: delivered }
`,
});

const M24 = viaFirewall({
  name: 'bench: 3 MTAs x 4 devices x 2 TLS policies',
  tail: `matrix:
  partner.mta: [postfix, exim, opensmtpd]
  fw.device: [asa 9.12(4), pix 7.2(2), asa 8.4(7), none]
  partner.tls: [opportunistic, required]
expect:
  - { message: m1, when: { partner.tls: opportunistic }, outcome: delivered }
  - { message: m1, when: { partner.tls: required, fw.device: none }, outcome: delivered, tls: true }
  - { message: m1, when: { partner.tls: required, fw.device: asa 9.12(4) }, outcome: deferred, reason: tls-not-offered }
`,
});

const s = (ms) => fmt(ms / 1000, 1);
const sum = (xs) => xs.reduce((a, b) => a + b, 0);

export async function dockerMatrix({ rounds = 2, baseline24 = false, log = console.log } = {}) {
  const snap = await makeSnapshot(ROOT);
  const tmp = await mkdtemp(join(os.tmpdir(), 'mxlab-bench-matrix-'));
  const { runs, run, assertNoLeaks } = variantRuns(snap);
  try {
    const warm = await timedRun(process.execPath, [snap.cli, 'images', 'build'], { cwd: snap.dir, env: process.env });
    if (warm.code !== 0) throw new Error(`mxlab images build failed: ${warm.stderr.slice(-400)}`);
    const one = join(tmp, 'one.yaml');
    const m24 = join(tmp, 'm24.yaml');
    await writeFile(one, ONE);
    await writeFile(m24, M24);
    const off = { ...process.env, MXLAB_DOCKER_REUSE: '0' };
    const fw5 = ['--matrix', `fw.device=${DEVICES.join(',')}`];
    const variants = [
      { key: 'fw1', label: 'Postfix via fw, matrix of 1, --jobs 1', run: run('fw1', [one, '--jobs', '1']) },
      { key: 'fw5', label: 'Postfix via fw, 5 fw.device, --jobs 1', run: run('fw5', [one, '--jobs', '1', ...fw5]) },
      { key: 'm24', label: '3 MTAs x 4 devices x 2 TLS (24), --jobs 2', run: run('m24', [m24, '--jobs', '2']) },
      { key: 'fw5off', label: 'the same 5 fw.device, MXLAB_DOCKER_REUSE=0', run: run('fw5off', [one, '--jobs', '1', ...fw5], off) },
      ...(baseline24 ? [{ key: 'm24off', label: 'the same 24 cells, MXLAB_DOCKER_REUSE=0', run: run('m24off', [m24, '--jobs', '2'], off) }] : []),
    ];
    log(`  ${rounds} rounds, ${variants.length} variants interleaved; wall = CLI spawn → exit; every run checked for its expectations and for leftovers`);
    const samples = await interleave(variants, { warmup: 0, rounds });
    const cellSum = (key) => s(median(runs[key].map((r) => sum(r.cellMs))));
    log(table([
      ['variant', 'median wall s', 'min s', 'max s', 'sum of cells durationMs, median s'],
      ...variants.map((v) => [v.label, s(median(samples[v.key])), s(Math.min(...samples[v.key])), s(Math.max(...samples[v.key])), cellSum(v.key)]),
    ]));
    const extra = (median(samples.fw5) - median(samples.fw1)) / 4;
    const later = median(runs.fw5.map((r) => sum(r.cellMs.slice(1)) / 4));
    log(`  per extra cell changing only the firewall: (t5 − t1)/4 = ${s(extra)} s wall; cells 2–5 durationMs ${s(later)} s each (goal ≤ 1 s) — ${extra <= 1000 ? 'met' : 'NOT met'}`);
    log(`    without reuse: ${s((median(samples.fw5off) - median(samples.fw1)) / 4)} s per extra cell`);
    const t24 = median(samples.m24);
    log(`  24 cells, --jobs 2: ${s(t24)} s wall (goal ≤ 60 s) — ${t24 <= 60_000 ? 'met' : 'NOT met'}${baseline24 ? `; without reuse ${s(median(samples.m24off))} s` : ''}`);
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await snap.remove();
  }
  assertNoLeaks();
  const all = await leftovers('mxlab=true');
  log(`  leftovers: none from any bench run; label=mxlab=true now: ${all.containers.length} containers, ${all.networks.length} networks`);
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  await dockerMatrix({ rounds: Number(process.env.BENCH_ROUNDS ?? 2), baseline24: process.env.BENCH_M24_BASELINE === '1' });
}
