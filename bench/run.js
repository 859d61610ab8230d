#!/usr/bin/env node
/**
 * `npm run bench` entry (npm builds dist/ first): every bench, on the built output, in one process.
 * BENCH_QUICK=1: fewer rounds and a 20 MB message instead of 100 MB (docker: no cold node image build, 2 rounds).
 * BENCH_DOCKER=0: skip the docker bench (it is skipped anyway when no Docker engine answers).
 * Prints medians and ratios measured side by side; never fails on timing (it fails only if a session fails).
 */
import os from 'node:os';
import { dataThrough } from './data-through.js';
import { dockerBench, dockerSkipReason } from './docker.js';
import { sessionCost } from './session-cost.js';
import { timelineBench } from './timeline.js';
import { concurrencyBench } from './concurrency.js';

const quick = process.env.BENCH_QUICK === '1';
const t0 = performance.now();
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`mxlab bench — ${new Date().toISOString()} — node ${process.version}, ${os.cpus().length} cores, load ${load()}${quick ? ' — BENCH_QUICK' : ''}`);
console.log('\nBench 1 — per-session cost (issue 2, item 11)');
await sessionCost({ quick });
console.log('\nBench 2 — DATA through a device (issue 3, item 6)');
await dataThrough({ quick });
console.log('\nBench 4 — time: scenario time against wall time (issue 13)');
await timelineBench({ quick });
console.log('\nBench 5 — concurrency: 200 clients through mxlab proxy into mxlab receiver (issue 10)');
await concurrencyBench({ quick });
const noDocker = await dockerSkipReason();
if (noDocker) console.log(`\nBench 3 — docker runtime (issue 4, item 7): skipped — ${noDocker}`);
else {
  console.log('\nBench 3 — docker runtime (issue 4, item 7)');
  await dockerBench({ quick });
}
console.log(`\ntotal ${((performance.now() - t0) / 1000).toFixed(1)} s, load ${load()}`);
