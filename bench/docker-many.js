/**
 * Bench 3b — many messages in one docker cell (issue 11, item 5): N messages from a real Postfix
 * sender through an ASA 9.12(4) emulator to an asyncos persona, all submitted at once and followed
 * concurrently. Goal: 200 messages ≤ 15 s warm. Wall = CLI spawn → exit; the cell's durationMs;
 * every run is checked for leftovers. `node bench/docker-many.js [N…]` (default 100 200), after
 * `npm run build`; run it under flock /tmp/mxlab-bench.lock. Never fails on timing.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { dockerRun } from './lib/docker-run.js';
import { viaFirewall } from './lib/docker-scenario.js';
import { makeSnapshot } from './lib/docker-build.js';
import { timedRun } from './lib/docker-cli.js';

const ROOT = resolve(import.meta.dirname, '..');

function scenario(n) {
  const ids = Array.from({ length: n }, (_, i) => `m${i + 1}`);
  return viaFirewall({
    name: `bench: ${n} messages from Postfix through an ASA`,
    ids,
    tail: `expect:\n${ids.map((id) => `  - { message: ${id}, outcome: delivered, tls: false }`).join('\n')}\n`,
  });
}

export async function dockerMany({ counts = [100, 200], rounds = 2, log = console.log } = {}) {
  const snap = await makeSnapshot(ROOT);
  const tmp = await mkdtemp(join(os.tmpdir(), 'mxlab-bench-many-'));
  try {
    const warm = await timedRun(process.execPath, [snap.cli, 'images', 'build'], { cwd: snap.dir, env: process.env });
    if (warm.code !== 0) throw new Error(`mxlab images build failed: ${warm.stderr.slice(-400)}`);
    for (const n of counts) {
      const file = join(tmp, `many-${n}.yaml`);
      await writeFile(file, scenario(n));
      const walls = [];
      const cells = [];
      for (let r = 0; r < rounds; r++) {
        const x = await dockerRun({ cli: snap.cli, args: [file, '--jobs', '1'], cwd: snap.dir });
        if (x.left.containers.length || x.left.networks.length) throw new Error(`leftovers: ${JSON.stringify(x.left)}`);
        if (x.sessions !== n) throw new Error(`expected ${n} sessions, got ${x.sessions}`);
        walls.push(x.ms / 1000);
        cells.push(x.cellMs[0] / 1000);
      }
      log(`  ${n} messages, Postfix → ASA 9.12(4) → asyncos, one cell: wall ${walls.map((w) => w.toFixed(1)).join(' / ')} s, cell durationMs ${cells.map((c) => c.toFixed(1)).join(' / ')} s (goal for 200: ≤ 15 s warm)`);
    }
  } finally {
    await rm(tmp, { recursive: true, force: true });
    await snap.remove();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const counts = process.argv.slice(2).map(Number).filter((n) => n > 0);
  await dockerMany(counts.length ? { counts } : {});
}
