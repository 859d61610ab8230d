import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { submitScript } from '../src/runtime/docker/submit.js';

let dir = '';
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the script under POSIX sh (dash on Debian, as in the MTA images); returns its stdout and the jobs' start/end log. */
function run(items: { id: string; argv: string[] }[], slots: number, env: Record<string, string> = {}) {
  const script = join(dir, 'submit.sh');
  writeFileSync(script, submitScript(items, slots, join(dir, 'slots')));
  const out = execFileSync('sh', [script], { encoding: 'utf8', env: { ...process.env, ...env } });
  const log = readFileSync(join(dir, 'log'), 'utf8').trim().split('\n');
  return { out, log };
}

/** A job that logs its start, sleeps, logs its end, and exits with `code`. */
const job = (id: string, sleep: number, code = 0) => ({ id, argv: ['sh', '-c', `echo "start ${id}" >> "$0/log"; sleep ${sleep}; echo "end ${id}" >> "$0/log"; echo "oops ${id}" >&2; exit ${code}`, dir] });

/** The most jobs running at once, from the start/end log. */
function widest(log: string[]): number {
  let now = 0;
  let max = 0;
  for (const l of log) max = Math.max(max, (now += l.startsWith('start') ? 1 : -1));
  return max;
}

describe('docker runtime: handing messages to a real MTA (the submission script)', () => {
  it('a rolling pool: at most `slots` at once, a slow submission holds one slot while the others go on', () => {
    dir = mkdtempSync(join(tmpdir(), 'mxlab-submit-'));
    const items = [job('slow', 1.5), ...Array.from({ length: 6 }, (_, i) => job(`q${i}`, 0.05))];
    const { out, log } = run(items, 2);
    expect(out).toBe('');
    expect(widest(log)).toBe(2);
    expect(log.filter((l) => l.startsWith('end')).sort()).toEqual(items.map((x) => `end ${x.id}`).sort());
    // waves of 2 would start q1 only after slow ended; the pool runs every quick one while it sleeps
    expect(log.at(-1)).toBe('end slow');
  });

  it('one at a time and in order with one slot; a failed submission is named with its status and stderr', () => {
    dir = mkdtempSync(join(tmpdir(), 'mxlab-submit-'));
    const { out, log } = run([job('a', 0), job('b', 0, 75), job('c', 0)], 1);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(out).toBe('mxlab-submit-failed b 75\noops b\n');
  });

  it('without mkfifo in the image: waves of `slots`, every submission still made', () => {
    dir = mkdtempSync(join(tmpdir(), 'mxlab-submit-'));
    const bin = mkdtempSync(join(dir, 'bin-'));
    writeFileSync(join(bin, 'mkfifo'), '#!/bin/sh\nexit 127\n');
    chmodSync(join(bin, 'mkfifo'), 0o755);
    const items = Array.from({ length: 5 }, (_, i) => job(`w${i}`, 0.05, i === 3 ? 1 : 0));
    const { out, log } = run(items, 2, { PATH: `${bin}:${process.env.PATH}` });
    expect(widest(log)).toBeLessThanOrEqual(2);
    expect(log.filter((l) => l.startsWith('start'))).toHaveLength(5);
    expect(out).toBe('mxlab-submit-failed w3 1\noops w3\n');
  });
});
