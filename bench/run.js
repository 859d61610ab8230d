#!/usr/bin/env node
/** `npm run bench` entry: builds are done by npm (`npm run build`), this runs every bench on dist/. */
import os from 'node:os';
import { sessionCost } from './session-cost.js';

const quick = process.env.BENCH_QUICK === '1';
const t0 = performance.now();
console.log(`mxlab bench — ${new Date().toISOString()} — node ${process.version}, ${os.cpus().length} cores, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}${quick ? ' — BENCH_QUICK' : ''}`);
console.log('\nBench 1 — per-session cost (issue 2, item 11)');
await sessionCost({ quick });
console.log(`\ntotal ${((performance.now() - t0) / 1000).toFixed(1)} s`);
