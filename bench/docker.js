/**
 * Bench 3 — the docker runtime (issue 4, item 7): cold image builds, the warm `images build` check,
 * a warm Postfix scenario (goal ≤ 10 s), and the time per extra matrix cell (--jobs 1 and 2).
 * Every `mxlab` command runs as a child process of a code snapshot (see lib/docker-build.js); every
 * run is checked to leave no container or network behind. Never fails on timing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { coldBuild, describeSteps, makeSnapshot } from './lib/docker-build.js';
import { imageIds, leftovers, sh, timedRun } from './lib/docker-cli.js';
import { phaseSums } from './lib/docker-events.js';
import { variantRuns } from './lib/docker-run.js';
import { viaFirewall } from './lib/docker-scenario.js';
import { fmt, interleave, median, table } from './lib/stats.js';

export { dockerSkipReason } from './lib/docker-cli.js';

const ROOT = resolve(import.meta.dirname, '..');
const DEVICES = ['asa 9.12(4)', 'pix 7.2(2)', 'asa 8.4(7)'];
// a Postfix sender through a firewall to an asyncos receiver, one message
const CELL_SCENARIO = viaFirewall({
  name: 'bench: Postfix through a firewall, one message',
  tail: `matrix:
  fw.device: [asa 9.12(4)]
expect:
  - { message: m1, outcome: delivered, tls: false }
`,
});

const s = (ms) => fmt(ms / 1000, 1);

export async function dockerBench({ quick = false, log = console.log } = {}) {
  const rounds = quick ? 2 : 3;
  const snap = await makeSnapshot(ROOT);
  const tmp = await mkdtemp(join(os.tmpdir(), 'mxlab-bench-scn-'));
  const { runs, run, assertNoLeaks } = variantRuns(snap);
  try {
    const version = (await sh('docker', ['info', '--format', '{{.ServerVersion}}'])).stdout.trim();
    const warm0 = await timedRun(process.execPath, [snap.cli, 'images', 'build'], { cwd: snap.dir, env: process.env });
    if (warm0.code !== 0) throw new Error(`mxlab images build failed: ${(warm0.stdout + warm0.stderr).trim().slice(-600)}`);
    const summary = (warm0.stdout + warm0.stderr).split('\n').find((l) => /^images: /.test(l)) ?? 'no summary line';
    const { resolveBase } = await snap.imp('images/base.js');
    const base = await resolveBase(() => {}, { bootstrap: false });
    log(`  dockerd ${version}, base ${base.ref}; the CLI runs from a snapshot of bin/ dist/ containers/ (${snap.dir})`);
    log(`  warm-up \`mxlab images build\`: ${summary} (${s(warm0.ms)} s, not counted)`);

    // 1. cold builds, one sample each (tens of seconds), into throwaway tags
    const realBefore = [...(await imageIds('mxlab/postfix')), ...(await imageIds('mxlab/node'))];
    log(`\n  cold image builds: docker build --no-cache, DOCKER_BUILDKIT=0, --build-arg BASE=${base.ref}, tag mxlab-bench/NAME:cold (removed after), 1 sample`);
    const cold = [];
    const pf = await coldBuild({ ctx: join(snap.dir, 'containers', 'postfix'), tag: 'mxlab-bench/postfix:cold', baseRef: base.ref, label: 'postfix' });
    cold.push(`  postfix: ${s(pf.ms)} s = ${describeSteps(pf)}`);
    if (!quick) {
      const { stageNodeContext } = await snap.imp('images/node-context.js');
      const t0 = performance.now();
      const ctx = await stageNodeContext(() => {});
      const stageMs = performance.now() - t0;
      const nd = await coldBuild({ ctx, tag: 'mxlab-bench/node:cold', baseRef: base.ref, label: 'node' });
      cold.push(`  node: ${s(stageMs + nd.ms)} s = ${describeSteps(nd, [`staging the context ${s(stageMs)} s`])}`);
    }
    for (const line of cold) log(line);
    const realAfter = [...(await imageIds('mxlab/postfix')), ...(await imageIds('mxlab/node'))];
    const untouched = realBefore.every((x) => realAfter.includes(x));
    log(`  real mxlab/postfix and mxlab/node tags ${untouched ? 'untouched' : 'CHANGED (an mxlab build ran meanwhile?)'}; mxlab-bench/*:cold removed`);

    // 2 + 3. warm check, warm Postfix scenario, matrix of 1 and 3 cells: interleaved rounds
    const cellFile = join(tmp, 'postfix-one-cell.yaml');
    await writeFile(cellFile, CELL_SCENARIO);
    const scenario = join(ROOT, 'scenarios', 'docker', 'postfix-through-asa.yaml');
    const matrix3 = ['--matrix', `fw.device=${DEVICES.join(',')}`];
    const variants = [
      { key: 'check', label: 'warm check: mxlab images build', run: async () => {
        const r = await timedRun(process.execPath, [snap.cli, 'images', 'build'], { cwd: snap.dir, env: process.env });
        if (r.code !== 0 || !/^images: 0 built/m.test(r.stdout + r.stderr)) throw new Error(`warm images build did not find every image: ${r.stdout.trim().slice(-300)}`);
        return r.ms;
      } },
      { key: 'postfix', label: 'postfix-through-asa.yaml (1 cell, 3 msgs)', run: run('postfix', [scenario]) },
      { key: 'm1', label: 'one-cell scenario, matrix of 1', run: run('m1', [cellFile, '--jobs', '1']) },
      { key: 'm3j1', label: 'matrix of 3 fw.device, --jobs 1', run: run('m3j1', [cellFile, '--jobs', '1', ...matrix3]) },
      { key: 'm3j2', label: 'matrix of 3 fw.device, --jobs 2', run: run('m3j2', [cellFile, '--jobs', '2', ...matrix3]) },
    ];
    log(`\n  warm runs: ${rounds} rounds, the ${variants.length} variants interleaved; wall = CLI process spawn → exit; each run checked for leftovers`);
    const tty = process.stderr.isTTY;
    const samples = await interleave(variants, { warmup: 0, rounds, onRound: (i, n) => tty && process.stderr.write(`  docker round ${i}/${n}\r`) });
    if (tty) process.stderr.write(`${' '.repeat(30)}\r`);
    const cellCol = (key) => {
      if (!runs[key]) return '';
      const n = runs[key][0].cellMs.length;
      return Array.from({ length: n }, (_, i) => s(median(runs[key].map((r) => r.cellMs[i])))).join(' / ');
    };
    log(table([
      ['variant', 'median s', 'min s', 'max s', 'cell durationMs median s'],
      ...variants.map((v) => [v.label, s(median(samples[v.key])), s(Math.min(...samples[v.key])), s(Math.max(...samples[v.key])), cellCol(v.key)]),
    ]));
    const t1 = median(samples.m1);
    const pfMs = median(samples.postfix);
    log(`  warm Postfix scenario: ${s(pfMs)} s wall (goal ≤ 10 s) — ${pfMs <= 10_000 ? 'met' : 'NOT met'}`);
    log(`  per extra matrix cell: (t3 − t1)/2 = ${s((median(samples.m3j1) - t1) / 2)} s with --jobs 1, ${s((median(samples.m3j2) - t1) / 2)} s with --jobs 2`);

    // where the time goes, from docker events (medians over the runs; per-cell phases summed over cells)
    const rows = [['run (medians, s)', 'setup', 'containers', 'ready wait', 'deliver', 'teardown', 'exit']];
    for (const v of variants.slice(1)) {
      const rs = runs[v.key];
      const m = (f) => s(median(rs.map(f)));
      const sums = rs.map((r) => phaseSums(r.phases.cells));
      rows.push([v.label, m((r) => r.phases.setup), ...['containers', 'ready', 'deliver', 'teardown'].map((k) => s(median(sums.map((x) => x[k])))), m((r) => r.phases.exit)]);
    }
    log('  where the time goes (docker events): setup = spawn → first network (CLI start, image check, stale sweep);');
    log('  containers = networks + create + start; ready wait = last start → first exec (readiness log lines);');
    log('  deliver = submission, delivery, collecting records; teardown = kill → last network removed; summed over cells');
    log(table(rows));
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await snap.remove();
  }
  const all = await leftovers('mxlab=true');
  const others = all.containers.length + all.networks.length;
  assertNoLeaks();
  log(`  leftovers: none from any bench run (checked by each run's mxlab.pid label); docker ps -a --filter label=mxlab=true now: ${all.containers.length} containers, ${all.networks.length} networks${others ? ' (other processes\' runs)' : ''}`);
}

// `node bench/docker.js` runs this bench alone (after `npm run build`)
if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { dockerSkipReason } = await import('./lib/docker-cli.js');
  const why = await dockerSkipReason();
  if (why) console.log(`Bench 3 — docker runtime: skipped (${why})`);
  else await dockerBench({ quick: process.env.BENCH_QUICK === '1' });
}
